/** What the benchmark measures: the result types every measurement fills in and the report reads. */
import type { Config } from '../../src/config.js';
import type { Percentiles } from './measure.js';
import type { SyntheticResult } from './vectors.js';

export interface ThroughputRow {
  batchSize: number;
  project: number;
  ceiling: number;
  tokenizer: number;
}

/** What the embedding benchmark found (scripts/bench.ts benchEmbedding). */
export interface EmbeddingResult {
  chunks: number;
  tokens: { min: number; max: number; mean: number };
  inputNames: readonly string[];
  rows: ThroughputRow[];
  recommended: number;
  annotation: { sentences: number; ms: number; embedMs: number };
}

export interface BuildRecord {
  seconds: number;
  chunks: number;
  sentences: number;
  embeddedTexts: number;
  builtAt: string;
  /** How it was built: from scratch, or incrementally from a larger cached index (no embedding). */
  how: string;
}

export interface SizeResult {
  name: string;
  /** Where the coverage is stored: `local` (files in EMBEDDINGS_DIR). */
  backend: string;
  /** Built with random passage vectors (the scale index, scripts/bench/scale.ts): dense ranking meaningless, timing not. */
  randomVectors: boolean;
  chunks: number;
  sentences: number;
  build?: BuildRecord;
  buildCached: boolean;
  loadMs: number;
  ask: Percentiles;
  embedQuery: Percentiles;
  dense: Percentiles;
  lexical: Percentiles;
  /** The reading stage alone: every sentence of the retrieved chunks scored, the short answer, the verdict. */
  read: Percentiles;
  /** The same questions read again: their sentences' tags, stems and n-grams are cached by then. */
  readAgain: Percentiles;
  questions: number;
  rssKb: number;
}

export interface RecallRow {
  efSearch: number;
  recall: number;
  latency: Percentiles;
}

export interface ColdStart {
  name: string;
  firstAnswerMs: number;
  exitMs: number;
  childPeakRssKb?: number;
  runs: number;
}

export interface Results {
  machine: Record<string, string>;
  config: Config;
  embedding: EmbeddingResult;
  embeddingSource: string;
  sizes: SizeResult[];
  recall?: { name: string; chunks: number; rows: RecallRow[] };
  sweep: SyntheticResult;
  synthetic: SyntheticResult;
  cold: ColdStart[];
  loadAverages: string[];
  seconds: number;
}

/** How the run was made, as the report describes it. */
export interface RunInfo {
  quick: boolean;
  coldRuns: number;
  pipelineDepth: number;
  warmupQuestions: number;
  embedReps: number;
}
