/**
 * Experiment (issue 10): each query of a question against `npm run db:dev` serving one of the bench's PGlite
 * copies (`.cache/bench/postgres-<name>`), timed alone, in turn, as the Postgres store sends them: the dense search,
 * the four BM25 lists (chunks and articles, by text and by title), the retrieved chunks and their sentences.
 *
 *   node --import tsx scripts/experiments/pg-query-times.ts [INDEX=public-100k] [QUESTIONS=100]
 */
import path from 'node:path';
import { loadConfig, PROJECT_ROOT } from '../../src/config.js';
import { createPool } from '../../src/db/connect.js';
import { bm25, BM25_LISTS, DENSE, readsScanScore, VIEW_CHUNKS, VIEW_SENTENCES } from '../../src/db/pg-store.js';
import { liveVersion, vectorLiteral } from '../../src/db/pg-write.js';
import { loadEmbedder } from '../../src/embedder.js';
import { TermTable } from '../../src/index/lexical-index.js';
import { startDevServerProcess } from '../bench/db-process.js';
import { percentile } from '../bench/measure.js';
import { readQueries } from '../bench/questions.js';

const name = process.argv[2] ?? 'public-100k';
const count = Number(process.argv[3] ?? 100);
const config = await loadConfig();
const embedder = await loadEmbedder(config.embedding);
const questions = readQueries(path.join(PROJECT_ROOT, '..', 'shared', 'eval', 'scifact', 'queries.jsonl'), count + 10);
const server = await startDevServerProcess(path.join(PROJECT_ROOT, '.cache', 'bench', `postgres-${name}`));
// Timed once the server has read its tables ahead, as the bench times its rows.
await server.warmed;
const pool = createPool(server.url, config.hnsw.efSearch);
try {
  const live = (await liveVersion(pool))!;
  const terms = TermTable.fromJSON(JSON.parse(live.terms), live.manifest.counts.chunks);
  const DEPTH = 50;
  const scanScore = await readsScanScore(pool, live.id);
  const times: Record<string, number[]> = {};
  const time = async <T>(label: string, run: () => Promise<T>, keep: boolean): Promise<T> => {
    const start = performance.now();
    const result = await run();
    if (keep) (times[label] ??= []).push(performance.now() - start);
    return result;
  };
  for (const [i, question] of questions.entries()) {
    const keep = i >= 10;
    const vector = await embedder.embedQuery(question);
    const searched = terms.searchTerms(question);
    const query = searched.join(' ');
    const dense = await time('dense', () => pool.query(DENSE, [vectorLiteral(vector), live.id, DEPTH]), keep);
    for (const [table, key, field] of BM25_LISTS) {
      if (searched.length > 0) await time(`BM25 ${table} ${field}`, () => pool.query(bm25(table, key, field, live.id, scanScore), [query, DEPTH]), keep);
    }
    const labels = dense.rows.slice(0, 10).map((r: { label: number }) => r.label);
    await time('retrieved chunks', () => pool.query(VIEW_CHUNKS, [live.id, labels]), keep);
    await time('their sentences', () => pool.query(VIEW_SENTENCES, [live.id, labels]), keep);
  }
  console.log(`${name}, ${count} SciFact questions after 10 warm-up, each query alone (ms):\n\n| query | p50 | p95 |\n|---|---|---|`);
  for (const [label, list] of Object.entries(times)) console.log(`| ${label} | ${percentile(list, 50).toFixed(1)} | ${percentile(list, 95).toFixed(1)} |`);
} finally {
  await pool.end();
  await server.stop();
}
