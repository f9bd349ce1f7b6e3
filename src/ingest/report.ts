/**
 * What one ingest run did, feed by feed and article by article, and the summary printed after it.
 */
import { FAILED_RETRY_DAYS, type Duplicate } from './state.js';

/**
 * `skipped`: it failed before, and its feed gives it no newer date (nor have FAILED_RETRY_DAYS passed), so it was not asked again.
 * `deleted`: its saved file was deleted by hand, so its feed's new date for it was not followed.
 */
export type OutcomeKind = 'new' | 'updated' | 'unchanged' | 'failed' | 'skipped' | 'deleted';

export interface Outcome {
  /** The address of the page, of the feed, or of the feed and the item's title (an item with no link). */
  url: string;
  kind: OutcomeKind;
  /** Why it failed (in an earlier run, when skipped), or how it was saved when not from its page. */
  reason?: string;
  /** The Markdown file, relative to the corpus folder. */
  file?: string;
  /** A file this run removed for it (the feed's text it was saved from, now that its page is another article's). */
  removed?: string;
}

export interface FeedOutcome {
  url: string;
  /** Items the feed listed (0 when it was unchanged since the last run). */
  items: number;
  unchanged: boolean;
  reason?: string;
  /** Items past FEED_MAX_ITEMS, not read this run. */
  left?: number;
}

export interface IngestReport {
  feeds: FeedOutcome[];
  articles: Outcome[];
  /** HTTP requests sent, robots.txt included. */
  requests: number;
  /** Second copies of articles, saved before tracking parameters were set aside, removed in this run. */
  duplicates?: Duplicate[];
  /** What the maintainer should know of the run itself (a fetch state that could not be read), one line each. */
  warnings?: string[];
}

/** The summary printed after a run: counts, then one line per failure (address and reason) and per fallback. */
export function formatIngestReport(report: IngestReport): string {
  const count = (kind: OutcomeKind) => report.articles.filter((a) => a.kind === kind).length;
  const skipped = count('skipped');
  const feedsFailed = report.feeds.filter((f) => f.reason).length;
  const feedsUnchanged = report.feeds.filter((f) => f.unchanged).length;
  const feedPart = report.feeds.length > 0 ? `${report.feeds.length} feed${report.feeds.length === 1 ? '' : 's'} (${feedsUnchanged} unchanged, ${feedsFailed} failed); ` : '';
  const lines = [
    `Web: ${feedPart}articles: ${count('new')} new, ${count('updated')} updated, ${count('unchanged')} unchanged, ${count('failed')} failed${skipped > 0 ? ` (${skipped} more failed before: not asked again until their feed dates them anew or ${FAILED_RETRY_DAYS} days have passed)` : ''}; ${report.requests} request${report.requests === 1 ? '' : 's'}.`,
  ];
  for (const feed of report.feeds) {
    if (feed.reason) lines.push(`  failed ${feed.url}: ${feed.reason}`);
    if (feed.left) lines.push(`  ${feed.url} lists ${feed.items} items: the newest ${feed.items - feed.left} were read (FEED_MAX_ITEMS)`);
  }
  for (const article of report.articles) {
    if (article.kind === 'failed') lines.push(`  failed ${article.url}: ${article.reason}`);
    else if (article.kind === 'deleted') lines.push(`  kept out ${article.url}: ${article.reason}`);
    else if (article.reason && article.kind !== 'unchanged' && article.kind !== 'skipped') lines.push(`  ${article.kind} ${article.url}: ${article.reason}`);
  }
  for (const warning of report.warnings ?? []) lines.push(`Warning: ${warning}`);
  for (const { file, kept } of report.duplicates ?? []) lines.push(`  removed ${file}: a second copy of ${kept} (its address differed only in tracking parameters)`);
  return lines.join('\n');
}
