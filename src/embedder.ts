/**
 * Text → vectors with transformers.js. The only module that knows the library. Loads the model from the
 * project's models folder (remote downloads off unless configured), reads the dimension and token limit
 * from the model, and embeds in batches.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { env, pipeline, type FeatureExtractionPipeline, type Tensor } from '@xenova/transformers';
import type { EmbeddingConfig } from './config.js';
import { UserFacingError } from './errors.js';
import { collapseWhitespace } from './corpus/paragraphs.js';
import { profileFor, type ModelProfile } from './model-profiles.js';

export interface Embedder {
  readonly modelId: string;
  readonly quantized: boolean;
  readonly dimension: number;
  /** Tokens the model reads; anything longer would be truncated. */
  readonly maxTokens: number;
  readonly profile: ModelProfile;
  /** Tokens of a passage as it will be embedded (prefix and special tokens included). */
  countPassageTokens(text: string): number;
  embedPassages(texts: string[], onProgress?: (done: number) => void): Promise<Float32Array[]>;
  embedQuery(text: string): Promise<Float32Array>;
}

export class ModelError extends UserFacingError {
  override name = 'ModelError';
}

const MODEL_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'];

/** Says plainly what is missing from a local model folder, before transformers.js fails obscurely. */
function checkLocalModel(config: EmbeddingConfig): void {
  const folder = path.join(config.modelsDir, config.modelId);
  const weights = path.join(folder, 'onnx', config.quantized ? 'model_quantized.onnx' : 'model.onnx');
  const missing = [...MODEL_FILES.map((file) => path.join(folder, file)), weights].filter((file) => !existsSync(file));
  if (missing.length === 0) return;
  const hint = config.allowRemoteModels
    ? ''
    : ' Put the model files there, point MODELS_DIR at the folder that holds them, or set ALLOW_REMOTE_MODELS=true on a machine with internet to download a hub model.';
  throw new ModelError(
    `The embedding model "${config.modelId}" is not complete in ${folder}: missing ${missing.map((f) => path.relative(folder, f)).join(', ')}.${hint}`,
  );
}

function isLocal(config: EmbeddingConfig): boolean {
  return existsSync(path.join(config.modelsDir, config.modelId));
}

/** The longest input the model takes: the smallest of its tokenizer's, its positions' and its profile's. */
function tokenLimit(extractor: FeatureExtractionPipeline, profile: ModelProfile, override?: number): number {
  if (override) return override;
  const tokenizerMax = Number(extractor.tokenizer.model_max_length);
  const positions = Number((extractor.model.config as { max_position_embeddings?: number }).max_position_embeddings);
  const candidates = [tokenizerMax, positions, profile.maxTokens ?? Infinity].filter((n) => Number.isFinite(n) && n > 0 && n < 1e6);
  return candidates.length > 0 ? Math.min(...candidates) : 512;
}

export async function loadEmbedder(config: EmbeddingConfig): Promise<Embedder> {
  if (!config.allowRemoteModels || isLocal(config)) checkLocalModel(config);
  env.localModelPath = config.modelsDir + path.sep;
  env.allowLocalModels = true;
  env.allowRemoteModels = config.allowRemoteModels;
  env.cacheDir = path.join(config.modelsDir, '.cache');

  let extractor: FeatureExtractionPipeline;
  try {
    extractor = (await pipeline('feature-extraction', config.modelId, { quantized: config.quantized })) as FeatureExtractionPipeline;
  } catch (error) {
    throw new ModelError(`Could not load the embedding model "${config.modelId}" from ${config.modelsDir}: ${(error as Error).message}`);
  }
  const profile = profileFor(config.modelId, {
    pooling: config.pooling,
    queryPrefix: config.queryPrefix,
    passagePrefix: config.passagePrefix,
  });
  const maxTokens = tokenLimit(extractor, profile, config.maxTokens);

  async function pooled(texts: string[]): Promise<Tensor> {
    if (profile.pooling !== 'sentence_embedding') return extractor(texts, { pooling: profile.pooling, normalize: true });
    const outputs = (await extractor.model(extractor.tokenizer(texts, { padding: true, truncation: true }))) as Record<string, Tensor | undefined>;
    if (!outputs.sentence_embedding) {
      throw new ModelError(`The model has no sentence_embedding output (it gives ${Object.keys(outputs).join(', ')}); set EMBEDDING_POOLING to mean or cls.`);
    }
    return outputs.sentence_embedding.normalize(2, -1);
  }

  async function embedBatch(texts: string[]): Promise<Float32Array[]> {
    const output = await pooled(texts);
    const [rows, dimension] = output.dims as [number, number];
    const data = output.data as Float32Array;
    return Array.from({ length: rows }, (_, row) => data.slice(row * dimension, (row + 1) * dimension));
  }

  // One real embedding tells the dimension and warms the model up.
  let dimension: number;
  try {
    dimension = (await embedBatch(['warm-up']))[0]!.length;
  } catch (error) {
    throw new ModelError(`The embedding model "${config.modelId}" failed on a test sentence: ${(error as Error).message}`);
  }

  return {
    modelId: config.modelId,
    quantized: config.quantized,
    dimension,
    maxTokens,
    profile,
    countPassageTokens(text) {
      return extractor.tokenizer.encode(profile.passagePrefix + collapseWhitespace(text)).length;
    },
    async embedPassages(texts, onProgress) {
      // Similar lengths batched together waste less work on padding.
      const order = texts.map((_, i) => i).sort((a, b) => texts[a]!.length - texts[b]!.length);
      const vectors = new Array<Float32Array>(texts.length);
      for (let i = 0; i < order.length; i += config.batchSize) {
        const batch = order.slice(i, i + config.batchSize);
        const embedded = await embedBatch(batch.map((index) => profile.passagePrefix + collapseWhitespace(texts[index]!)));
        batch.forEach((index, j) => (vectors[index] = embedded[j]!));
        onProgress?.(Math.min(i + config.batchSize, order.length));
      }
      return vectors;
    },
    async embedQuery(text) {
      return (await embedBatch([profile.queryPrefix + collapseWhitespace(text)]))[0]!;
    },
  };
}
