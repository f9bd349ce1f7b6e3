/**
 * The bot keeps its coverage current: with FEEDS set, every FEED_REFRESH_MINUTES it reads the feeds
 * (src/ingest), and when articles were added or changed it re-embeds the corpus through the same
 * incremental, atomic build as `npm run embed` and loads the new index; questions in flight keep the index
 * they started with. Never two refreshes at once: a refresh due while one runs is skipped (an in-process
 * guard), and the embed lock, held from the first request to the new index, keeps a refresh and a manual
 * `npm run embed` apart: a refresh that finds the lock taken fetches nothing and tries again next round (one
 * whose build failed embeds what it saved at the next round, even when the feeds have nothing new by then).
 */
import type { Config } from '../config.js';
import { loadCorpus } from '../corpus/load.js';
import type { IndexLock } from '../index/lock.js';
import { IndexError } from '../index/store.js';
import { buildCoverage } from '../coverage-store.js';
import type { BuildReport } from '../index/build.js';
import { ingest } from '../ingest/ingest.js';
import { formatIngestReport, type IngestReport } from '../ingest/report.js';
import type { Pipeline } from '../pipeline.js';
import type { Logger } from './log.js';

export interface RefreshResult {
  ingest: IngestReport;
  /** The build, when articles were added or changed. */
  build?: BuildReport;
}

export interface RefresherOptions {
  config: Config;
  pipeline: Pipeline;
  logger: Logger;
  /** Called after a new index is loaded (the bot rebuilds its title search). */
  onReloaded?: () => void;
}

/**
 * Whether this bot process refreshes the feeds: with shards, only the one holding shard 0 (`shards`, as
 * discord.js's client options give a shard process its ids). The others load the new index as any process
 * does (start.ts watches it), so outlets are asked once, and the fetch state has one writer.
 */
export function refreshesFeeds(inShard: boolean, shards: number | readonly number[] | 'auto' | undefined): boolean {
  if (!inShard) return true;
  return Array.isArray(shards) ? shards.includes(0) : shards === 0;
}

export class FeedRefresher {
  private running: Promise<RefreshResult | undefined> | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Articles were saved but not embedded yet (the build failed or the embed lock was busy): build next round. */
  private unbuilt = false;

  constructor(private readonly options: RefresherOptions) {}

  /** Whether a refresh is under way. */
  get busy(): boolean {
    return this.running !== undefined;
  }

  /** One refresh now; undefined when one was already running (it is not queued) or the embed lock was busy. */
  refresh(): Promise<RefreshResult | undefined> {
    if (this.running) {
      this.options.logger.info('A feed refresh is still running; this one is skipped.');
      return Promise.resolve(undefined);
    }
    this.running = this.run().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Refreshes now and then every FEED_REFRESH_MINUTES; does nothing without feeds or with 0 minutes. */
  start(): void {
    const { feeds, refreshMinutes } = this.options.config.ingest;
    if (feeds.length === 0 || refreshMinutes === 0) return;
    const tick = () => void this.refresh().catch((error) => this.options.logger.error('The feed refresh failed', { error }));
    this.timer = setInterval(tick, refreshMinutes * 60_000);
    this.timer.unref();
    tick();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async run(): Promise<RefreshResult | undefined> {
    const { pipeline, logger } = this.options;
    // Fetching too is done under the embed lock: the fetch state has one writer at a time.
    let lock: IndexLock;
    try {
      lock = await pipeline.store.target.lock('feed refresh');
    } catch (error) {
      if (!(error instanceof IndexError)) throw error;
      logger.warn(`The feeds were not refreshed: ${error.message}`);
      return undefined;
    }
    try {
      return await this.refreshUnder(lock);
    } finally {
      await lock.release();
    }
  }

  private async refreshUnder(lock: IndexLock): Promise<RefreshResult | undefined> {
    const { config, pipeline, logger } = this.options;
    const report = await ingest({ feeds: config.ingest.feeds, urls: [] }, { corpusDir: config.corpusDir, fetch: config.ingest.fetch, maxFeedItems: config.ingest.maxFeedItems, maxArticleBytes: config.maxArticleBytes });
    logger.info(formatIngestReport({ ...report, warnings: [] }));
    for (const warning of report.warnings ?? []) logger.warn(warning);
    // New, changed or removed files (a feed-text copy, a second copy under tracking parameters) change the coverage.
    if (report.articles.some((a) => a.kind === 'new' || a.kind === 'updated' || a.removed) || (report.duplicates?.length ?? 0) > 0) this.unbuilt = true;
    if (!this.unbuilt) return { ingest: report };
    const corpus = await loadCorpus(config.corpusDir, { maxArticleBytes: config.maxArticleBytes, known: await pipeline.store.knownArticles() });
    for (const problem of corpus.problems) logger.warn(`Skipped ${problem.source}: ${problem.reason}`);
    if (corpus.articles.length === 0) {
      // Building from no article would take every article out of the live index.
      logger.warn('The index was not rebuilt after the feed refresh: every file of the corpus was skipped');
      return { ingest: report };
    }
    let build: BuildReport;
    try {
      build = await buildCoverage(pipeline.store, config, corpus.articles, pipeline.embedder, { lock, corpusAsOf: corpus.readAt });
    } catch (error) {
      if (!(error instanceof IndexError)) throw error;
      logger.warn(`The index was not rebuilt after the feed refresh: ${error.message}`);
      return undefined;
    }
    this.unbuilt = false;
    if (await pipeline.reload()) {
      try {
        this.options.onReloaded?.();
      } catch (error) {
        // The new index is in use: what follows a reload failing is a bug, not a failed refresh.
        logger.error('The new index is in use, but what follows its reload failed (a bug)', { error });
      }
    }
    logger.info(`Feeds refreshed: ${build.added.length} new and ${build.changed.length} changed articles embedded; index ${build.version}.`);
    return { ingest: report, build };
  }
}
