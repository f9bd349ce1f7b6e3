// Times Pipeline.ask and its stages on one index folder: wall and CPU time (user + system) per question.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, PROJECT_ROOT } from '../../src/config.js';
import { loadIndex } from '../../src/index/store.js';
import { openPipeline, RETRIEVE_LIMIT } from '../../src/pipeline.js';
import { retrieve } from '../../src/retrieve.js';
import { percentiles } from '../bench/measure.js';

const dir = path.resolve(process.argv[2]!);
const config = { ...(await loadConfig()), embeddingsDir: dir };
const questions = readFileSync(path.join(PROJECT_ROOT, '..', 'shared', 'eval', 'scifact', 'queries.jsonl'), 'utf8').split('\n').filter(Boolean).slice(0, 200).map((l) => (JSON.parse(l) as { text: string }).text);
const t0 = performance.now();
await loadIndex(dir, config.hnsw);
const loadMs = performance.now() - t0;
const pipeline = await openPipeline(config);
for (const q of questions.slice(0, 10)) await pipeline.ask(q);
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const rows: Record<string, { wall: number[]; cpu: number[] }> = {};
const record = async <T>(name: string, fn: () => Promise<T> | T): Promise<T> => {
  const w = performance.now(); const c = cpu();
  const value = await fn();
  (rows[name] ??= { wall: [], cpu: [] }).wall.push(performance.now() - w);
  rows[name]!.cpu.push(cpu() - c);
  return value;
};
const index = pipeline.index.snapshot!;
for (const q of questions) {
  await record('ask', () => pipeline.ask(q));
  const vector = await record('embed query', () => pipeline.embedder.embedQuery(q));
  const retrieved = await record('retrieve (hybrid)', () => retrieve(index, q, vector, { mode: config.retrieval.mode, limit: RETRIEVE_LIMIT }));
  await record('dense k=50', () => index.dense.search(vector, 50));
  await record('BM25 both', () => [index.lexical.query(q, 50), index.lexical.queryArticles(q, 50)]);
  await record('read', () => pipeline.reader.read(index, q, vector, retrieved));
}
const { counts } = pipeline.index.manifest;
console.log(`${dir}: ${counts.chunks} chunks, ${counts.sentences} sentences; loadIndex ${loadMs.toFixed(0)} ms; RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`);
console.log('| stage | wall p50 | wall p95 | CPU p50 | CPU p95 |\n|---|---|---|---|---|');
for (const [name, r] of Object.entries(rows)) {
  const w = percentiles(r.wall); const c = percentiles(r.cpu);
  console.log(`| ${name} | ${w.p50.toFixed(1)} | ${w.p95.toFixed(1)} | ${c.p50.toFixed(1)} | ${c.p95.toFixed(1)} |`);
}
