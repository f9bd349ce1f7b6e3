/**
 * A BEIR-style dataset: nDCG@10, Recall@10/100 and MRR@10 per retrieval mode, with published reference rows;
 * with `--backends local,postgres`, the same questions asked of the same coverage served by each backend.
 * The Postgres coverage is the local index copied into a PGlite data folder (the bench's loader: nothing is
 * embedded again), served over the wire protocol and reached through the `pg` driver, as the bot reaches a
 * database; a dataset is never written into the user's own DATABASE_URL.
 */
import path from 'node:path';
import type { Config, RetrievalMode } from '../../src/config.js';
import { openCoverageStore } from '../../src/coverage-store.js';
import { startDevDatabase } from '../../src/db/dev-server.js';
import type { Embedder } from '../../src/embedder.js';
import { cachedIndexDir, EVAL_CACHE } from '../../src/eval/cached-index.js';
import type { Dataset } from '../../src/eval/datasets.js';
import { documentsFromChunks, mean, mrrAt, ndcgAt, recallAt } from '../../src/eval/metrics.js';
import { localStore, type Backend, type Coverage } from '../../src/index/coverage.js';
import { ensurePostgres, PG_LOAD_BUDGET_MINUTES } from '../bench/pg-load.js';
import { num } from './tables.js';

export const BACKENDS: readonly Backend[] = ['local', 'postgres'];

const REFERENCE_NDCG10: Record<string, Record<string, number>> = {
  'BM25 (BEIR paper)': { scifact: 0.665, nfcorpus: 0.325 },
  'all-MiniLM-L6-v2': { scifact: 0.645, nfcorpus: 0.316 },
  'bge-small-en-v1.5': { scifact: 0.713, nfcorpus: 0.343 },
  'BM25 + bge-base, RRF (Anserini)': { scifact: 0.742, nfcorpus: 0.373 },
};

/**
 * Chunks retrieved per question: enough distinct documents for Recall@100. (Each search also fetches what
 * reading those chunks needs, as the bot's does: the latency column counts it.)
 */
const DEPTH = 400;

/** The dataset's coverage served by a backend (`pgDataDir`: its PGlite copy), and how to let it go. */
async function servedBy(backend: Backend, indexDir: string, pgDataDir: string | undefined, config: Config): Promise<{ coverage: Coverage; close: () => Promise<void> }> {
  if (backend === 'local') {
    const coverage = await localStore(indexDir, config.hnsw).open();
    return { coverage, close: async () => coverage.close?.() };
  }
  const db = await startDevDatabase({ dataDir: pgDataDir!, port: 0 });
  const store = await openCoverageStore({ ...config, databaseUrl: db.url }).catch(async (error: unknown) => {
    await db.stop();
    throw error;
  });
  const close = () => store.close().finally(() => db.stop());
  try {
    return { coverage: await store.open(), close };
  } catch (error) {
    await close().catch(() => {}); // the error that matters is the open's
    throw error;
  }
}

/** `cacheDir` keeps the dataset's index, and its PGlite copy under `postgres/` (the tests give a folder of their own). */
export async function evaluateDataset(config: Config, embedder: Embedder, dataset: Dataset, modes: RetrievalMode[], maxQueries: number, backends: readonly Backend[] = ['local'], cacheDir = EVAL_CACHE) {
  const indexDir = await cachedIndexDir(config, embedder, dataset.name, dataset.corpusFile, cacheDir);
  // The Postgres copy is made before any question is asked, so that a load that fails costs no other figure.
  let pgDataDir: string | undefined;
  if (backends.includes('postgres')) {
    const loaded = await ensurePostgres(dataset.name, indexDir, { cacheDir: path.join(cacheDir, 'postgres'), budgetMinutes: PG_LOAD_BUDGET_MINUTES * 4 });
    if ('notMeasured' in loaded) throw new Error(`${dataset.name} could not be loaded into PGlite: ${loaded.notMeasured}`);
    pgDataDir = loaded.dataDir;
  }
  const queries = dataset.queries.slice(0, maxQueries);
  const started = performance.now();
  const vectors: Float32Array[] = [];
  for (const query of queries) vectors.push(await embedder.embedQuery(query.text));
  const embedMs = (performance.now() - started) / queries.length;
  const rows: string[][] = [];
  const ndcg = new Map<string, number>();
  let counts = { chunks: 0, documents: 0 };
  for (const backend of backends) {
    const { coverage, close } = await servedBy(backend, indexDir, pgDataDir, config);
    try {
      counts = { chunks: coverage.manifest.counts.chunks, documents: coverage.articles.size };
      for (const mode of modes) {
        const t0 = performance.now();
        const metrics: number[][] = [];
        for (const [i, query] of queries.entries()) {
          const { retrieved, view } = await coverage.search(query.text, vectors[i]!, { mode, limit: DEPTH });
          const ranked = documentsFromChunks(retrieved.map((c) => view.chunks[c.label]!.articleId));
          const judgments = dataset.qrels.get(query.id)!;
          metrics.push([ndcgAt(ranked, judgments, 10), recallAt(ranked, judgments, 10), recallAt(ranked, judgments, 100), mrrAt(ranked, judgments, 10)]);
        }
        const searchMs = (performance.now() - t0) / queries.length;
        const scores = [0, 1, 2, 3].map((m) => mean(metrics.map((r) => r[m]!)));
        ndcg.set(`${backend} ${mode}`, scores[0]!);
        rows.push([dataset.name, backend, mode, ...scores.map(num), `${(embedMs + searchMs).toFixed(1)} ms`]);
      }
    } finally {
      await close();
    }
  }
  for (const [system, scores] of Object.entries(REFERENCE_NDCG10)) {
    if (scores[dataset.name] !== undefined) rows.push([dataset.name, '', `ref: ${system}`, num(scores[dataset.name]!), '', '', '', '']);
  }
  // Backend parity: each mode's nDCG@10 on Postgres less the local one (the issue allows 0.01).
  const parity =
    backends.length < 2
      ? []
      : modes.map((mode) => ({ mode, difference: ndcg.get(`${backends[1]} ${mode}`)! - ndcg.get(`${backends[0]} ${mode}`)! }));
  return { rows, parity, queries: queries.length, ...counts };
}
