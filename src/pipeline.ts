/**
 * The whole question-answering pipeline behind one object, shared by the CLI, the bot, the evaluation and
 * the benchmark: the model and the index are loaded once; `ask` embeds, retrieves and answers; `reload`
 * picks up a new index written by the embed script without disturbing questions in flight.
 */
import { buildAnswer, type Answer } from './answer.js';
import type { Config } from './config.js';
import { loadCorpus } from './corpus/load.js';
import { loadEmbedder, type Embedder } from './embedder.js';
import { UserFacingError } from './errors.js';
import { buildIndex, modelSignature, type BuildProgress, type BuildReport } from './index/build.js';
import { currentVersion, IndexError, IndexMissingError, loadIndex, modelMismatch, type IndexSnapshot } from './index/store.js';
import { retrieve } from './retrieve.js';

export class QuestionError extends UserFacingError {
  override name = 'QuestionError';
}

/** Trims a question and refuses empty or over-long ones with a message fit to show a user. */
export function validateQuestion(question: string, maxChars: number): string {
  const trimmed = question.replace(/\s+/g, ' ').trim();
  if (!trimmed) throw new QuestionError('Please ask a question: it was empty.');
  if (trimmed.length > maxChars) {
    throw new QuestionError(`That question is ${trimmed.length} characters long; please keep it under ${maxChars}.`);
  }
  return trimmed;
}

export interface AskOptions {
  /** Passages to quote (default: the configured number). */
  passages?: number;
}

export interface Pipeline {
  readonly embedder: Embedder;
  /** The index in use now; a reload replaces it, and a question keeps the one it started with. */
  readonly index: IndexSnapshot;
  ask(question: string, options?: AskOptions): Promise<Answer>;
  /** Loads the index again if the embed script wrote a new one; true when it changed. */
  reload(): Promise<boolean>;
}

export interface OpenOptions {
  /** Build the index first when there is none (the CLI does, the bot does not). */
  buildIfMissing?: boolean;
  onBuildStart?: () => void;
  onBuildProgress?: (progress: BuildProgress) => void;
  onBuildDone?: (report: BuildReport) => void;
}

function checkCompatible(index: IndexSnapshot, embedder: Embedder, dir: string): void {
  const mismatch = modelMismatch(index.manifest, modelSignature(embedder));
  if (mismatch) throw new IndexError(`The index in ${dir} cannot be used: ${mismatch}. Run \`npm run embed\` to rebuild it.`);
}

export async function openPipeline(config: Config, options: OpenOptions = {}): Promise<Pipeline> {
  const embedder = await loadEmbedder(config.embedding);
  let index: IndexSnapshot;
  try {
    index = await loadIndex(config.embeddingsDir, config.hnsw);
  } catch (error) {
    if (!(error instanceof IndexMissingError) || !options.buildIfMissing) throw error;
    options.onBuildStart?.();
    const corpus = await loadCorpus(config.corpusDir, { maxArticleBytes: config.maxArticleBytes });
    if (corpus.problems.length > 0) {
      const list = corpus.problems.map((p) => `  ${p.source}: ${p.reason}`).join('\n');
      throw new IndexError(`Some article files cannot be read, so no index was built:\n${list}\nFix or remove them, or run \`npm run embed -- --skip-invalid\`.`);
    }
    const report = await buildIndex({ articles: corpus.articles, embedder, dir: config.embeddingsDir, chunking: config.chunking, hnsw: config.hnsw, onProgress: options.onBuildProgress });
    options.onBuildDone?.(report);
    index = await loadIndex(config.embeddingsDir, config.hnsw);
  }
  checkCompatible(index, embedder, config.embeddingsDir);

  return {
    embedder,
    get index() {
      return index;
    },
    async ask(question, askOptions = {}) {
      const text = validateQuestion(question, config.retrieval.maxQuestionChars);
      const snapshot = index;
      const passages = askOptions.passages ?? config.retrieval.passages;
      const queryVector = await embedder.embedQuery(text);
      // Retrieve beyond the passages shown: repeated quotes and weak evidence are dropped after.
      const retrieved = retrieve(snapshot, text, queryVector, { mode: config.retrieval.mode, limit: Math.max(passages * 4, 20) });
      return buildAnswer(snapshot, text, queryVector, retrieved, { passages, minEvidenceScore: config.retrieval.minEvidenceScore });
    },
    async reload() {
      if ((await currentVersion(config.embeddingsDir)) === index.version) return false;
      const next = await loadIndex(config.embeddingsDir, config.hnsw);
      checkCompatible(next, embedder, config.embeddingsDir);
      index = next;
      return true;
    },
  };
}
