/**
 * Embedding into each backend from scratch (issue 10: "embed into Postgres within 20 % of local embed
 * throughput"): the same articles built by `npm run embed`'s build into an empty local folder and into an empty
 * PGlite database served by `npm run db:dev` in a process of its own (reached through its DATABASE_URL, as the
 * embed reaches it), in turn (local, Postgres, local, Postgres …) so that the machine's drift falls on both.
 * Throughput is the texts embedded (chunks and sentences) over the build's wall time, the write included.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Config } from '../../src/config.js';
import { openCoverageStore } from '../../src/coverage-store.js';
import type { Article } from '../../src/corpus/types.js';
import type { Embedder } from '../../src/embedder.js';
import { buildIndex } from '../../src/index/build.js';
import { startDevServerProcess } from './db-process.js';
import { log, timed } from './measure.js';
import type { EmbedBackendRow } from './results.js';

export async function benchEmbedBackends(articles: Article[], embedder: Embedder, config: Config, scratch: string, rounds: number): Promise<EmbedBackendRow[]> {
  const rows: EmbedBackendRow[] = [];
  await fs.rm(scratch, { recursive: true, force: true });
  try {
    for (let round = 1; round <= rounds; round++) {
      for (const backend of ['local', 'postgres'] as const) {
        // The local index's folder; the database's data folder beside it (a build given a target writes only there).
        const dir = path.join(scratch, `${backend}-${round}`);
        await fs.mkdir(dir, { recursive: true });
        const build = (target?: Parameters<typeof buildIndex>[0]['target']) => timed(() => buildIndex({ articles, embedder, dir, chunking: config.chunking, hnsw: config.hnsw, target }));
        let run: Awaited<ReturnType<typeof build>>;
        if (backend === 'local') run = await build();
        else {
          const db = await startDevServerProcess(path.join(scratch, `database-${round}`));
          try {
            const store = await openCoverageStore({ ...config, databaseUrl: db.url });
            try {
              run = await build(store.target);
            } finally {
              await store.close();
            }
          } finally {
            await db.stop();
          }
        }
        const row = { backend, round, articles: articles.length, texts: run.value.embeddedTexts, ms: run.ms, cpuMs: run.cpuMs };
        log(`  embed into ${backend} (round ${round}): ${row.texts} texts in ${(row.ms / 1000).toFixed(1)} s, ${textsPerSecond(row).toFixed(1)} texts/s`);
        rows.push(row);
      }
    }
    return rows;
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
}

export const textsPerSecond = (row: Pick<EmbedBackendRow, 'texts' | 'ms'>) => row.texts / (row.ms / 1000);

/** Postgres's mean throughput against the local one's, as a fraction (−0.2: 20 % slower), or undefined. */
export function postgresEmbedShare(rows: EmbedBackendRow[]): number | undefined {
  const mean = (backend: EmbedBackendRow['backend']) => {
    const of = rows.filter((r) => r.backend === backend).map(textsPerSecond);
    return of.length ? of.reduce((a, b) => a + b, 0) / of.length : undefined;
  };
  const [local, postgres] = [mean('local'), mean('postgres')];
  return local && postgres !== undefined ? postgres / local - 1 : undefined;
}
