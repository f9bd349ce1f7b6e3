// `tsx scripts/experiments/convert-scale.ts OLD_DIR NEW_DIR`: rebuilds an index of the JSON format (3) in the
// SQLite format (4) through the pipeline's own incremental build, reusing every chunk and sentence vector and
// every annotation of the old version (embedding and annotating the 100k-chunk scale index again would take
// hours on two cores). The articles are the old version's, in its order, so the result is the index
// scripts/experiments/build-scale.ts would build, in the new format.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config.js';
import type { Article } from '../../src/corpus/types.js';
import { loadEmbedder } from '../../src/embedder.js';
import { buildIndex } from '../../src/index/build.js';
import { localStore } from '../../src/index/coverage.js';
import type { ChunkRecord, IndexManifest, SentenceRecord } from '../../src/index/store.js';
import { loadHnswIndex } from '../../src/index/vector-index.js';
import type { SentenceAnnotation } from '../../src/reader/annotate.js';
import { randomPassageEmbedder } from '../bench/scale.js';

const [oldDir, newDir] = process.argv.slice(2).map((dir) => path.resolve(dir));
const config = await loadConfig();
const folder = path.join(oldDir!, readFileSync(path.join(oldDir!, 'CURRENT'), 'utf8').trim());
const read = <T>(name: string) => JSON.parse(readFileSync(path.join(folder, name), 'utf8')) as T;
const manifest = read<IndexManifest>('manifest.json');
const articles = read<Article[]>('articles.json');
const { chunks, sentences } = read<{ chunks: ChunkRecord[]; sentences: SentenceRecord[] }>('chunks.json');
const annotations = read<SentenceAnnotation[]>('annotations.json');
const bytes = readFileSync(path.join(folder, 'sentences.f32'));
const sentenceVectors = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
const dense = await loadHnswIndex(path.join(folder, 'dense.hnsw'), manifest.model.dimension, { ...manifest.hnsw, efSearch: config.hnsw.efSearch });
console.log(`read ${folder}: ${articles.length} articles, ${chunks.length} chunks, ${sentences.length} sentences`);

const target = localStore(newDir!, config.hnsw).target;
const embedder = randomPassageEmbedder(await loadEmbedder(config.embedding));
const report = await buildIndex({
  articles,
  embedder,
  dir: newDir!,
  chunking: config.chunking,
  hnsw: config.hnsw,
  target: { ...target, previous: async () => ({ version: path.basename(folder), manifest, articles: new Map(articles.map((a) => [a.id, a])), records: async () => ({ chunks, sentences, sentenceVectors, annotations, chunkVector: (label: number) => dense.vector(label) }) }) },
});
console.log(JSON.stringify(report));
