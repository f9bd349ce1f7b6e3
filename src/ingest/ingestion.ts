/**
 * One ingest run's decisions and fetches (ingest.ts runs it): reading a feed into the tasks of its items (the
 * newest FEED_MAX_ITEMS), deciding from the fetch state which pages to ask for (saved, failed before, due
 * again), fetching a page and saving its article, or the feed's text when the page cannot be had.
 */
import { DEFAULT_FEED_MAX_ITEMS, type FetchConfig } from '../config.js';
import { PageRefused, parseHtmlArticle, type HtmlArticle } from '../corpus/html.js';
import { DAY_MS } from '../dates.js';
import { FeedError, parseFeed, type FeedItem } from './feeds.js';
import { FetchError, FetchStopped, PoliteFetcher, type Validators } from './fetch.js';
import type { FeedOutcome, Outcome } from './report.js';
import { articleMarkdown, readSaved, removeSaved, savedFileGone, saveArticle, webFilePath } from './save.js';
import { MAX_SLUG_LENGTH } from '../corpus/ids.js';
import { DEFAULT_MAX_ARTICLE_BYTES } from '../corpus/load.js';
import { FAILED_RETRY_DAYS, type AddressState, type FetchState } from './state.js';
import { withoutTracking } from './tracking.js';
import { articleFromFeed, laterDate, movedFrom, newestItems, notNewer, runListing, sameStory, taskVersion, type RunListing } from './items.js';

export interface IngestOptions {
  corpusDir: string;
  fetch: FetchConfig;
  /** Items read from one feed, the newest first (FEED_MAX_ITEMS); DEFAULT_FEED_MAX_ITEMS by default. */
  maxFeedItems?: number;
  /** Largest file saved (MAX_ARTICLE_BYTES, which the corpus loader refuses above); DEFAULT_MAX_ARTICLE_BYTES by default. */
  maxArticleBytes?: number;
  onProgress?: (done: number, total: number) => void;
  /**
   * Ctrl-C: once aborted, no request is started and those in flight are given up; what was saved is kept in the
   * fetch state (a feed with items left unfetched is read in full next run), then ingest throws the signal's reason.
   */
  signal?: AbortSignal;
  /** The time of the run (ms since 1970), for tests; now by default. */
  now?: number;
}

export interface Task {
  /** The page's address as listed or given, which is asked for. */
  link: string;
  /** The address without tracking parameters (tracking.ts): what the fetch state knows the page by. */
  address: string;
  item?: FeedItem;
  feedTitle?: string;
  /** The feed that listed it. */
  feed?: string;
  /** Asked for by address (`--url`): always asked again, conditionally. */
  explicit: boolean;
  /** The newest date and revision the feeds listing its address give (items.ts itemVersion), when more than one does. */
  version?: string;
}

/**
 * Runs in which a page that failed for a passing reason (saved from its feed's text, or not saved) is asked for
 * again: each also reads its feed in full. A site that keeps failing (always 503 to this client) is then left
 * alone, its article kept as the feed gave it (or counted as failed before), until the feed gives the item a newer date.
 */
export const PAGE_RETRIES = 6;

export class Ingestion {
  readonly fetcher: PoliteFetcher;
  /** Files given out, in earlier runs (the state) and in this one, so two articles never share one. */
  private readonly files: Set<string>;
  /** Canonical URLs saved in this run: a second address of one (its AMP page) is counted unchanged, not saved again. */
  private readonly savedThisRun = new Set<string>();
  /** The addresses this run reads, and the item ids two of them share (`plan`). */
  private listing: RunListing = { listed: new Set(), sharedIds: new Set() };
  /** Feeds with a page that failed for a passing reason (a server error, a timeout): read in full next run. */
  readonly reread = new Set<string>();
  /** Feeds with a page that failed for good FAILED_RETRY_DAYS ago or more: read in full in this run. */
  private readonly due = new Set<string>();

  constructor(
    private readonly options: IngestOptions,
    private readonly state: FetchState,
    /** The addresses the operator named (feeds, `--url`): their hosts and ports may be on a private network (address-guard.ts). */
    named: string[],
    /** When the state was lost: the saved files by the address each gives (savedUrls). */
    private readonly onDisk = new Map<string, string>(),
  ) {
    this.fetcher = new PoliteFetcher(options.fetch, { stop: options.signal, named });
    // The files on disk too when the state was lost, so that a new article never takes a saved one's name.
    this.files = new Set([...Object.values(state.canonical), ...onDisk.values()]);
    for (const entry of Object.values(state.addresses)) if (entry.feed !== undefined && this.retryDue(entry)) this.due.add(entry.feed);
  }

