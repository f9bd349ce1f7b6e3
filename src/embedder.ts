/**
 * Text → vectors with transformers.js. The only module that knows the library. Loads the model from the
 * project's models folder (remote downloads off unless configured), reads the dimension and token limit
 * from the model, and embeds in batches; questions go through a session of their own (QUERY_THREADS), run
 * on a worker thread (onnx-thread.ts) so that the main thread searches meanwhile.
 */
import { setImmediate as yieldToEvents } from 'node:timers/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { AutoConfig, AutoModel, AutoTokenizer, env, FeatureExtractionPipeline, pipeline, PreTrainedModel, type PreTrainedTokenizer, type Tensor } from '@xenova/transformers';
import type { EmbeddingConfig } from './config.js';
import { UserFacingError } from './errors.js';
import { collapseWhitespace } from './corpus/paragraphs.js';
import { profileFor, type ModelProfile } from './model-profiles.js';
import { threadSession, type ThreadSession } from './onnx-thread.js';

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
/** Where transformers.js keeps the files it downloads (a hub model, with ALLOW_REMOTE_MODELS). */
const cacheDir = (config: EmbeddingConfig) => path.join(config.modelsDir, '.cache');
/** The model's weights in a model folder, as transformers.js names them. */
const weightsFile = (folder: string, config: EmbeddingConfig) => path.join(folder, 'onnx', config.quantized ? 'model_quantized.onnx' : 'model.onnx');
/** The configured model's weights in the models folder. */
export const localWeightsFile = (config: EmbeddingConfig) => weightsFile(path.join(config.modelsDir, config.modelId), config);

/**
 * Threads ONNX Runtime embeds a question on. Its default, a thread per core, pays off for batches of passages
 * (on 2 cores one thread embedded a third fewer passages a second at batch 32: 54-67 against 88-100, a harness
 * not kept), but after every run its worker thread spins for tens of milliseconds, holding the second core while
 * the rest of the answer runs. Measured at 27k chunks (scripts/experiments/query-threads.ts, 800 SciFact
 * questions, the two ways alternating; two runs): with a question embedded on one thread a whole answer takes
 * about half the CPU time (p50 39 → 21-22 ms, p95 65-66 → 47-48) and its wall p95 falls from 34 to 29-30 ms
 * (p50 the same), though the embedding alone is slower (p50 3.5-4.0 → 4.4-5.1 ms).
 */
const QUERY_THREADS = 1;

/** Says plainly what is missing from a local model folder, before transformers.js fails obscurely. */
function checkLocalModel(config: EmbeddingConfig): void {
  const folder = path.join(config.modelsDir, config.modelId);
  const weights = localWeightsFile(config);
  const missing = [...MODEL_FILES.map((file) => path.join(folder, file)), weights].filter((file) => !existsSync(file));
  if (missing.length === 0) return;
  // Only the weights of the other quantization there: the setting, not the folder, is what to change.
  const other = weightsFile(folder, { ...config, quantized: !config.quantized });
  const hint =
    missing.length === 1 && missing[0] === weights && existsSync(other)
      ? ` The folder has ${path.relative(folder, other)}: set EMBEDDING_QUANTIZED=${!config.quantized} to use it.`
      : config.allowRemoteModels
        ? ''
        : ' Put the model files there, point MODELS_DIR at the folder that holds them, or set ALLOW_REMOTE_MODELS=true on a machine with internet to download a hub model.';
  throw new ModelError(
    `The embedding model "${config.modelId}" is not complete in ${folder}: missing ${missing.map((f) => path.relative(folder, f)).join(', ')}.${hint}`,
  );
}

