/**
 * RSS 2.0 and Atom feeds → the items to fetch, with rss-parser. An item's address is resolved against the
 * feed's; its own HTML content (content:encoded, Atom content or summary) is kept as the fallback when its
 * page cannot be fetched. A feed that is not valid XML, or not RSS or Atom, is one failure with the reason.
 */
import Parser from 'rss-parser';
import { absoluteUrl } from '../corpus/html.js';

/** A feed that is not valid XML, or not RSS or Atom. */
export class FeedError extends Error {
  override name = 'FeedError';
}

export interface FeedItem {
  /** Absolute http(s) address of the item's page, when it has one. */
  link?: string;
  title?: string;
  /** ISO date the feed gives (published, else updated). */
  date?: string;
  author?: string;
  /** The item's HTML content in the feed, if any. */
  html?: string;
}

export interface ParsedFeed {
  title?: string;
  items: FeedItem[];
}

type RawItem = Parser.Item & { author?: string; 'content:encoded'?: string; summary?: string; id?: string };

/** Parses a feed's XML; throws a FeedError whose message is the reason when it is not a feed. */
export async function parseFeed(xml: string, feedUrl: string): Promise<ParsedFeed> {
  let feed: Parser.Output<RawItem>;
  try {
    // A parser per feed: xml2js keeps state after an error, which would garble the next feed's message.
    feed = await new Parser<Record<string, unknown>, RawItem>().parseString(xml);
  } catch (error) {
    const detail = (error as Error).message.split('\n')[0]!.replace(/\.$/, '');
    throw new FeedError(`not a valid RSS or Atom feed (${detail})`);
  }
  return {
    title: feed.title?.trim() || undefined,
    items: feed.items.map((item) => {
      const guid = typeof item.guid === 'string' && /^https?:/.test(item.guid) ? item.guid : undefined;
      return {
        link: absoluteUrl(item.link ?? guid, feedUrl),
        title: item.title?.trim() || undefined,
        date: item.isoDate,
        author: (item.creator ?? item.author)?.trim() || undefined,
        html: item['content:encoded'] ?? item.content ?? item.summary,
      };
    }),
  };
}
