// The dense search of a large index with its graph of full vectors and with a projected graph (index format 7),
// both built here from the same vectors: nDCG@10 on SciFact's test queries, recall@50 against exact search, and
// the search's median time (docs/SCALING.md, "A projected graph for large indexes").
// Usage: node --import tsx scripts/experiments/projected-dense.ts INDEX_DIR [SCIFACT_DIR] [QUERY_VECTORS_OUT]
// INDEX_DIR holds an index of SciFact's corpus (npm run eval builds one under .cache/eval/scifact-*); with
// QUERY_VECTORS_OUT, the queries' vectors are written there as float32 (scripts/experiments/projection-recall.py reads them).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, PROJECT_ROOT } from '../../src/config.js';
import { loadEmbedder } from '../../src/embedder.js';
import { loadIndex } from '../../src/index/local-version.js';
import { buildHnswIndex, loadHnswIndex, type VectorIndex } from '../../src/index/vector-index.js';
import { dot } from '../../src/vector-math.js';
import { median } from '../bench/measure.js';
import { readJsonl } from '../bench/questions.js';

const [indexDir, dataDir = path.join(PROJECT_ROOT, '..', 'shared', 'eval', 'scifact'), queriesOut] = process.argv.slice(2);
if (!indexDir) throw new Error('Usage: projected-dense.ts INDEX_DIR [SCIFACT_DIR] [QUERY_VECTORS_OUT]');
const DEPTH = 50;
const config = await loadConfig();
const embedder = await loadEmbedder(config.embedding);
const index = await loadIndex(indexDir, config.hnsw);
const vectors = Array.from({ length: index.dense.size }, (_, label) => index.dense.vector(label));
const dimension = index.manifest.model.dimension;
const docOf = (label: number) => index.chunks[label]!.articleId;

const qrels = new Map<string, Set<string>>();
for (const line of readFileSync(path.join(dataDir, 'qrels', 'test.tsv'), 'utf8').split('\n').slice(1).filter(Boolean)) {
  const [query, doc, score] = line.split('\t');
  if (Number(score) > 0) qrels.set(query!, (qrels.get(query!) ?? new Set()).add(doc!));
}
const queries = readJsonl(path.join(dataDir, 'queries.jsonl')).filter((q) => qrels.has(q.id));
const queryVectors: Float32Array[] = [];
for (const q of queries) queryVectors.push(await embedder.embedQuery(q.text));
if (queriesOut) writeFileSync(queriesOut, Buffer.concat(queryVectors.map((v) => Buffer.from(v.buffer, v.byteOffset, v.byteLength))));

const exact = queryVectors.map((q) => new Set(vectors.map((v, label) => ({ label, s: dot(q, v) })).sort((a, b) => b.s - a.s).slice(0, DEPTH).map((h) => h.label)));

function ndcg(labels: number[], relevant: Set<string>): number {
  const docs: string[] = [];
  for (const label of labels) if (!docs.includes(docOf(label)) && docs.push(docOf(label)) === 10) break;
  const dcg = docs.reduce((sum, doc, i) => sum + (relevant.has(doc) ? 1 / Math.log2(i + 2) : 0), 0);
  const ideal = Array.from({ length: Math.min(10, relevant.size) }, (_, i) => 1 / Math.log2(i + 2)).reduce((a, b) => a + b, 0);
  return dcg / ideal;
}

const params = { m: index.manifest.hnsw.m, efConstruction: index.manifest.hnsw.efConstruction, efSearch: config.hnsw.efSearch };
// Each graph saved and loaded as a version's is, so that the projected one reads its full vectors from its file.
const scratch = mkdtempSync(path.join(os.tmpdir(), 'projected-dense-'));
async function saved(name: string, projectFrom: number): Promise<VectorIndex> {
  const file = path.join(scratch, `${name}.hnsw`);
  await buildHnswIndex(vectors, dimension, { ...params, projectFrom }).save(file);
  return loadHnswIndex(file, dimension, params, { projected: projectFrom === 0 });
}
const runs: [string, VectorIndex][] = [
  ['graph of full vectors', await saved('full', Infinity)],
  ['projected graph', await saved('projected', 0)],
];
console.log(`${vectors.length} chunks, ${queries.length} queries, depth ${DEPTH}\n| graph | dense nDCG@10 | recall@${DEPTH} against exact search | search median ms |\n|---|---|---|---|`);
for (const [name, dense] of runs) {
  let sum = 0;
  let found = 0;
  const times: number[] = [];
  queryVectors.forEach((q, i) => {
    const started = performance.now();
    const hits = dense.search(q, DEPTH).map((h) => h.label);
    times.push(performance.now() - started);
    sum += ndcg(hits, qrels.get(queries[i]!.id)!);
    found += hits.filter((label) => exact[i]!.has(label)).length;
  });
  console.log(`| ${name} | ${(sum / queries.length).toFixed(4)} | ${(found / (queries.length * DEPTH)).toFixed(4)} | ${median(times).toFixed(2)} |`);
}
for (const dense of [index.dense, ...runs.map(([, d]) => d)]) dense.close?.();
rmSync(scratch, { recursive: true, force: true });
