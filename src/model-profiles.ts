/**
 * What an embedding model needs that its files do not say: pooling, the prefixes it was trained with,
 * and the sequence length it was trained at when that is shorter than its tokenizer allows. Dimension
 * and tokenizer limits are read from the model itself (see embedder.ts). Any model not listed works with
 * the defaults (mean pooling, no prefixes), and every field can be overridden in configuration.
 */
/**
 * How token states become one vector: their mean, the first ([CLS]) token's, or the model's own pooled
 * `sentence_embedding` output, for models whose ONNX graph pools (and then nothing is pooled in JavaScript).
 */
export const POOLINGS = ['mean', 'cls', 'sentence_embedding'] as const;
export type Pooling = (typeof POOLINGS)[number];

export interface ModelProfile {
  pooling: Pooling;
  queryPrefix: string;
  passagePrefix: string;
  /** Trained sequence length, when shorter than the tokenizer's model_max_length. */
  maxTokens?: number;
}

const DEFAULT_PROFILE: ModelProfile = { pooling: 'mean', queryPrefix: '', passagePrefix: '' };

const BGE_QUERY_INSTRUCTION = 'Represent this sentence for searching relevant passages: ';

const KNOWN_PROFILES: Record<string, Partial<ModelProfile>> = {
  // Its graph pools: every position of last_hidden_state repeats the sentence embedding, so mean pooling
  // gives the same vector, at twice the cost (measured: 52-64 → 112-114 texts/s on this machine).
  'local/universal-sentence-encoder-lite': { pooling: 'sentence_embedding' },
  'Xenova/all-MiniLM-L6-v2': { pooling: 'mean', maxTokens: 256 },
  'Xenova/all-MiniLM-L12-v2': { pooling: 'mean', maxTokens: 256 },
  'Xenova/multi-qa-MiniLM-L6-cos-v1': { pooling: 'mean', maxTokens: 512 },
  'Xenova/paraphrase-multilingual-MiniLM-L12-v2': { pooling: 'mean', maxTokens: 128 },
  'Xenova/bge-small-en-v1.5': { pooling: 'cls', queryPrefix: BGE_QUERY_INSTRUCTION },
  'Xenova/bge-base-en-v1.5': { pooling: 'cls', queryPrefix: BGE_QUERY_INSTRUCTION },
  'Xenova/e5-small-v2': { pooling: 'mean', queryPrefix: 'query: ', passagePrefix: 'passage: ' },
  'Xenova/e5-base-v2': { pooling: 'mean', queryPrefix: 'query: ', passagePrefix: 'passage: ' },
  'Xenova/gte-small': { pooling: 'mean' },
  'Supabase/gte-small': { pooling: 'mean' },
  'nomic-ai/nomic-embed-text-v1.5': { pooling: 'mean', queryPrefix: 'search_query: ', passagePrefix: 'search_document: ' },
};

export function profileFor(modelId: string, overrides: Partial<ModelProfile> = {}): ModelProfile {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined));
  return { ...DEFAULT_PROFILE, ...KNOWN_PROFILES[modelId], ...defined };
}