/** transformers.js's settings for this configuration: one global `env`, set before each load. */
function useSettings(config: EmbeddingConfig): void {
  env.localModelPath = config.modelsDir + path.sep;
  env.allowLocalModels = true;
  env.allowRemoteModels = config.allowRemoteModels;
  env.cacheDir = cacheDir(config);
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
  useSettings(config);

  const loadPassages = async (): Promise<FeatureExtractionPipeline> => {
    useSettings(config); // transformers.js reads its settings when it loads, maybe long after: this embedder's again
    try {
      return (await pipeline('feature-extraction', config.modelId, { quantized: config.quantized })) as FeatureExtractionPipeline;
    } catch (error) {
      throw new ModelError(`Could not load the embedding model "${config.modelId}" from ${config.modelsDir}: ${(error as Error).message}`);
    }
  };
  const profile = profileFor(config.modelId, {
    pooling: config.pooling,
    queryPrefix: config.queryPrefix,
    passagePrefix: config.passagePrefix,
  });
  // Questions on a session of their own; the passages' session is loaded when passages are first embedded
  // (a process that only answers never loads it), unless questions must share it.
  let passagesLoading: Promise<FeatureExtractionPipeline> | undefined;
  // A load that failed is tried again by the next batch of passages (a bot's next feed refresh).
  const passagesPipeline = () =>
    (passagesLoading ??= loadPassages().catch((error: unknown) => {
      passagesLoading = undefined;
      throw error;
    }));
  // A hub model's weights are in the cache only once its pipeline has downloaded them: that pipeline loads first.
  let own = await questionPipeline(config);
  if (!own && !(await passagesPipeline()).model.can_generate) own = await questionPipeline(config);
  const questions = own ?? (await passagesPipeline());
  const maxTokens = tokenLimit(questions, profile, config.maxTokens);

  async function pooled(texts: string[], extractor: FeatureExtractionPipeline): Promise<Tensor> {
    if (profile.pooling !== 'sentence_embedding') return extractor(texts, { pooling: profile.pooling, normalize: true });
    const outputs = (await extractor.model(extractor.tokenizer(texts, { padding: true, truncation: true }))) as Record<string, Tensor | undefined>;
    if (!outputs.sentence_embedding) {
      throw new ModelError(`The model has no sentence_embedding output (it gives ${Object.keys(outputs).join(', ')}); set EMBEDDING_POOLING to mean or cls.`);
    }
    return outputs.sentence_embedding.normalize(2, -1);
  }

  async function embedBatch(texts: string[], extractor: FeatureExtractionPipeline): Promise<Float32Array[]> {
    const output = await pooled(texts, extractor);
    const [rows, dimension] = output.dims as [number, number];
    const data = output.data as Float32Array;
    return Array.from({ length: rows }, (_, row) => data.slice(row * dimension, (row + 1) * dimension));
  }

  // One real embedding tells the dimension and warms the questions' session up.
  let dimension: number;
  try {
    dimension = (await embedBatch(['warm-up'], questions))[0]!.length;
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
      return questions.tokenizer.encode(profile.passagePrefix + collapseWhitespace(text)).length;
    },
    async embedPassages(texts, onProgress) {
      // Similar lengths batched together waste less work on padding.
      const order = texts.map((_, i) => i).sort((a, b) => texts[a]!.length - texts[b]!.length);
      const vectors = new Array<Float32Array>(texts.length);
      for (let i = 0; i < order.length; i += config.batchSize) {
        const batch = order.slice(i, i + config.batchSize);
        const embedded = await embedBatch(batch.map((index) => profile.passagePrefix + collapseWhitespace(texts[index]!)), await passagesPipeline());
        batch.forEach((index, j) => (vectors[index] = embedded[j]!));
        onProgress?.(Math.min(i + config.batchSize, order.length));
        // A turn of the event loop between batches: onnxruntime-node runs a batch before its promise settles, so
        // without it an embed of one long article starved the timers (the lock's heartbeat) and Ctrl-C for minutes.
        await yieldToEvents();
      }
      return vectors;
    },
    async embedQuery(text) {
      return (await embedBatch([profile.queryPrefix + collapseWhitespace(text)], questions))[0]!;
    },
  };
}

/**
 * The model and tokenizer the passages' pipeline loads, run by a session of its own on QUERY_THREADS threads,
 * itself on a worker thread (onnx-thread.ts), or undefined when questions must share the passages' session. The session is opened from the weights file:
 * onnxruntime-node 1.14 ignores the options of a session made from bytes, which is how transformers.js makes
 * its own. The file is looked for where transformers.js finds it (its cache first, then the models folder:
 * `getModelFile`), the tokenizer and configuration read by transformers.js, and the model's class is the one
 * transformers.js's AutoModel picks for the configuration. Questions share the passages' session when there is
 * no such file (a hub model not downloaded yet), or for a model that generates (its class takes more than one session).
 */
async function questionPipeline(config: EmbeddingConfig): Promise<FeatureExtractionPipeline | undefined> {
  const file = [cacheDir(config), config.modelsDir].map((dir) => weightsFile(path.join(dir, config.modelId), config)).find((f) => existsSync(f));
  if (!file) return undefined;
  let modelConfig: { model_type?: string };
  let tokenizer: PreTrainedTokenizer;
  try {
    [modelConfig, tokenizer] = await Promise.all([AutoConfig.from_pretrained(config.modelId), AutoTokenizer.from_pretrained(config.modelId, { quantized: config.quantized })]);
  } catch (error) {
    throw new ModelError(`Could not load the embedding model "${config.modelId}" from ${config.modelsDir}: ${(error as Error).message}`);
  }
  const Model = modelClass(modelConfig);
  if (new Model(modelConfig, null).can_generate) return undefined;
  let session: ThreadSession;
  try {
    session = await threadSession(file, { intraOpNumThreads: QUERY_THREADS });
  } catch (error) {
    throw new ModelError(`Could not open ${file} for questions: ${(error as Error).message}`);
  }
  return new FeatureExtractionPipeline({ task: 'feature-extraction', model: new Model(modelConfig, session), tokenizer });
}

type ModelClass = new (config: unknown, session: unknown) => PreTrainedModel;

/** The class transformers.js's AutoModel makes for a configuration (its base class for a type it does not know, as AutoModel does). */
function modelClass(modelConfig: { model_type?: string }): ModelClass {
  const mappings = (AutoModel as unknown as { MODEL_CLASS_MAPPINGS: Map<string, [string, ModelClass]>[] }).MODEL_CLASS_MAPPINGS;
  for (const mapping of mappings) {
    const found = modelConfig.model_type === undefined ? undefined : mapping.get(modelConfig.model_type);
    if (found) return found[1];
  }
  return PreTrainedModel as unknown as ModelClass;
}
