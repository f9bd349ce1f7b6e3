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
  /** Of those, the distinct texts the model embedded (the scale index embeds each once); absent when all were. */
  distinctTexts?: number;
  builtAt: string;
  /** How it was built: from scratch, or incrementally from a larger cached index (no embedding). */
  how: string;
}

export interface SizeResult {
  name: string;
  /** Where the coverage is stored: `local` (files in EMBEDDINGS_DIR); Postgres rows are PostgresResult. */
  backend: 'local';
  /** The scale index (scripts/bench/scale.ts): the public sets' texts repeated to 100,000 chunks. */
  scaleIndex: boolean;
  chunks: number;
  sentences: number;
  build?: BuildRecord;
  buildCached: boolean;
  loadMs: number;
  ask: Percentiles;
  /** CPU time (user + system) of the same answers. */
  askCpu: Percentiles;
  embedQuery: Percentiles;
  dense: Percentiles;
  lexical: Percentiles;
  /** The reader's analysis of the question (type, terms, tags), which answering does while the question is embedded. */
  prepare: Percentiles;
  /**
   * The reading stage after retrieval: every sentence of the retrieved chunks scored, the short answer, the verdict; on
   * the view of the retrieved chunks the served version gives (since the ninth session; on the version loaded
   * whole before), each question read for the first time by a version just opened; since the eleventh session
   * after a search that read ahead (src/reader/read-ahead.ts), as answering does.
   */
  read: Percentiles;
  /** Mean share of the sentences of BM25's first chunks worked out while the question was embedded (read-ahead.ts). */
  readAhead?: number;
  /** The same questions read again: their sentences' tags, stems and n-grams are cached by then. */
  readAgain: Percentiles;
  questions: number;
  rssKb: number;
  /** The answering process (timeAnswersApart): its RSS once the timed questions are answered, and its peak. */
  servingRssKb: number;
  /** Undefined where the system does not say (VmHWM is Linux's). */
  servingPeakRssKb?: number;
}

/** A local index copied into a PGlite data folder (scripts/bench/pg-load.ts), as recorded in the cache. */
export interface PostgresLoad {
  /** The content of the local index it was copied from (a hash of its articles, model, chunking and annotations): another means loading again. */
  source: string;
  builtAt: string;
  chunks: number;
  sentences: number;
  /** Wall and CPU time of the loading process (it serves PGlite too, so the database's work counts). */
  seconds: number;
  cpuSeconds: number;
  peakRssMb: number;
}

/** A load that did not fit, recorded so that a rerun does not try again within the same budget. */
export interface PostgresLoadFailure {
  source: string;
  builtAt: string;
  budgetMinutes: number;
  /** What was measured: the time or memory it ran out of, and the loader's last words. */
  reason: string;
}

interface PostgresSize {
  name: string;
  backend: 'postgres';
  scaleIndex: boolean;
  chunks: number;
  sentences: number;
}

/**
 * The same index served by Postgres (PGlite in this process, on 127.0.0.1, through the `pg` driver): a whole
 * answer through the pipeline, and its parts; or why that size was not measured.
 */
export type PostgresResult =
  | (PostgresSize & {
      load: PostgresLoad;
      loadCached: boolean;
      /** Opening the live version (articles and term tables read from the database), median of 3. */
      openMs: number;
      ask: Percentiles;
      askCpu: Percentiles;
      embedQuery: Percentiles;
      /** The store's whole search: dense and BM25 queries, fusion, the retrieved chunks' rows fetched. */
      search: Percentiles;
      /** As in SizeResult: the question analysed (during its embedding), then the retrieved sentences read. */
      prepare: Percentiles;
      read: Percentiles;
      readAhead?: number;
      questions: number;
      rssKb: number;
    })
  | (PostgresSize & { notMeasured: string });

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

/** One re-embed of a copy of a cached index (scripts/bench/reembed.ts). */
export interface ReembedRow {
  name: string;
  change: 'nothing changed' | 'one article added';
  chunks: number;
  embeddedTexts: number;
  vectorIndex: 'built' | 'updated' | 'unchanged';
  ms: number;
  cpuMs: number;
}

/** One build from scratch into a backend (scripts/bench/embed-backends.ts). */
export interface EmbedBackendRow {
  backend: 'local' | 'postgres';
  round: number;
  articles: number;
  /** Chunks and sentences embedded. */
  texts: number;
  /** The build's wall time, the write included, and this process's CPU time (the database's is its own process's). */
  ms: number;
  cpuMs: number;
}

export interface Results {
  machine: Record<string, string>;
  config: Config;
  embedding: EmbeddingResult;
  embeddingSource: string;
  sizes: SizeResult[];
  postgres: PostgresResult[];
  /** `projected`: the index's graph holds projected vectors (vector-index.ts). */
  recall?: { name: string; chunks: number; rows: RecallRow[]; projected?: boolean };
  sweep: SyntheticResult;
  synthetic: SyntheticResult;
  cold: ColdStart[];
  reembed: ReembedRow[];
  /** Builds from scratch into each backend, in turn; empty when not measured (no SciFact). */
  embedBackends: EmbedBackendRow[];
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
  /** Minutes loading one index into PGlite may take (`--pg-budget`). */
  pgBudgetMinutes: number;
}