  private get now(): number {
    return this.options.now ?? Date.now();
  }

  /** Whether a page that failed for good is due to be asked again: FAILED_RETRY_DAYS have passed (or the state did not say when it failed). */
  private retryDue(entry: AddressState): boolean {
    return !(this.now - Date.parse(entry.failedAt ?? '') < FAILED_RETRY_DAYS * DAY_MS);
  }

  async readFeed(url: string): Promise<{ outcome: FeedOutcome; tasks: Task[]; failures: Outcome[] }> {
    const known = this.due.has(url) ? {} : this.state.addresses[url];
    try {
      const result = await this.fetcher.get(url, 'feed', known);
      if ('notModified' in result) return { outcome: { url, items: 0, unchanged: true }, tasks: [], failures: [] };
      const feed = await parseFeed(result.body, result.url);
      this.state.addresses[url] = { etag: result.etag, lastModified: result.lastModified };
      const tasks: Task[] = [];
      const failures: Outcome[] = [];
      const items = newestItems(feed.items, this.options.maxFeedItems ?? DEFAULT_FEED_MAX_ITEMS);
      for (const item of items) {
        if (item.link) tasks.push({ link: item.link, address: withoutTracking(item.link), item, feedTitle: feed.title, feed: url, explicit: false });
        else failures.push({ url: `${url} (item "${item.title ?? 'untitled'}")`, kind: 'failed', reason: 'the item has no link to its page' });
      }
      // A page due to be asked again that the feed no longer lists: its feed is not read in full for it again.
      const listed = new Set(tasks.map((task) => task.address));
      for (const [address, entry] of Object.entries(this.state.addresses)) if (entry.feed === url && !listed.has(address)) delete entry.feed;
      const left = feed.items.length - items.length;
      return { outcome: { url, items: feed.items.length, unchanged: false, ...(left > 0 ? { left } : {}) }, tasks, failures };
    } catch (error) {
      // Stopped: the state keeps the feed as it was, so its items are asked for next run.
      if (error instanceof FetchStopped) return { outcome: { url, items: 0, unchanged: false, reason: error.message }, tasks: [], failures: [] };
      if (!(error instanceof FetchError) && !(error instanceof FeedError)) throw error;
      return { outcome: { url, items: 0, unchanged: false, reason: error.message }, tasks: [], failures: [] };
    }
  }

  /**
   * Whether an item is already saved and its feed gives it no newer date: then it is not fetched at all. One
   * saved from its feed's text after a passing failure is not: its page is asked for until it is had.
   */
  private alreadySaved(task: Task): boolean {
    if (task.explicit) return false;
    const known = this.state.addresses[task.address];
    if (known?.pageDue) return false;
    const canonical = this.state.canonical[task.address] ?? (known?.canonical ? this.state.canonical[known.canonical] : undefined);
    const version = taskVersion(task);
    return canonical !== undefined && (!version || !known || notNewer(version, known.itemDate));
  }

  /**
   * The reason an item failed before, for good (a 404, not HTML, too large, no article text) or after PAGE_RETRIES
   * passing failures, when its feed gives it no newer date: it is not asked again until the feed dates it anew, or
   * FAILED_RETRY_DAYS have passed.
   */
  private failedBefore(task: Task): string | undefined {
    const known = this.state.addresses[task.address];
    if (task.explicit || known?.failed === undefined || this.retryDue(known)) return undefined;
    const version = taskVersion(task);
    return !version || notNewer(version, known.itemDate) ? known.failed : undefined;
  }

  /** The newest date and revision of an item known: its feeds' now, or the one kept from before. */
  private newestDate(task: Task): string | undefined {
    return laterDate(taskVersion(task), this.state.addresses[task.address]?.itemDate);
  }

