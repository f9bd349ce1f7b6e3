/**
 * Embedding throughput: real chunks through the project's Embedder.embedPassages against the same tokenized
 * batches through a bare onnxruntime session (the ceiling), per batch size, and the cost of the reader's
 * annotations on the same text.
 */
import { promises as fs } from 'node:fs';
import { AutoTokenizer } from '@xenova/transformers';
import ort from 'onnxruntime-node';
import { chunkArticle } from '../../src/chunking.js';
import type { Config } from '../../src/config.js';
import { collapseWhitespace } from '../../src/corpus/paragraphs.js';
import type { Article } from '../../src/corpus/types.js';
import { loadEmbedder, localWeightsFile, type Embedder } from '../../src/embedder.js';
import { chunkingSignature } from '../../src/index/build.js';
import { annotate } from '../../src/reader/annotate.js';
import { splitSentences } from '../../src/sentences.js';
import { log, timed } from './measure.js';
import type { EmbeddingResult, ThroughputRow } from './results.js';

/** Chunks taken for the throughput test: real passages of a realistic length. */
const CHUNK_TOKENS = { min: 60, max: 128 };

export interface EmbeddingPlan {
  embedChunks: number;
  batchSizes: number[];
  embedReps: number;
}

/** Real passages of 60-128 tokens, as the index would hold them. */
function sampleChunks(articles: Article[], embedder: Embedder, config: Config, count: number): string[] {
  const budget = chunkingSignature(embedder, config.chunking);
  const texts: string[] = [];
  for (const article of articles) {
    for (const chunk of chunkArticle(article, { ...budget, countTokens: embedder.countPassageTokens })) {
      const text = article.text.slice(chunk.start, chunk.end);
      const tokens = embedder.countPassageTokens(text);
      if (tokens >= CHUNK_TOKENS.min && tokens <= CHUNK_TOKENS.max) texts.push(text);
    }
    if (texts.length >= count) break;
  }
  return texts.slice(0, count);
}

type TokenizerOutput = Record<string, { data: BigInt64Array; dims: number[] }>;

export async function benchEmbedding(config: Config, embedder: Embedder, articles: Article[], plan: EmbeddingPlan): Promise<EmbeddingResult> {
  const texts = sampleChunks(articles, embedder, config, plan.embedChunks);
  const tokenCounts = texts.map(embedder.countPassageTokens);
  log(`embedding: ${texts.length} chunks, ${Math.min(...tokenCounts)}-${Math.max(...tokenCounts)} tokens`);

  // The ceiling: the same model file in a bare session, created as transformers.js creates it (CPU provider,
  // default threads), fed the very batches embedPassages builds (same order, prefix, padding).
  const modelFile = localWeightsFile(config.embedding);
  const session = await ort.InferenceSession.create(await fs.readFile(modelFile), { executionProviders: ['cpu'] });
  const tokenizer = await AutoTokenizer.from_pretrained(config.embedding.modelId, { quantized: config.embedding.quantized });
  const order = texts.map((_, i) => i).sort((a, b) => texts[a]!.length - texts[b]!.length);
  const prepared = order.map((i) => embedder.profile.passagePrefix + collapseWhitespace(texts[i]!));

  const embedders = new Map<number, Embedder>();
  for (const batchSize of plan.batchSizes) embedders.set(batchSize, await loadEmbedder({ ...config.embedding, batchSize }));

  const best = new Map<number, ThroughputRow>();
  // Repetitions interleave project and ceiling, and the best of each is kept: the CPU is shared, so the
  // fastest run is the one least disturbed.
  for (let rep = 0; rep < plan.embedReps; rep++) {
    for (const batchSize of plan.batchSizes) {
      const project = await timed(() => embedders.get(batchSize)!.embedPassages(texts));

      const batches: TokenizerOutput[] = [];
      const tokenize = await timed(() => {
        for (let i = 0; i < prepared.length; i += batchSize) {
          batches.push(tokenizer(prepared.slice(i, i + batchSize), { padding: true, truncation: true }) as unknown as TokenizerOutput);
        }
      });
      let ceilingMs = 0;
      for (const batch of batches) {
        const feeds: Record<string, ort.Tensor> = {};
        for (const name of session.inputNames) {
          const source = batch[name] ?? { data: new BigInt64Array(batch.input_ids!.data.length), dims: batch.input_ids!.dims }; // token_type_ids: zeros
          feeds[name] = new ort.Tensor('int64', source.data, source.dims);
        }
        const run = await timed(() => session.run(feeds));
        ceilingMs += run.ms;
      }

      const row = { batchSize, project: texts.length / (project.ms / 1000), ceiling: texts.length / (ceilingMs / 1000), tokenizer: texts.length / (tokenize.ms / 1000) };
      const previous = best.get(batchSize);
      best.set(batchSize, {
        batchSize,
        project: Math.max(row.project, previous?.project ?? 0),
        ceiling: Math.max(row.ceiling, previous?.ceiling ?? 0),
        tokenizer: Math.max(row.tokenizer, previous?.tokenizer ?? 0),
      });
      log(`  batch ${batchSize}: project ${row.project.toFixed(1)}/s, ceiling ${row.ceiling.toFixed(1)}/s, tokenizer ${row.tokenizer.toFixed(0)}/s`);
    }
  }
  const rows = plan.batchSizes.map((b) => best.get(b)!);
  // The reader's annotations, made at embed time for every sentence of the same chunks (best of the reps).
  const sentences = texts.flatMap((text) => splitSentences(text).map((s) => text.slice(s.start, s.end)));
  let annotateMs = Infinity;
  for (let rep = 0; rep < plan.embedReps; rep++) annotateMs = Math.min(annotateMs, (await timed(() => sentences.forEach((s) => annotate(s)))).ms);
  // The smallest batch within 3 % of the best: larger batches only add padding waste and latency.
  const fastest = Math.max(...rows.map((row) => row.project));
  const recommended = rows.find((row) => row.project >= fastest * 0.97)!;
  return {
    chunks: texts.length,
    tokens: { min: Math.min(...tokenCounts), max: Math.max(...tokenCounts), mean: tokenCounts.reduce((a, b) => a + b, 0) / tokenCounts.length },
    inputNames: session.inputNames,
    rows,
    recommended: recommended.batchSize,
    annotation: { sentences: sentences.length, ms: annotateMs, embedMs: (texts.length / best.get(config.embedding.batchSize)!.project) * 1000 },
  };
}
