/**
 * The whole question-answering pipeline behind one object, shared by the CLI, the bot, the evaluation and
 * the benchmark: the model and the index are loaded once; `ask` embeds, retrieves and answers (one question's
 * path is answer-question.ts); `reload` picks up a new index written by the embed script without disturbing
 * questions in flight.
 */
import type { Answer } from './answer.js';
import { answerQuestion, validateQuestion } from './answer-question.js';
import type { Config } from './config.js';
import { loadCorpus, unreadableFilesError } from './corpus/load.js';
import type { CorpusWarning } from './corpus/types.js';
import type { Period } from './dates.js';
import { loadEmbedder, type Embedder } from './embedder.js';
import { setHeapGrowth } from './heap.js';
import { modelSignature, type BuildProgress, type BuildReport } from './index/build.js';
import { buildCoverage, openCoverageStore } from './coverage-store.js';
import { isUnreachable, VersionGoneError, type Coverage, type CoverageStore } from './index/coverage.js';
import { IndexError, IndexMissingError, modelMismatch, REBUILD_HINT } from './index/store.js';
import { loadReader, type Reader } from './reader/reader.js';

export { RETRIEVE_LIMIT } from './question-search.js';
/**
 * How long a new version the pipeline refused (another model, damaged files) is left before it is tried again. A
 * version that could not be opened because the database could not be reached is tried again at the next poll.
 */
export const REFUSED_RETRY_MS = 5 * 60_000;
/** How many times a question is asked when its version is deleted under it (src/index/coverage.ts, VersionGoneError). */
const VERSION_TRIES = 3;
const WARM_UP_QUESTION = 'What happened, and who said what about it?';

export interface AskOptions {
  /** Passages to quote (default: the configured number). */
  passages?: number;
  /**
   * Only articles published in this period (from --since/--until or the bot's options). Without it, a
   * plain time phrase in the question ("last month", "in September 2023") sets one (dates.ts).
   */
  period?: Period;
  /** "Now" for relative periods, in milliseconds (tests fix it). */
  now?: number;
  /** Articles to favour in retrieval: those a conversation already cited (a follow-up question). */
  boostArticles?: readonly string[];
}

export interface Pipeline {
  readonly embedder: Embedder;
  readonly reader: Reader;
  /**
   * The coverage version in use now; a reload replaces it, and a question keeps the one it started with (unless that
   * one is deleted under it: `ask`).
   */
  readonly index: Coverage;
  /** Where the coverage lives (the index folder, or the database), and where a rebuild writes. */
  readonly store: CoverageStore;
  /**
   * Answers from the version in use. A version deleted under the question (Postgres keeps two: a bot left on an
   * older one) is replaced by the live one, and the question asked again there.
   */
  ask(question: string, options?: AskOptions): Promise<Answer>;
  /** The version an answer of `ask` came from (what a reply records as its index). */
  answeredFrom(answer: Answer): Coverage;
  /**
   * Loads the index again if the embed script wrote a new one; true when it changed. A failure to look for one
   * is marked as such (`isCheckFailure`), apart from one to open the version found. One at a time: calls while one
   * runs share one more, run after it (the one running may have looked before what the caller waits for was written).
   */
  reload(): Promise<boolean>;
  /** Closes the database connections, or the local version's SQLite file once the questions in flight are answered. */
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Build the index first when there is none (the CLI does, the bot does not). */
  buildIfMissing?: boolean;
  /** Called as that build starts; may return a signal that stops it (Ctrl-C): it throws, leaving no index and no lock behind. */
  onBuildStart?: () => AbortSignal | void;
  onBuildProgress?: (progress: BuildProgress) => void;
  onBuildDone?: (report: BuildReport, warnings: readonly CorpusWarning[]) => void;
  /**
   * Read one question before returning (default), and build the spelling corrections' index: a reader model that
   * does not fit the index fails at start, and the first real question does not pay for warming up. A
   * one-question CLI run skips it.
   */
  warmUp?: boolean;
}

