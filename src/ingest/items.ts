/**
 * What ingestion decides about one feed item without fetching: the article its feed's own HTML holds (for a page
 * that cannot be fetched), which of a long feed's items are read, whether two addresses are one story's, and whether
 * a feed dates an item as before.
 */
import { PageRefused, parseHtmlArticle, type HtmlArticle } from '../corpus/html.js';
import { publishedTime } from '../dates.js';
import type { FeedItem } from './feeds.js';
import type { FetchState } from './state.js';
import { withoutTracking } from './tracking.js';

const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The `max` newest of a feed's items: by their dates when every item has one, else the first `max` in the
 * feed's order (feeds list the newest first).
 */
export function newestItems(items: FeedItem[], max: number): FeedItem[] {
  if (items.length <= max) return items;
  const times = items.map((item) => publishedTime(item.date));
  if (times.some((time) => time === undefined)) return items.slice(0, max);
  return items
    .map((item, order) => ({ item, order, time: times[order]! }))
    .sort((a, b) => b.time - a.time || a.order - b.order)
    .slice(0, max)
    .map(({ item }) => item);
}

/**
 * The article in a feed item's own HTML, for when its page cannot be fetched. Its title is the feed's, as written:
 * given as the page's `og:title`, not its `<title>`, which Readability cuts ("Ukraine: …" loses "Ukraine").
 */
export function articleFromFeed(task: { link: string; item?: FeedItem }): HtmlArticle | undefined {
  if (!task.item?.html) return undefined;
  const title = escapeHtml(task.item.title ?? '');
  const page = `<html><head><title>${title}</title><meta property="og:title" content="${title}"></head><body><article>${task.item.html}</article></body></html>`;
  let article: HtmlArticle | undefined;
  try {
    article = parseHtmlArticle(page, task.link, task.link);
  } catch (error) {
    // Nested too deep to read, a list of links, a paywall's pitch: no text stands in.
    if (error instanceof PageRefused) return undefined;
    throw error;
  }
  return article && { ...article, url: withoutTracking(task.link) };
}

/**
 * Whether two canonical URLs are one story's, its headline edited: the last segments of their paths share at least
 * two words, and two thirds of the shorter one's ("finland-shuts-border" → "finland-shuts-entire-border-with-russia").
 */
export function sameStory(before: string, after: string): boolean {
  const words = (url: string) => new Set(new URL(url).pathname.split('/').filter(Boolean).at(-1)?.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length >= 3) ?? []);
  const [old, now] = [words(before), words(after)];
  const shared = [...old].filter((w) => now.has(w)).length;
  return shared >= 2 && shared >= (2 / 3) * Math.min(old.size, now.size);
}

/**
 * What an item's changes are told by, as kept in the fetch state: its date, and when the feed says it was last
 * revised (Atom's `updated` after its `published`), the two joined by "|" (FeedItem).
 */
export const itemVersion = (item: { date?: string; revised?: string } | undefined): string | undefined =>
  item?.date === undefined ? item?.revised : item.revised === undefined ? item.date : `${item.date}|${item.revised}`;

/** A task's version: the newest its feeds give (ingest.ts), else its own item's. */
export const taskVersion = (task: { item?: { date?: string; revised?: string }; version?: string }): string | undefined => task.version ?? itemVersion(task.item);

const parts = (version: string | undefined): [string | undefined, string | undefined] => {
  const [date, revised] = (version ?? '').split('|');
  return [date || undefined, revised || undefined];
};

/** Whether one date is none newer than another (the same instant written another way included). */
function dateNotNewer(date: string, known: string | undefined): boolean {
  if (sameDate(date, known)) return true;
  const [time, before] = [publishedTime(date), publishedTime(known)];
  return time !== undefined && before !== undefined && time <= before;
}

/**
 * Whether an item's version (itemVersion) is none newer than the one known, date and revision each: two feeds
 * listing one page with different dates fetch it only when either gives a date after the newest seen.
 */
export function notNewer(version: string, known: string | undefined): boolean {
  const [date, revised] = parts(version);
  const [knownDate, knownRevised] = parts(known);
  return (date === undefined || dateNotNewer(date, knownDate)) && (revised === undefined || dateNotNewer(revised, knownRevised ?? knownDate));
}

/** A date more than this far ahead of now is a feed's mistake (2032 for 2023), never kept as the newest. */
const FUTURE_MS = 2 * 86_400_000;

/**
 * The later of two versions, date and revision each (the known one's where the other cannot be read, or lies far
 * in the future): what is kept, so that a date an outlet moved back, or one feed's older date, fetches nothing.
 */
export function laterDate(version: string | undefined, known: string | undefined): string | undefined {
  if (version === undefined || known === undefined) return version ?? known;
  const usable = (date: string | undefined) => {
    const time = publishedTime(date);
    return time !== undefined && time <= Date.now() + FUTURE_MS;
  };
  const later = (a: string | undefined, b: string | undefined) => {
    if (!usable(a)) return b ?? a;
    if (!usable(b)) return a;
    return dateNotNewer(a!, b) ? b : a;
  };
  const [date, revised] = parts(version);
  const [knownDate, knownRevised] = parts(known);
  return itemVersion({ date: later(date, knownDate), revised: later(revised, knownRevised) });
}

/**
 * Whether a feed gives an item the date it gave when last fetched: the same instant counts, so a date kept in
 * the fetch state as rss-parser's UTC (`2023-08-29T17:05:00.000Z`) matches the feed's own text read now.
 */
export function sameDate(date: string, known: string | undefined): boolean {
  const time = publishedTime(date);
  return date === known || (time !== undefined && time === publishedTime(known));
}

/** A run's addresses, and the item ids two of its items share (a placeholder guid tells nothing). */
export interface RunListing {
  listed: ReadonlySet<string>;
  sharedIds: ReadonlySet<string>;
}

export function runListing(tasks: Iterable<{ address: string; item?: FeedItem }>): RunListing {
  const listed = new Set<string>();
  const seen = new Set<string>();
  const sharedIds = new Set<string>();
  for (const task of tasks) {
    listed.add(task.address);
    const id = task.item?.id;
    if (id === undefined) continue;
    if (seen.has(id)) sharedIds.add(id);
    seen.add(id);
  }
  return { listed, sharedIds };
}

/**
 * The canonical URL an item was saved under before, at another address of the same site, when the feed gives its new
 * address the id it gave that one (its guid: the outlet edited the headline in its slug, the old address redirecting
 * or gone), the old address is no longer listed, and the new one keeps most of the old slug's words; else undefined.
 */
export function movedFrom(state: FetchState, listing: RunListing, task: { address: string; item?: FeedItem }, canonical: string): string | undefined {
  const id = task.item?.id;
  if (id === undefined || listing.sharedIds.has(id)) return undefined;
  const host = (url: string) => {
    try {
      return new URL(url).host;
    } catch {
      return undefined;
    }
  };
  for (const [address, entry] of Object.entries(state.addresses)) {
    const earlier = entry.canonical;
    if (entry.itemId !== id || address === task.address || earlier === undefined || earlier === canonical) continue;
    if (listing.listed.has(address) || !sameStory(earlier, canonical)) continue;
    if (state.canonical[earlier] !== undefined && host(earlier) === host(canonical)) return earlier;
  }
  return undefined;
}