  async fetchArticle(task: Task): Promise<Outcome> {
    const { link } = task;
    if (this.alreadySaved(task)) return { url: link, kind: 'unchanged' };
    const before = this.failedBefore(task);
    if (before !== undefined) return { url: link, kind: 'skipped', reason: before };
    const known = this.state.addresses[task.address];
    let article: HtmlArticle | undefined;
    let validators: Validators = {};
    let failure: string | undefined;
    let passing = false;
    const file = known?.canonical !== undefined ? this.state.canonical[known.canonical] : undefined;
    // A saved article deleted by hand (a takedown, a story withdrawn) stays deleted when its feed dates it anew; `--url` brings it back.
    if (file !== undefined && !task.explicit && (await savedFileGone(this.options.corpusDir, file))) {
      // Said once for each date the feed gives it: the next run with this date takes it as unchanged.
      this.remember(task.address, { ...known, itemDate: this.newestDate(task) });
      return { url: link, kind: 'deleted', reason: `${file} was deleted from the corpus folder, so its page is not fetched again (npm run embed -- --url ${link} brings it back)` };
    }
    // A 304 cannot bring back a file made unreadable since: then the page is asked for without validators.
    const conditional = file !== undefined && (await readSaved(this.options.corpusDir, file)) !== undefined;
    try {
      const result = await this.fetcher.get(link, 'html', conditional ? known : {});
      if ('notModified' in result) {
        this.remember(task.address, { ...known, itemDate: this.newestDate(task), failed: undefined, failedAt: undefined, feed: undefined, failedRuns: undefined });
        return { url: link, kind: 'unchanged' };
      }
      validators = { etag: result.etag, lastModified: result.lastModified };
      article = parseHtmlArticle(result.body, link, result.url);
      if (!article) failure = 'no article text could be found on the page';
      // A page that declares no canonical URL is known by its address without tracking parameters; a declared one is kept as it is.
      else if (article.url === result.url) article = { ...article, url: withoutTracking(result.url) };
      failure ??= this.oversized(task, article!);
      if (failure) article = undefined;
    } catch (error) {
      // A page refused (nested too deep to read, a list of links, a paywall's pitch) fails for good, as one with no
      // article text does; the feed's own text may stand in.
      if (!(error instanceof FetchError) && !(error instanceof PageRefused)) throw error;
      failure = error.message;
      passing = error instanceof FetchError && error.retryable;
    }
    let reason: string | undefined;
    // Runs this page has failed for a passing reason, this one included (a state from before the count: 1).
    const failures = passing ? Math.max(Number(known?.pageDue ?? 0), known?.failedRuns ?? 0) + 1 : 0;
    const retry = failures > 0 && failures <= PAGE_RETRIES;
    if (!article) {
      // Else the feed's next 304 would hide the item (or its page, saved from the feed's text) until the feed changes.
      if (retry && task.feed) this.reread.add(task.feed);
      article = articleFromFeed(task);
      const feedTooLarge = article && this.oversized(task, article);
      if (feedTooLarge) article = undefined;
      // The feed's text is an article only from MIN_ARTICLE_CHARS on: say so, or its failure would look like the page's alone.
      if (!article) {
        const failed = feedTooLarge ? `${failure}; the feed's own text of it is ${feedTooLarge} too` : task.item?.html ? `${failure}; the feed's own text of it is too short to stand in` : failure!;
        // Asked again while the retries last; else not until the feed dates the item anew (failedBefore).
        const forGood = retry ? {} : { failed, failedAt: new Date(this.now).toISOString(), feed: task.feed };
        this.remember(task.address, { ...known, itemDate: this.newestDate(task), pageDue: undefined, failedRuns: retry ? failures : undefined, failed: undefined, failedAt: undefined, feed: undefined, ...forGood });
        return { url: link, kind: 'failed', reason: failed };
      }
      reason = `saved from the feed's own text: ${failure}`;
    }
    // A date the feed wrote that cannot be read, when the page gives none either: said, as a file's is.
    if (!article.published && task.item?.unreadableDate) {
      const undated = `its feed's date "${task.item.unreadableDate}" cannot be read, so the article is indexed without one`;
      reason = reason ? `${reason}; ${undated}` : undated;
    }
    return { ...(await this.save(task, article, validators, reason && retry ? failures : undefined)), ...(reason ? { reason } : {}) };
  }

  /**
   * Why an article is not saved though it was read: its file would be larger than MAX_ARTICLE_BYTES, which the corpus
   * loader refuses (and `npm run embed` with it), though the page was within FETCH_MAX_BYTES. Measured with the longest id
   * a file may keep (the file written keeps its id, which may not be this title's).
   */
  private oversized(task: Task, found: HtmlArticle): string | undefined {
    const article = withFeedMetadata(task, found);
    const bytes = Buffer.byteLength(articleMarkdown({ ...article, id: 'x'.repeat(MAX_SLUG_LENGTH) }));
    const max = this.options.maxArticleBytes ?? DEFAULT_MAX_ARTICLE_BYTES;
    return bytes > max ? `its file would be over MAX_ARTICLE_BYTES (${bytes} bytes, limit ${max})` : undefined;
  }

