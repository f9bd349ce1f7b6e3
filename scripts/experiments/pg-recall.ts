/**
 * Experiment (issue 10): recall of pgvector's HNSW search in one of the bench's PGlite copies
 * (`.cache/bench/postgres-<name>`, served by `npm run db:dev`) against exact search (the same query with index
 * scans off), at several hnsw.ef_search values, for the store's own dense query (src/db/pg-store.ts DENSE) 50 deep.
 *
 *   node --import tsx scripts/experiments/pg-recall.ts [INDEX=public-100k] [QUESTIONS=100]
 */
import path from 'node:path';
import { loadConfig, PROJECT_ROOT } from '../../src/config.js';
import { createPool } from '../../src/db/connect.js';
import { DENSE } from '../../src/db/pg-store.js';
import { liveVersion, vectorLiteral } from '../../src/db/pg-write.js';
import { loadEmbedder } from '../../src/embedder.js';
import { startDevServerProcess } from '../bench/db-process.js';
import { readQueries } from '../bench/questions.js';

const name = process.argv[2] ?? 'public-100k';
const count = Number(process.argv[3] ?? 100);
const EF_SEARCH = [200, 150, 120, 100, 80, 64, 50];
const DEPTH = 50;
const config = await loadConfig();
const embedder = await loadEmbedder(config.embedding);
const questions = readQueries(path.join(PROJECT_ROOT, '..', 'shared', 'eval', 'scifact', 'queries.jsonl'), count);
const server = await startDevServerProcess(path.join(PROJECT_ROOT, '.cache', 'bench', `postgres-${name}`));
// Timed once the server has read its tables ahead, as the bench times its rows.
await server.warmed;
const pool = createPool(server.url, config.hnsw.efSearch);
try {
  const live = (await liveVersion(pool))!;
  const found = new Map<string, number>();
  const add = (key: string, exact: number[], got: Set<number>, k: number) => found.set(key, (found.get(key) ?? 0) + exact.slice(0, k).filter((l) => got.has(l)).length / k);
  // A connection of its own, dropped afterwards (db:dev serves one session to all: its settings are set back).
  const client = await pool.connect();
  try {
    for (const question of questions) {
      const vector = vectorLiteral(await embedder.embedQuery(question));
      await client.query('SET enable_indexscan = off; SET enable_bitmapscan = off; SET enable_sort = on');
      const exact = (await client.query(DENSE, [vector, live.id, DEPTH])).rows.map((r: { label: number }) => r.label);
      await client.query('RESET enable_indexscan; RESET enable_bitmapscan; SET enable_sort = off');
      for (const ef of EF_SEARCH) {
        await client.query(`SET hnsw.ef_search = ${ef}`);
        const got = new Set((await client.query(DENSE, [vector, live.id, DEPTH])).rows.map((r: { label: number }) => r.label));
        add(`${ef}\trecall@10`, exact, got, 10);
        add(`${ef}\trecall@50`, exact, got, DEPTH);
      }
    }
  } finally {
    await client.query(`RESET enable_indexscan; RESET enable_bitmapscan; SET enable_sort = off; SET hnsw.ef_search = ${config.hnsw.efSearch}`).catch(() => {});
    client.release(true);
  }
  console.log(`${name}, ${questions.length} SciFact questions, ${DEPTH} deep\nef_search\tmeasure\tvalue`);
  for (const [key, sum] of found) console.log(`${key}\t${(sum / questions.length).toFixed(4)}`);
} finally {
  await pool.end();
  await server.stop();
}
