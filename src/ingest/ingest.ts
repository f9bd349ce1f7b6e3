/**
 * Feeds and pages from the web → Markdown articles in the corpus folder. Each feed is read (a conditional
 * request: an unchanged feed costs one 304), each item's page fetched and its article extracted (html.ts),
 * falling back to the feed's own text when the page cannot be had, and saved (save.ts). An item already
 * saved is not fetched again unless its feed gives it a newer date, and then with its validators (or it was
 * saved from the feed's text after a passing failure: its page is asked for until it is had); nor is an item
 * that failed for good (or PAGE_RETRIES times for a passing reason) while its feed gives it the same date, for
 * FAILED_RETRY_DAYS; an
 * article whose canonical URL (without tracking parameters: tracking.ts) is already saved under another address is skipped. One failure (a feed, an
 * item, a page) is one line of the report, with its address and reason; the rest goes on. The index is
 * not touched here: the embed that follows picks the files up like any other.
 */
import { FetchStopped } from './fetch.js';
import type { IngestReport, Outcome } from './report.js';
import { savedUrls } from './save.js';
import { FAILED_RETRY_DAYS, forgetTracking, loadState, saveState, type FetchState } from './state.js';
import { withoutTracking } from './tracking.js';
import { Ingestion, PAGE_RETRIES, type IngestOptions, type Task } from './ingestion.js';
import { itemVersion, laterDate, taskVersion } from './items.js';

export { FAILED_RETRY_DAYS, PAGE_RETRIES, type IngestOptions };

export interface IngestSources {
  feeds: string[];
  /** Single pages (`--url`). */
  urls: string[];
}

/**
 * Reads the feeds and pages, saves what is new or changed into `<corpusDir>/web/`, and reports every
 * feed and article. Throws only on what is not the web's fault (a full disk, a bug). The caller holds the
 * embed lock (src/cli/embed.ts, src/bot/refresh.ts): the fetch state, read first and written last, has one writer.
 */
export async function ingest(sources: IngestSources, options: IngestOptions): Promise<IngestReport> {
  const { state, warning } = await loadState(options.corpusDir, options.now);
  // Articles saved twice, under addresses that differ only in tracking parameters, before they were set aside.
  const migration = await forgetTracking(options.corpusDir, state);
  const duplicates = migration.removed;
  const warnings = [...(warning ? [warning] : []), ...migration.warnings];
  // A state lost (or never written): the files saved already are found by their addresses.
  const onDisk = Object.keys(state.addresses).length === 0 ? await savedUrls(options.corpusDir) : undefined;
  const run = new Ingestion(options, state, [...sources.feeds, ...sources.urls], onDisk);
  try {
    return await fetchAll(run, sources, state, options, duplicates, warnings);
  } finally {
    await run.fetcher.close();
  }
}

async function fetchAll(
  run: Ingestion,
  sources: IngestSources,
  state: FetchState,
  options: IngestOptions,
  duplicates: IngestReport['duplicates'],
  warnings: string[],
): Promise<IngestReport> {
  const feeds = await Promise.all(sources.feeds.map((url) => run.readFeed(url)));
  const tasks = new Map<string, Task>();
  for (const url of sources.urls) tasks.set(withoutTracking(url), { link: url, address: withoutTracking(url), explicit: true });
  // One page a run however many addresses list it (two feeds, tracking parameters): the first item, with the newest
  // date and revision any of them gives (laterDate), so that a newer one in either feed updates it.
  for (const feed of feeds) {
    for (const task of feed.tasks) {
      const kept = tasks.get(task.address);
      if (!kept) tasks.set(task.address, task);
      else kept.version = laterDate(taskVersion(kept), itemVersion(task.item));
    }
  }

  run.plan(tasks.values());
  const articles: Outcome[] = feeds.flatMap((feed) => feed.failures);
  let done = 0;
  options.onProgress?.(0, tasks.size);
  await Promise.all(
    [...tasks.values()].map(async (task) => {
      try {
        articles.push(await run.fetchArticle(task));
      } catch (error) {
        if (!(error instanceof FetchStopped)) throw error;
        // Else the feed's next 304 would hide the items not fetched.
        if (task.feed) run.reread.add(task.feed);
        return;
      }
      options.onProgress?.(++done, tasks.size);
    }),
  );
  for (const feed of run.reread) delete state.addresses[feed];
  // Stopped too: what was saved is recorded, so the next run does not fetch it again as new.
  await saveState(options.corpusDir, state);
  options.signal?.throwIfAborted();
  return { feeds: feeds.map((feed) => feed.outcome), articles, requests: run.fetcher.requests, duplicates, ...(warnings.length > 0 ? { warnings } : {}) };
}