  /** `pageDue`: saved from the feed's text after that many passing failures, so the page is asked for next run. */
  private async save(task: Task, found: HtmlArticle, validators: Validators, pageDue: number | undefined): Promise<Outcome> {
    const article = withFeedMetadata(task, found);
    const canonical = article.url!;
    const owner = this.state.canonical[canonical];
    const previous = this.state.addresses[task.address];
    const mine = previous?.canonical === canonical || task.address === canonical;
    this.remember(task.address, { ...validators, itemDate: this.newestDate(task), canonical, itemId: task.item?.id, pageDue });
    if (owner && !mine) {
      // The page, had at last, is an article already saved from another address: its feed's text goes.
      const fromFeed = previous?.pageDue && previous.canonical !== undefined ? this.state.canonical[previous.canonical] : undefined;
      if (fromFeed !== undefined && fromFeed !== owner) {
        await removeSaved(this.options.corpusDir, fromFeed);
        delete this.state.canonical[previous!.canonical!];
        return { url: task.link, kind: 'unchanged', reason: `already saved from ${canonical}`, file: owner, removed: fromFeed };
      }
      return { url: task.link, kind: 'unchanged', reason: `already saved from ${canonical}`, file: owner };
    }
    // Saved in this run already, from another address of it (its AMP page, a feed's other link): once a run.
    if (this.savedThisRun.has(canonical)) return { url: task.link, kind: 'unchanged', reason: `already saved from ${canonical}`, file: owner };
    this.savedThisRun.add(canonical);
    // The state lost: the file saved under this canonical URL is found by the address it gives.
    let file = owner ?? this.takeOnDisk(canonical) ?? this.earlierFile(task, previous, canonical);
    if (file === undefined) {
      const wanted = webFilePath(canonical, article.title);
      file = wanted;
      for (let n = 2; this.files.has(file); n++) file = wanted.replace(/\.md$/, `-${n}.md`);
      this.files.add(file);
    }
    // Claimed before the write, so another address of the same article, read meanwhile, is skipped.
    this.state.canonical[canonical] = file;
    const kind = await saveArticle(this.options.corpusDir, file, article);
    return { url: task.link, kind, file };
  }

  /**
   * The file of the item's article saved before under another canonical URL, when it is the same article, taken
   * from that URL: the page of an article saved from its feed's text, had at last (`pageDue`; or, the state lost,
   * the file saved under the item's own address, as the feed's text is); or a feed item whose outlet put its edited
   * headline in its address too ("…/finland-shuts-border" → "…/finland-shuts-entire-border-with-russia"). An
   * address given with --url, or a feed item whose page now tells another story, gets a file of its own.
   */
  private earlierFile(task: Task, previous: AddressState | undefined, canonical: string): string | undefined {
    const earlier = previous?.canonical;
    if (earlier !== undefined && earlier !== canonical && this.state.canonical[earlier] !== undefined) {
      if (!previous!.pageDue && (task.explicit || !sameStory(earlier, canonical))) return undefined;
      const file = this.state.canonical[earlier];
      delete this.state.canonical[earlier];
      return file;
    }
    if (previous === undefined && !task.explicit) {
      const earlier = movedFrom(this.state, this.listing, task, canonical);
      if (earlier !== undefined) {
        const file = this.state.canonical[earlier];
        delete this.state.canonical[earlier];
        return file;
      }
    }
    return previous === undefined && task.address !== canonical ? this.takeOnDisk(task.address) : undefined;
  }

  /** What this run reads, told before any page is fetched: an item moved to a new address (movedItemFile) is told by it. */
  plan(tasks: Iterable<Task>): void {
    this.listing = runListing(tasks);
  }

  /** The saved file that gives `url` (without tracking parameters) as its address, when the state was lost; taken, so no other claims it. */
  private takeOnDisk(url: string): string | undefined {
    const file = this.onDisk.get(url);
    this.onDisk.delete(url);
    return file;
  }

  private remember(address: string, entry: FetchState['addresses'][string]): void {
    this.state.addresses[address] = Object.fromEntries(Object.entries(entry).filter(([, value]) => value !== undefined));
  }
}

/** The article as it is saved: what its page lacks taken from its feed (its date, author, and the feed's title as its outlet). */
function withFeedMetadata(task: Task, found: HtmlArticle): HtmlArticle {
  return {
    ...found,
    // A page that declares no canonical URL: its address without tracking parameters, so two feeds' addresses of it give one file.
    url: found.url ?? withoutTracking(task.link),
    published: found.published ?? task.item?.date,
    author: found.author ?? task.item?.author,
    outlet: found.outlet ?? task.feedTitle,
  };
}
