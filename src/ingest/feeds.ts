/**
 * RSS 2.0 and Atom feeds → the items to fetch, with rss-parser. An item's address is resolved against the
 * feed's; its own HTML content (content:encoded, Atom content or summary) is kept as the fallback when its
 * page cannot be fetched. A feed that is not valid XML, or not RSS or Atom, is one failure with the reason.
 */
import Parser from 'rss-parser';
import { namesImpossibleDay, normalizeDate } from '../corpus/declared-date.js';
import { publishedTime } from '../dates.js';
import { absoluteUrl } from '../corpus/html.js';

/** A feed that is not valid XML, or not RSS or Atom. */
export class FeedError extends Error {
  override name = 'FeedError';
}

export interface FeedItem {
  /** Absolute http(s) address of the item's page, when it has one. */
  link?: string;
  title?: string;
  /**
   * The date the feed gives (published, else updated), as articles keep it (declared-date.ts): with the feed's own
   * offset, so the day is the outlet's; in UTC only when the feed's text cannot be read but rss-parser's can.
   */
  date?: string;
  /** The date the feed wrote when it cannot be read (then `date` is absent): said in the run's summary. */
  unreadableDate?: string;
  /**
   * When the feed says the item last changed, if later than `date`: Atom's `updated` beside its `published` (a
   * correction). A new one has the item fetched again (itemVersion), as a newer date does.
   */
  revised?: string;
  author?: string;
  /** The item's HTML content in the feed, if any. */
  html?: string;
}

export interface ParsedFeed {
  title?: string;
  items: FeedItem[];
}

type RawItem = Parser.Item & { author?: string; 'content:encoded'?: string; summary?: string; id?: string; published?: unknown; updated?: unknown; date?: unknown };

/**
 * An item's date as the feed wrote it: Atom's `published` or `updated` (rss-parser keeps only their UTC `isoDate`),
 * RSS's `pubDate` or `dc:date`.
 */
function writtenDate(item: RawItem): string | undefined {
  for (const text of [item.published, item.updated, item.pubDate, item.date]) if (typeof text === 'string' && text.trim()) return text;
  return undefined;
}

/** Parses a feed's XML; throws a FeedError whose message is the reason when it is not a feed. */
export async function parseFeed(xml: string, feedUrl: string): Promise<ParsedFeed> {
  let feed: Parser.Output<RawItem>;
  try {
    // A parser per feed: xml2js keeps state after an error, which would garble the next feed's message.
    feed = await new Parser<Record<string, unknown>, RawItem>({ customFields: { item: ['published', 'updated'] } }).parseString(xml);
  } catch (error) {
    const detail = (error as Error).message.split('\n')[0]!.replace(/\.$/, '');
    throw new FeedError(`not a valid RSS or Atom feed (${detail})`);
  }
  return {
    title: feed.title?.trim() || undefined,
    items: feed.items.map((item) => {
      const guid = typeof item.guid === 'string' && /^https?:/.test(item.guid) ? item.guid : undefined;
      const written = writtenDate(item);
      // rss-parser's own reading (Date.parse, in UTC) of a text this does not read ("09/13/2023 01:30 GMT"), but not of
      // a day the month lacks, which it rolls over ("31 Feb 2023" → 3 March): that date is none, and said unreadable.
      const date = normalizeDate(written) ?? (written !== undefined && namesImpossibleDay(written) ? undefined : item.isoDate);
      const updated = typeof item.updated === 'string' ? normalizeDate(item.updated) : undefined;
      const revised = updated !== undefined && date !== undefined && (publishedTime(updated) ?? 0) > (publishedTime(date) ?? Infinity) ? updated : undefined;
      return {
        link: absoluteUrl(item.link ?? guid, feedUrl),
        title: item.title?.trim() || undefined,
        date,
        ...(revised ? { revised } : {}),
        ...(written !== undefined && date === undefined ? { unreadableDate: written.trim() } : {}),
        author: (item.creator ?? item.author)?.trim() || undefined,
        html: item['content:encoded'] ?? item.content ?? item.summary,
      };
    }),
  };
}
