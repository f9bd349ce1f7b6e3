/**
 * Experiment (issue 10): where a build's time goes when it is written to Postgres. The first ARTICLES SciFact
 * articles built from scratch into an empty PGlite database served by `npm run db:dev` in its own process, as the
 * bench's "embedding into each backend" builds them, with every SQL statement of the write timed (pg's
 * Client.prototype.query wrapped), and the build's own phases (embedding, then the write) apart.
 *
 *   node --import tsx scripts/experiments/pg-write-times.ts [ARTICLES=500]
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig, PROJECT_ROOT } from '../../src/config.js';
import { openCoverageStore } from '../../src/coverage-store.js';
import { loadEmbedder } from '../../src/embedder.js';
import { buildIndex } from '../../src/index/build.js';
import { startDevServerProcess } from '../bench/db-process.js';
import { readJsonl } from '../bench/questions.js';

const count = Number(process.argv[2] ?? 500);
const config = await loadConfig();
const embedder = await loadEmbedder(config.embedding);
const articles = readJsonl(path.join(PROJECT_ROOT, '..', 'shared', 'eval', 'scifact', 'corpus.jsonl')).slice(0, count);
const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'pg-write-'));
const times = new Map<string, { n: number; ms: number }>();
const original = pg.Client.prototype.query as (...args: unknown[]) => unknown;
(pg.Client.prototype as unknown as { query: unknown }).query = function (this: unknown, ...args: unknown[]) {
  const sql = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string })?.text ?? '?';
  const key = sql.replace(/\s+/g, ' ').slice(0, 70);
  const started = performance.now();
  const result = original.apply(this, args);
  if (result && typeof (result as Promise<unknown>).then === 'function') {
    (result as Promise<unknown>).then(
      () => {
        const t = times.get(key) ?? { n: 0, ms: 0 };
        t.n++;
        t.ms += performance.now() - started;
        times.set(key, t);
      },
      () => {},
    );
  }
  return result;
};
const server = await startDevServerProcess(path.join(scratch, 'db'));
try {
  const store = await openCoverageStore({ ...config, databaseUrl: server.url });
  try {
    let embeddedAt = 0;
    const started = performance.now();
    const report = await buildIndex({
      articles,
      embedder,
      dir: path.join(scratch, 'local'),
      chunking: config.chunking,
      hnsw: config.hnsw,
      target: store.target,
      onProgress: (p) => {
        if (p.embedded === p.toEmbed && p.toEmbed > 0) embeddedAt = performance.now();
      },
    });
    const total = performance.now() - started;
    console.log(`${report.embeddedTexts} texts, ${report.chunks} chunks, ${report.sentences} sentences: ${(total / 1000).toFixed(1)} s; embedded by ${((embeddedAt - started) / 1000).toFixed(1)} s`);
    const rows = [...times.entries()].sort((a, b) => b[1].ms - a[1].ms);
    for (const [sql, t] of rows.slice(0, 20)) console.log(`${(t.ms / 1000).toFixed(2).padStart(7)} s  ${String(t.n).padStart(4)}×  ${sql}`);
  } finally {
    await store.close();
  }
} finally {
  await server.stop();
  await fs.rm(scratch, { recursive: true, force: true });
}