/**
 * The version in use and the questions reading each version: a version a reload replaced (or the pipeline's
 * last one, once closed) is closed when its last question is answered, so that no SQLite file stays open,
 * nor a deleted version's disk space held, until the garbage collector happens to run.
 */
function versionsInUse(first: Coverage) {
  let current = first;
  let closed = false;
  const reading = new Map<Coverage, number>();
  const closeIfDone = (coverage: Coverage) => {
    if ((coverage !== current || closed) && !reading.has(coverage)) coverage.close?.();
  };
  return {
    get current() {
      return current;
    },
    /** Runs a question on the version in use now, which stays open until it is done. */
    async read<T>(question: (coverage: Coverage) => Promise<T>): Promise<T> {
      const coverage = current;
      reading.set(coverage, (reading.get(coverage) ?? 0) + 1);
      try {
        return await question(coverage);
      } finally {
        const left = reading.get(coverage)! - 1;
        if (left > 0) reading.set(coverage, left);
        else reading.delete(coverage);
        closeIfDone(coverage);
      }
    },
    replace(next: Coverage): void {
      const old = current;
      current = next;
      if (old !== next) closeIfDone(old);
    },
    close(): void {
      closed = true;
      closeIfDone(current);
    },
  };
}

const checkFailures = new WeakSet<object>();

/** Marks a failure of the look for a new version itself (the store's `currentVersion`), not of a version found. */
function checkFailure(error: unknown): unknown {
  const marked = typeof error === 'object' && error !== null ? error : new Error(String(error));
  checkFailures.add(marked);
  return marked;
}

/**
 * Whether `reload` failed looking for a new version (the store's `currentVersion`: a wrong password after a
 * rotation, a database gone, a privilege taken away, or out of reach), not opening one it found.
 */
export function isCheckFailure(error: unknown): boolean {
  return typeof error === 'object' && error !== null && checkFailures.has(error);
}

function checkCompatible(index: Coverage, embedder: Embedder, location: string): void {
  const mismatch = modelMismatch(index.manifest, modelSignature(embedder));
  if (mismatch) throw new IndexError(`The index in ${location} cannot be used: ${mismatch}. ${REBUILD_HINT}`);
}

/**
 * Opens the coverage, the models and the reader. Sets the process's heap growth too (HEAP_GROWTH_PERCENT,
 * src/heap.ts), a V8 flag for the whole process: the process that answers holds the coverage, and its heap is kept
 * close to what is live. A process that holds more than one version's worth (the bench) sets it to 0 in its config.
 */
export async function openPipeline(config: Config, options: OpenOptions = {}): Promise<Pipeline> {
  setHeapGrowth(config.heapGrowthPercent);
  const store = await openCoverageStore(config);
  // The index opens (its files checksummed on a worker thread, the HNSW graph read off the main thread)
  // while the models load on this one; a model's or the reader's error is still reported before the index's.
  const opening = store.open();
  opening.catch(() => {});
  try {
    const embedder = await loadEmbedder(config.embedding);
    const reader = loadReader(config.reader.modelFile, config.reader.threshold, config.reader.sureThreshold, config.reader.openThreshold);
    return await openWith(store, config, embedder, reader, options, opening);
  } catch (error) {
    // A version opened for nothing (the model failed to load) is closed with the store.
    await opening.then((coverage) => coverage.close?.(), () => {});
    await store.close();
    throw error;
  }
}

