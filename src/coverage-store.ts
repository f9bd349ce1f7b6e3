/**
 * Which store holds the coverage: the database when DATABASE_URL is set, else the index folder. The
 * database code is only loaded when it is used, so the local path starts as fast as before.
 */
import type { Config } from './config.js';
import type { Article } from './corpus/types.js';
import type { Embedder } from './embedder.js';
import { buildIndex, type BuildOptions, type BuildReport } from './index/build.js';
import { localStore, type CoverageStore } from './index/coverage.js';

export async function openCoverageStore(config: Config): Promise<CoverageStore> {
  if (!config.databaseUrl) return localStore(config.embeddingsDir, config.hnsw);
  const { openPostgresStore } = await import('./db/pg-store.js');
  return openPostgresStore(config.databaseUrl, config.hnsw);
}

/** Builds the coverage of `articles` into a store, with the configured chunking and HNSW settings. */
export function buildCoverage(
  store: CoverageStore,
  config: Config,
  articles: Article[],
  embedder: Embedder,
  options: Pick<BuildOptions, 'onProgress' | 'signal' | 'lock' | 'corpusAsOf'> = {},
): Promise<BuildReport> {
  return buildIndex({ articles, embedder, dir: config.embeddingsDir, target: store.target, chunking: config.chunking, hnsw: config.hnsw, ...options });
}
