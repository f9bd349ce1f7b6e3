/**
 * Experiment (issue 10): pgvector's HNSW build time and recall in PGlite by ef_construction, on a copy of one of the
 * bench's PGlite databases (`.cache/bench/postgres-<name>`, copied to a scratch folder and served by `npm run
 * db:dev`): the live version's HNSW index dropped, then built again at each setting (m 16) and searched with the
 * store's dense query, 50 deep, at hnsw.ef_search 200 and 100, against exact search.
 *
 *   node --import tsx scripts/experiments/pg-ef-construction.ts [INDEX=scifact] [QUESTIONS=100]
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, PROJECT_ROOT } from '../../src/config.js';
import { createPool } from '../../src/db/connect.js';
import { DENSE } from '../../src/db/pg-store.js';
import { liveVersion, vectorLiteral } from '../../src/db/pg-write.js';
import { loadEmbedder } from '../../src/embedder.js';
import { startDevServerProcess } from '../bench/db-process.js';
import { readQueries } from '../bench/questions.js';

const name = process.argv[2] ?? 'scifact';
const count = Number(process.argv[3] ?? 100);
const config = await loadConfig();
const embedder = await loadEmbedder(config.embedding);
const questions = readQueries(path.join(PROJECT_ROOT, '..', 'shared', 'eval', 'scifact', 'queries.jsonl'), count);
const vectors = await Promise.all(questions.map(async (q) => vectorLiteral(await embedder.embedQuery(q))));
const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'pg-efc-'));
await fs.cp(path.join(PROJECT_ROOT, '.cache', 'bench', `postgres-${name}`), scratch, { recursive: true });
const server = await startDevServerProcess(scratch);
const pool = createPool(server.url, config.hnsw.efSearch);
try {
  const live = (await liveVersion(pool))!;
  const client = await pool.connect();
  const index = `chunks_embedding_v${live.id}`;
  await client.query(`DROP INDEX IF EXISTS ${index}`);
  await client.query('SET enable_indexscan = off; SET enable_bitmapscan = off; SET enable_sort = on');
  const exact: number[][] = [];
  for (const v of vectors) exact.push((await client.query(DENSE, [v, live.id, 50])).rows.map((r: { label: number }) => r.label));
  await client.query('RESET enable_indexscan; RESET enable_bitmapscan; SET enable_sort = off');
  console.log(`${name}: ${(await client.query('SELECT count(*) FROM chunks WHERE version_id = $1', [live.id])).rows[0].count} chunks, ${questions.length} questions`);
  console.log('ef_construction\tbuild s\tef_search\trecall@10\trecall@50');
  for (const efc of [200, 100, 64]) {
    const started = performance.now();
    await client.query(`SET maintenance_work_mem = '512MB'; SET max_parallel_maintenance_workers = 0`);
    await client.query(`CREATE INDEX ${index} ON chunks USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = ${efc}) WHERE version_id = ${live.id}`);
    const seconds = (performance.now() - started) / 1000;
    for (const ef of [200, 100]) {
      await client.query(`SET hnsw.ef_search = ${ef}`);
      let r10 = 0;
      let r50 = 0;
      for (const [i, v] of vectors.entries()) {
        const got = new Set((await client.query(DENSE, [v, live.id, 50])).rows.map((r: { label: number }) => r.label));
        r10 += exact[i]!.slice(0, 10).filter((l) => got.has(l)).length / 10;
        r50 += exact[i]!.filter((l) => got.has(l)).length / 50;
      }
      console.log(`${efc}\t${seconds.toFixed(1)}\t${ef}\t${(r10 / vectors.length).toFixed(4)}\t${(r50 / vectors.length).toFixed(4)}`);
    }
    await client.query(`DROP INDEX ${index}`);
  }
  client.release(true);
} finally {
  await pool.end();
  await server.stop();
  await fs.rm(scratch, { recursive: true, force: true });
}
