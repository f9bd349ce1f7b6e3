// Writes an index's chunk vectors and the embedded questions of a query file as raw float32 (512 a row), for
// the numpy experiments (projection-recall.py, projection-drift.py) on indexes whose full vectors are in their
// graph (under HNSW_PROJECT_FROM chunks: no dense.hnsw.vectors file).
// Usage: node --import tsx scripts/experiments/dump-vectors.ts INDEX_DIR QUERIES_JSONL CHUNKS_OUT QUERIES_OUT
// e.g. .cache/eval/nq-utd-<hash> ../shared/eval/nq-utd/queries.jsonl nq-chunks.f32 nq-queries.f32
import { writeFileSync, readFileSync } from 'node:fs';
import { loadIndex } from '../../src/index/local-version.js';
import { loadConfig } from '../../src/config.js';
import { loadEmbedder } from '../../src/embedder.js';
const config = await loadConfig();
const [dir, queriesFile, outChunks, outQueries] = process.argv.slice(2) as [string, string, string, string];
const index = await loadIndex(dir, config.hnsw);
const n = index.chunks.length;
const out = new Float32Array(n * 512);
for (let i = 0; i < n; i++) out.set(index.dense.vector(i), i * 512);
writeFileSync(outChunks, Buffer.from(out.buffer));
const embedder = await loadEmbedder(config.embedding);
const qs = readFileSync(queriesFile, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l.replace(/: NaN/g, ": null")) as { text: string }).text);
const q = new Float32Array(qs.length * 512);
for (let i = 0; i < qs.length; i++) q.set(await embedder.embedQuery(qs[i]!), i * 512);
writeFileSync(outQueries, Buffer.from(q.buffer));
console.log(n, 'chunks', qs.length, 'queries');
process.exit(0);
