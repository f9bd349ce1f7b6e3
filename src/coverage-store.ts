/**
 * Which store holds the coverage: the database when DATABASE_URL is set, else the index folder. The
 * database code is only loaded when it is used, so the local path starts as fast as before.
 */
import type { Config } from './config.js';
import { localStore, type CoverageStore } from './index/coverage.js';

export async function openCoverageStore(config: Config): Promise<CoverageStore> {
  if (!config.databaseUrl) return localStore(config.embeddingsDir, config.hnsw);
  const { openPostgresStore } = await import('./db/pg-store.js');
  return openPostgresStore(config.databaseUrl, config.hnsw);
}
