// Times Pipeline.ask and its stages on one index folder: wall and CPU time (user + system) per question.
// The pipeline serves the index as the bot does (lean: articles, term tables and HNSW in memory, BM25 and the
// retrieved chunks' rows read from the version's SQLite file); its RSS is taken after the questions, before
// the version is opened a second time, to time the open (as a reload does) and the stages on their own.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, PROJECT_ROOT } from '../../src/config.js';
import { localStore } from '../../src/index/coverage.js';
import { openLocalVersion } from '../../src/index/local-version.js';
import { openPipeline } from '../../src/pipeline.js';
import { RETRIEVE_LIMIT } from '../../src/pipeline.js';
import { percentiles } from '../bench/measure.js';

const dir = path.resolve(process.argv[2]!);
const config = { ...(await loadConfig()), embeddingsDir: dir };
const questions = readFileSync(path.join(PROJECT_ROOT, '..', 'shared', 'eval', 'scifact', 'queries.jsonl'), 'utf8').split('\n').filter(Boolean).slice(0, 200).map((l) => (JSON.parse(l) as { text: string }).text);
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
const pipeline = await openPipeline(config);
for (const q of questions.slice(0, 10)) await pipeline.ask(q);
const rows: Record<string, { wall: number[]; cpu: number[] }> = {};
const record = async <T>(name: string, fn: () => Promise<T> | T): Promise<T> => {
  const w = performance.now(); const c = cpu();
  const value = await fn();
  (rows[name] ??= { wall: [], cpu: [] }).wall.push(performance.now() - w);
  rows[name]!.cpu.push(cpu() - c);
  return value;
};
for (const q of questions) {
  await record('ask', () => pipeline.ask(q));
  const vector = await record('embed query', () => pipeline.embedder.embedQuery(q));
  const { retrieved, view } = await record('search (hybrid: dense, BM25, fusion, view read)', () => pipeline.index.search(q, vector, { mode: config.retrieval.mode, limit: RETRIEVE_LIMIT }));
  await record('read', () => pipeline.reader.read(view, q, vector, retrieved));
}
const rssServing = process.memoryUsage().rss;
const heapServing = process.memoryUsage().heapUsed;
// Opening the version again, as a reload does (after the RSS above, which is one version's).
const t0 = performance.now(); const c0 = cpu();
await localStore(dir, config.hnsw).open();
const load = { wall: performance.now() - t0, cpu: cpu() - c0 };
const local = await openLocalVersion(dir, config.hnsw);
for (const q of questions) {
  const vector = await pipeline.embedder.embedQuery(q);
  await record('dense k=50', () => local.dense.search(vector, 50));
  const searched = local.terms.searchTerms(q);
  await record('BM25 both', () => [local.file.searchChunks(searched, 50), local.file.searchArticles(searched, 50)]);
}
const { counts } = pipeline.index.manifest;
console.log(`${dir}: ${counts.chunks} chunks, ${counts.sentences} sentences; open (lean) ${load.wall.toFixed(0)} ms wall, ${load.cpu.toFixed(0)} ms CPU; RSS ${mb(rssServing)} MB serving (after ${questions.length + 10} questions; heap ${mb(heapServing)} MB)`);
console.log('| stage | wall p50 | wall p95 | CPU p50 | CPU p95 |\n|---|---|---|---|---|');
for (const [name, r] of Object.entries(rows)) {
  const w = percentiles(r.wall); const c = percentiles(r.cpu);
  console.log(`| ${name} | ${w.p50.toFixed(1)} | ${w.p95.toFixed(1)} | ${c.p50.toFixed(1)} | ${c.p95.toFixed(1)} |`);
}
