// `tsx scripts/experiments/subset-scale.ts SCALE_DIR NEW_DIR CHUNKS`: an index of the scale index's first
// articles holding about CHUNKS chunks, built by the pipeline's incremental build from the scale index's own
// vectors and annotations (no embedding), for cold-start timings at sizes between the shipped coverage and
// 100k chunks.
import path from 'node:path';
import { loadConfig } from '../../src/config.js';
import { loadEmbedder } from '../../src/embedder.js';
import { buildIndex } from '../../src/index/build.js';
import { localStore } from '../../src/index/coverage.js';
import { loadIndex } from '../../src/index/local-version.js';
import { randomPassageEmbedder } from '../bench/scale.js';

const [scaleDir, newDir] = process.argv.slice(2, 4).map((dir) => path.resolve(dir!));
const target = Number(process.argv[4]);
const config = await loadConfig();
const scale = await loadIndex(scaleDir!, config.hnsw);
const perArticle = new Map<string, number>();
for (const chunk of scale.chunks) perArticle.set(chunk.articleId, (perArticle.get(chunk.articleId) ?? 0) + 1);
const articles = [];
let chunks = 0;
for (const article of scale.articles.values()) {
  if (chunks >= target) break;
  articles.push(article);
  chunks += perArticle.get(article.id) ?? 0;
}
console.log(`${articles.length} articles, ${chunks} chunks`);
const store = localStore(newDir!, config.hnsw).target;
const embedder = randomPassageEmbedder(await loadEmbedder(config.embedding));
const report = await buildIndex({
  articles, embedder, dir: newDir!, chunking: config.chunking, hnsw: config.hnsw,
  // Another folder's version: never kept as it is (stale), always written into this one.
  target: { ...store, previous: async () => ({ ...scale, records: async () => ({ ...scale, chunkVector: (label: number) => scale.dense.vector(label) }), stale: true }) },
});
console.log(JSON.stringify(report));
