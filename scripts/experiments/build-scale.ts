// Builds only the bench's scale index (.cache/bench/public-100k), as `npm run bench` would (with the model's vectors
// since the twentieth session; with random ones, `randomPassageEmbedder`, before).
import path from 'node:path';
import { chunkArticle } from '../../src/chunking.js';
import { loadConfig, PROJECT_ROOT } from '../../src/config.js';
import { loadEmbedder } from '../../src/embedder.js';
import { buildIndex, chunkingSignature } from '../../src/index/build.js';
import { distinctTextEmbedder, publicArticles, SCALE_INDEX, scaleCorpus } from '../bench/scale.js';

const config = await loadConfig();
const embedder = await loadEmbedder(config.embedding);
const budget = { ...chunkingSignature(embedder, config.chunking), countTokens: embedder.countPassageTokens };
const t0 = performance.now();
const corpus = scaleCorpus(publicArticles(path.join(PROJECT_ROOT, '..', 'shared', 'eval')), (a) => chunkArticle(a, budget).length);
console.log(`${corpus.length} articles in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const report = await buildIndex({ articles: corpus, embedder: distinctTextEmbedder(embedder), dir: path.join(PROJECT_ROOT, '.cache', 'bench', SCALE_INDEX), chunking: config.chunking, hnsw: config.hnsw });
console.log(JSON.stringify(report));
