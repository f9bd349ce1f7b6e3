// Passages embedded in batches: throughput per batch size, and how far each passage's vector is from the one the
// same text gets embedded alone (as a question is). The shipped model quantizes its activations dynamically, with
// one scale for the whole batch, so a passage's vector depends on the other texts of its batch.
// Usage: node --import tsx scripts/experiments/batch-determinism.ts [CORPUS_JSONL] (default ../shared/eval/scifact/corpus.jsonl)
import path from 'node:path';
import { loadConfig, PROJECT_ROOT } from '../../src/config.js';
import { loadEmbedder } from '../../src/embedder.js';
import { percentile } from '../bench/measure.js';
import { readJsonl } from '../bench/questions.js';

const file = path.resolve(process.argv[2] ?? path.join(PROJECT_ROOT, '..', 'shared', 'eval', 'scifact', 'corpus.jsonl'));
const config = await loadConfig();
const texts = readJsonl(file).slice(0, 512).map((a) => a.text.slice(0, 600));
const alone = await (await loadEmbedder({ ...config.embedding, batchSize: 1 })).embedPassages(texts);
console.log(`${texts.length} passages of ${path.basename(path.dirname(file))}\n| batch | passages/s (best of 3) | cosine with the passage embedded alone: min / 5th percentile / median |\n|---|---|---|`);
for (const batchSize of [1, 2, 4, 8, 16, 32]) {
  const embedder = await loadEmbedder({ ...config.embedding, batchSize });
  let best = 0;
  let vectors: Float32Array[] = [];
  for (let rep = 0; rep < 3; rep++) {
    const t = performance.now();
    vectors = await embedder.embedPassages(texts);
    best = Math.max(best, texts.length / ((performance.now() - t) / 1000));
  }
  const cos = vectors.map((v, i) => v.reduce((s, x, k) => s + x * alone[i]![k]!, 0));
  const at = (p: number) => (p === 0 ? Math.min(...cos) : percentile(cos, p)).toFixed(4);
  console.log(`| ${batchSize} | ${best.toFixed(1)} | ${at(0)} / ${at(5)} / ${at(50)} |`);
}
