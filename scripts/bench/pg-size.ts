/**
 * One index size served by Postgres: the PGlite data folder pg-load.ts filled, served by `npm run db:dev` in a
 * process of its own on 127.0.0.1 (db-process.ts) and reached through the `pg` driver with its DATABASE_URL,
 * exactly as the bot connects; whole answers through the same pipeline and questions as the local rows, in a
 * process of their own as theirs are, then their parts here (the query embedding, the store's search, the reader
 * on what it fetched).
 */
import type { Config } from '../../src/config.js';
import { openCoverageStore } from '../../src/coverage-store.js';
import { mean } from '../../src/eval/metrics.js';
import { log, median, ms, peakRssKb, percentiles, timed } from './measure.js';
import { startDevServerProcess } from './db-process.js';
import { ensurePostgres } from './pg-load.js';
import type { PostgresLoad, PostgresResult, SizeResult } from './results.js';
import { openPipeline, RETRIEVE_LIMIT } from './shipped.js';
import { timeAnswersApart, timeReading } from './sizes.js';

export async function benchPostgresSize(size: PostgresTarget['size'], dir: string, dataDir: string, load: PostgresLoad, cached: boolean, questions: string[], config: Config): Promise<PostgresResult> {
  const { name } = size;
  // The database served by `npm run db:dev` in a process of its own, as a bot reaches it.
  const db = await startDevServerProcess(dataDir);
  try {
    const warm = await db.warmed;
    if (warm !== 'read') log(`  postgres ${name}: the tables were not read ahead (${warm}): timed on the folder as it is`);
    const sizeConfig: Config = { ...config, databaseUrl: db.url };
    const store = await openCoverageStore(sizeConfig);
    const opens: number[] = [];
    try {
      for (let i = 0; i < 3; i++) opens.push((await timed(() => store.open())).ms);
    } finally {
      await store.close();
    }
    const pipeline = await openPipeline(sizeConfig);
    try {
      const { counts } = pipeline.index.manifest;
      if (counts.chunks !== load.chunks) throw new Error(`${dataDir} holds ${counts.chunks} chunks, its record ${load.chunks}: delete it to load it again.`);
      // Whole answers in a process of their own, as a bot's, reaching the database's.
      const { ask, askCpu } = await timeAnswersApart(dir, questions, db.url);
      const embedQuery: number[] = [];
      const search: number[] = [];
      const prepare: number[] = [];
      const read: number[] = [];
      const readAhead: number[] = [];
      for (const question of questions) {
        const vector = await timed(() => pipeline.embedder.embedQuery(question));
        // The store's search alone, its vector at hand; then the search again as answering runs it, and the read.
        const found = await timed(() => pipeline.index.search(question, vector.value, { mode: config.retrieval.mode, limit: RETRIEVE_LIMIT }));
        const reading = await timeReading(pipeline, question, config.retrieval.mode);
        prepare.push(reading.prepareMs);
        read.push(reading.readMs);
        readAhead.push(reading.readAhead);
        embedQuery.push(vector.ms);
        search.push(found.ms);
      }
      log(`  postgres ${name}: ${counts.chunks} chunks, ask p50 ${ms(ask.p50)} ms, p95 ${ms(ask.p95)} ms (CPU ${ms(askCpu.p50)} / ${ms(askCpu.p95)} ms)`);
      return {
        name,
        backend: 'postgres',
        scaleIndex: size.scaleIndex,
        chunks: counts.chunks,
        sentences: counts.sentences,
        load,
        loadCached: cached,
        openMs: median(opens),
        ask,
        askCpu,
        embedQuery: percentiles(embedQuery),
        search: percentiles(search),
        prepare: percentiles(prepare),
        read: percentiles(read),
        readAhead: mean(readAhead),
        questions: questions.length,
        rssKb: peakRssKb(),
      };
    } finally {
      await pipeline.close();
    }
  } finally {
    await db.stop();
  }
}

/** An index the local rows measured, to measure again on Postgres. */
export interface PostgresTarget {
  size: Pick<SizeResult, 'name' | 'chunks' | 'sentences' | 'scaleIndex'>;
  dir: string;
  questions: string[];
}

/**
 * Every target loaded (or taken from the cache) and measured on Postgres; a size that cannot be loaded
 * within the budget, or whose database fails to answer, is a row saying why rather than the end of the run.
 */
export async function benchPostgres(targets: PostgresTarget[], config: Config, options: { cacheDir: string; budgetMinutes: number }): Promise<PostgresResult[]> {
  const rows: PostgresResult[] = [];
  for (const { size, dir, questions } of targets) {
    const row = { name: size.name, backend: 'postgres' as const, scaleIndex: size.scaleIndex, chunks: size.chunks, sentences: size.sentences };
    const outcome = await ensurePostgres(size.name, dir, options);
    if ('notMeasured' in outcome) {
      rows.push({ ...row, notMeasured: outcome.notMeasured });
      continue;
    }
    try {
      rows.push(await benchPostgresSize(size, dir, outcome.dataDir, outcome.load, outcome.cached, questions, config));
    } catch (error) {
      log(`  postgres ${size.name}: answering failed: ${(error as Error).stack ?? String(error)}`);
      rows.push({ ...row, notMeasured: `answering failed: ${(error as Error).message}` });
    }
  }
  return rows;
}