async function openWith(store: CoverageStore, config: Config, embedder: Embedder, reader: Reader, options: OpenOptions, opening: Promise<Coverage>): Promise<Pipeline> {
  let index: Coverage;
  try {
    index = await opening;
  } catch (error) {
    if (!(error instanceof IndexMissingError) || !options.buildIfMissing) throw error;
    const signal = options.onBuildStart?.() ?? undefined;
    const corpus = await loadCorpus(config.corpusDir, { maxArticleBytes: config.maxArticleBytes });
    if (corpus.problems.length > 0) throw unreadableFilesError(corpus.problems, 'No index was built');
    signal?.throwIfAborted();
    const report = await buildCoverage(store, config, corpus.articles, embedder, { onProgress: options.onBuildProgress, signal, corpusAsOf: corpus.readAt });
    options.onBuildDone?.(report, corpus.warnings);
    index = await store.open();
  }
  try {
    checkCompatible(index, embedder, store.location);
    // One question read at start: a reader model that does not fit this version fails now, with its message,
    // rather than at a user's first question (and the first real question is not the one paying for warm-up).
    if (options.warmUp !== false) {
      await answerQuestion({ index, embedder, reader }, WARM_UP_QUESTION, { mode: config.retrieval.mode, passages: 1 });
      index.terms.vocabulary.warm();
    }
  } catch (error) {
    index.close?.();
    throw error;
  }
  const versions = versionsInUse(index);
  let refused: { version: string | undefined; until: number; error: unknown } | undefined;
  let reloading: Promise<boolean> | undefined;
  let reloadingAgain: Promise<boolean> | undefined;
  const answers = new WeakMap<Answer, Coverage>();

  async function reload(): Promise<boolean> {
    const live = await store.currentVersion().catch((error: unknown) => Promise.reject(checkFailure(error)));
    if (live === versions.current.version) return false;
    // A version refused once is not opened (its files hashed, its graph read) again at every poll.
    if (refused && refused.version === live && Date.now() < refused.until) return false;
    let next: Coverage | undefined;
    try {
      next = await store.open();
      checkCompatible(next, embedder, store.location);
    } catch (error) {
      next?.close?.();
      // A database out of reach while the version opened says nothing of the version: the next poll tries it again.
      if (!isUnreachable(error)) refused = { version: live, until: Date.now() + REFUSED_RETRY_MS, error };
      throw error;
    }
    refused = undefined;
    // Only a bot reloads: the first question with a misspelt word should not build the new version's corrections.
    next.terms.vocabulary.warm();
    versions.replace(next);
    return true;
  }

  /** After a question's version was deleted: the live version loaded, or why none can answer. */
  async function replaceGone(gone: VersionGoneError): Promise<void> {
    // The bot may have moved on already (the question started before a reload).
    if (versions.current.version !== gone.version) return;
    const failed = await pipeline.reload().then(() => undefined, (error: unknown) => error);
    if (versions.current.version !== gone.version) return;
    const why = failed ?? refused?.error;
    const cause = why instanceof Error ? ` ${why.message.split('\n')[0]}` : '';
    throw new IndexError(`${gone.message} The live version cannot be loaded:${cause || ' it was not found.'}`);
  }

  const pipeline: Pipeline = {
    embedder,
    reader,
    store,
    get index() {
      return versions.current;
    },
    async ask(question, askOptions = {}) {
      const text = validateQuestion(question, config.retrieval.maxQuestionChars);
      const passages = askOptions.passages ?? config.retrieval.passages;
      const read = (snapshot: Coverage) =>
        answerQuestion({ index: snapshot, embedder, reader }, text, {
          mode: config.retrieval.mode,
          passages,
          period: askOptions.period,
          now: askOptions.now,
          boostArticles: askOptions.boostArticles,
        }).then((answer) => (answers.set(answer, snapshot), answer));
      // A version deleted under the question, then the next (embeds in quick succession): asked again each time, a
      // few times at most.
      for (let tries = 1; ; tries++) {
        try {
          return await versions.read(read);
        } catch (error) {
          if (!(error instanceof VersionGoneError) || tries === VERSION_TRIES) throw error;
          await replaceGone(error);
        }
      }
    },
    answeredFrom(answer) {
      const from = answers.get(answer);
      if (!from) throw new Error('answeredFrom: this answer did not come from this pipeline\'s ask');
      return from;
    },
    reload() {
      if (!reloading) {
        reloading = reload().finally(() => (reloading = undefined));
        return reloading;
      }
      const settled = () => undefined;
      reloadingAgain ??= reloading.then(settled, settled).then(() => {
        reloadingAgain = undefined;
        return pipeline.reload();
      });
      return reloadingAgain;
    },
    close: async () => {
      versions.close();
      await store.close();
    },
  };
  return pipeline;
}
