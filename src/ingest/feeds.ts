/**
 * RSS 2.0 and Atom feeds → the items to fetch, with rss-parser. An item's address is resolved against the
 * feed's; its own HTML content (content:encoded, Atom content or summary) is kept as the fallback when its
 * page cannot be fetched. A feed that is not valid XML, or not RSS or Atom, is one failure with the reason.
 */
import { DOMParser, parseHTML } from 'linkedom';
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
  /** The feed's id of the item (RSS `guid`, Atom `id`): it stays when an outlet edits the headline in the item's link. */
  id?: string;
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

/** A text field as rss-parser gives it: a string, or an element's object whose text is its `_` (an attribute on it). */
function textOf(value: unknown): string | undefined {
  const text = typeof value === 'string' ? value : typeof value === 'object' && value !== null && typeof (value as { _?: unknown })._ === 'string' ? (value as { _: string })._ : undefined;
  return text?.trim() || undefined;
}

/**
 * An Atom feed's titles (the feed's, then each entry's, in order), read as their `type` says: `html` is escaped HTML
 * ("Kim &amp;amp; Putin" is "Kim & Putin"), `xhtml` a `<div>` of markup. rss-parser gives the first as written and
 * the second as an object. Undefined for an RSS feed, whose titles are text.
 */
function atomTitles(xml: string): { feed?: string; entries: (string | undefined)[] } | undefined {
  const root = new DOMParser().parseFromString(xml, 'text/xml').documentElement;
  if (root?.localName !== 'feed') return undefined;
  type Node = typeof root;
  const child = (element: Node, name: string) => [...element.children].find((c) => c.localName === name);
  const read = (title: Node | undefined) => {
    if (!title) return undefined;
    const text = title.getAttribute('type') === 'html' ? parseHTML(`<!doctype html><html><body>${title.textContent ?? ''}</body></html>`).document.body.textContent : title.textContent;
    return text?.replace(/\s+/g, ' ').trim() || undefined;
  };
  return { feed: read(child(root, 'title')), entries: [...root.children].filter((c) => c.localName === 'entry').map((entry) => read(child(entry, 'title'))) };
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
  const atom = atomTitles(xml);
  return {
    title: atom ? atom.feed : textOf(feed.title),
    items: feed.items.map((item, i) => {
      const guid = typeof item.guid === 'string' && /^https?:/.test(item.guid) ? item.guid : undefined;
      const written = writtenDate(item);
      // rss-parser's own reading (Date.parse, in UTC) of a text this does not read ("09/13/2023 01:30 GMT"), but not of
      // a day the month lacks, which it rolls over ("31 Feb 2023" → 3 March): that date is none, and said unreadable.
      const date = normalizeDate(written) ?? (written !== undefined && namesImpossibleDay(written) ? undefined : item.isoDate);
      const updated = typeof item.updated === 'string' ? normalizeDate(item.updated) : undefined;
      const revised = updated !== undefined && date !== undefined && (publishedTime(updated) ?? 0) > (publishedTime(date) ?? Infinity) ? updated : undefined;
      return {
        link: absoluteUrl(item.link ?? guid, feedUrl),
        title: atom ? atom.entries[i] : textOf(item.title),
        date,
        ...(revised ? { revised } : {}),
        ...(written !== undefined && date === undefined ? { unreadableDate: written.trim() } : {}),
        author: textOf(item.creator) ?? textOf(item.author),
        id: textOf(item.guid) ?? textOf(item.id),
        html: item['content:encoded'] ?? item.content ?? item.summary,
      };
    }),
  };
}
