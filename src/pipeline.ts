/**
 * The whole question-answering pipeline behind one object, shared by the CLI, the bot, the evaluation and
 * the benchmark: the model and the index are loaded once; `ask` embeds, retrieves and answers; `reload`
 * picks up a new index written by the embed script without disturbing questions in flight.
 */
import { buildAnswer, type Answer, type AnswerPeriod } from './answer.js';
import { isChatOnly, withoutChatOpening } from './chat-opening.js';
import type { Config, RetrievalMode } from './config.js';
import { loadCorpus, unreadableFilesError } from './corpus/load.js';
import { boundWords, inPeriod, isoDay, writtenTimes, type Period } from './dates.js';
import { questionPeriod, timePhrase, withoutTimePhrase } from './time-phrases.js';
import { loadEmbedder, type Embedder } from './embedder.js';
import { UserFacingError } from './errors.js';
import { modelSignature, type BuildProgress, type BuildReport } from './index/build.js';
import { buildCoverage, openCoverageStore } from './coverage-store.js';
import { asCoverage, type Coverage, type CoverageStore } from './index/coverage.js';
import { IndexError, IndexMissingError, modelMismatch, type IndexSnapshot } from './index/store.js';
import type { Correction, Vocabulary } from './index/spelling.js';
import { plainText } from './plain-text.js';
import { searchQuestion } from './question-search.js';
import { loadReader, type Reader } from './reader/reader.js';

export { RETRIEVE_LIMIT } from './question-search.js';
/** How long a new version the pipeline refused (another model, damaged files) is left before it is tried again. */
export const REFUSED_RETRY_MS = 5 * 60_000;
const WARM_UP_QUESTION = 'What happened, and who said what about it?';

export class QuestionError extends UserFacingError {
  override name = 'QuestionError';
}

/** Trims a question and refuses empty or over-long ones with a message fit to show a user. */
export function validateQuestion(question: string, maxChars: number): string {
  const trimmed = plainText(question).replace(/\s+/g, ' ').trim();
  if (!trimmed) throw new QuestionError('Please ask a question: it was empty.');
  if (!/[\p{L}\p{N}]/u.test(trimmed)) throw new QuestionError('Please ask a question in words: that one has no letters or digits.');
  if (trimmed.length > maxChars) {
    throw new QuestionError(`That question is ${trimmed.length} characters long; please keep it to ${maxChars} at most: shorter, focused questions also get better answers.`);
  }
  if (isChatOnly(trimmed)) throw new QuestionError("There's no question in that to look up (a greeting or thanks): ask me about the coverage.");
  return trimmed;
}

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
  /** The coverage version in use now; a reload replaces it, and a question keeps the one it started with. */
  readonly index: Coverage;
  /** Where the coverage lives (the index folder, or the database), and where a rebuild writes. */
  readonly store: CoverageStore;
  ask(question: string, options?: AskOptions): Promise<Answer>;
  /** Loads the index again if the embed script wrote a new one; true when it changed. */
  reload(): Promise<boolean>;
  /** Closes the database connections, or the local version's SQLite file once the questions in flight are answered. */
  close(): Promise<void>;
}

export interface AnswerParts {
  index: Coverage | IndexSnapshot;
  embedder: Embedder;
  reader: Reader;
}

export interface AnswerQuestionOptions {
  mode: RetrievalMode;
  passages: number;
  /** Quote the best sentences even when the reader is not confident (evaluation sweeps its threshold). */
  answerAll?: boolean;
  /**
   * Only articles published in this period are searched. Without it, a plain time phrase in the question
   * ("last month", "in September 2023") sets one when the coverage has dated articles (time-phrases.ts).
   */
  period?: Period;
  /** "Now" for relative periods, in milliseconds (tests fix it). */
  now?: number;
  /** Articles to favour in retrieval (retrieve.ts `boostArticles`). */
  boostArticles?: readonly string[];
}

/** The dates of an index's articles, sorted (writtenTimes), worked out once per index. */
const dated = new WeakMap<Coverage, Float64Array>();
function datedTimes(index: Coverage): Float64Array {
  let times = dated.get(index);
  if (times === undefined) dated.set(index, (times = writtenTimes([...index.articles.values()].map((article) => article.published))));
  return times;
}

/** Whether any article of an index has a publication date. */
const hasDates = (index: Coverage): boolean => datedTimes(index).length > 0;

function describePeriod(period: Period): AnswerPeriod {
  // A question's period is shown in days ("this week" runs until now: today); --since/--until as given.
  const shown = (time: number, which: 'since' | 'until') => (period.phrase ? isoDay(time) : boundWords(time, which));
  return {
    ...(period.since !== undefined ? { since: shown(period.since, 'since') } : {}),
    ...(period.until !== undefined ? { until: shown(period.until, 'until') } : {}),
    ...(period.phrase ? { phrase: period.phrase } : {}),
  };
}

/**
 * Refuses a period given as since/until over coverage whose articles have no publication date: it would leave
 * them all out. Checked by the bot before it acknowledges (a refusal is private), and again when answering.
 */
export function checkPeriod(index: Coverage, period: Period | undefined): void {
  if (period?.strict && !hasDates(index)) {
    throw new QuestionError('No article in the coverage has a publication date, so a period (since/until) would leave them all out; ask without one.');
  }
}

/**
 * A valid question → its answer: misspelt words read as the coverage spells them, the question embedded,
 * chunks retrieved, their sentences read, the answer built. The one path of the CLI, the bot, the
 * evaluation and the benchmark.
 */
export async function answerQuestion(parts: AnswerParts, question: string, options: AnswerQuestionOptions): Promise<Answer> {
  const { embedder, reader } = parts;
  const index = asCoverage(parts.index);
  // A time phrase is a period only over dated coverage: over undated articles (SQuAD, the shipped .txt
  // pages) it would filter nothing and only take words out of the question.
  const phrase = hasDates(index) ? timePhrase(question, options.now) : undefined;
  // --since/--until win over the question's words; else the phrase's period, where only the articles dated in
  // it are searched when there are any (questionPeriod).
  const period = options.period ?? (phrase && questionPeriod(phrase, datedTimes(index)));
  checkPeriod(index, period);
  // A time phrase has become a period: the rest of the question is what is searched for (and read, as the
  // words the coverage knows: misspelt names corrected), without its chat opening ("hey", "can you tell me").
  const { text, corrections } = searchedText(index.terms.vocabulary, phrase ? withoutTimePhrase(question, phrase) : question, reader.isWord);
  const keepArticle = period && ((id: string) => inPeriod(index.articles.get(id)?.published, period));
  const boostArticles = options.boostArticles && new Set(options.boostArticles);
  const { retrieved, view, prepared, queryVector, readAhead } = await searchQuestion(index, embedder, reader, text, { mode: options.mode, keepArticle, boostArticles });
  const reading = reader.read(view, prepared, queryVector, retrieved);
  // The read-ahead stops at its next turn of the event loop: no work of a question outlives it.
  await readAhead?.catch(() => undefined);
  const answer = buildAnswer(view, question, reading, { passages: options.passages, answerAll: options.answerAll });
  return { ...answer, ...(corrections.length > 0 ? { readAs: text } : {}), ...(period ? { period: describePeriod(period) } : {}) };
}

/** What is searched for and read of a question: without its chat opening, misspelt words as the coverage spells them. */
export function searchedText(vocabulary: Vocabulary, question: string, isWord?: (word: string) => boolean): { text: string; corrections: Correction[] } {
  return vocabulary.correct(withoutChatOpening(question), isWord);
}

export interface OpenOptions {
  /** Build the index first when there is none (the CLI does, the bot does not). */
  buildIfMissing?: boolean;
  onBuildStart?: () => void;
  onBuildProgress?: (progress: BuildProgress) => void;
  onBuildDone?: (report: BuildReport) => void;
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

function checkCompatible(index: Coverage, embedder: Embedder, location: string): void {
  const mismatch = modelMismatch(index.manifest, modelSignature(embedder));
  if (mismatch) throw new IndexError(`The index in ${location} cannot be used: ${mismatch}. Run \`npm run embed\` to rebuild it.`);
}

export async function openPipeline(config: Config, options: OpenOptions = {}): Promise<Pipeline> {
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
    options.onBuildStart?.();
    const corpus = await loadCorpus(config.corpusDir, { maxArticleBytes: config.maxArticleBytes });
    if (corpus.problems.length > 0) throw unreadableFilesError(corpus.problems, 'No index was built');
    const report = await buildCoverage(store, config, corpus.articles, embedder, { onProgress: options.onBuildProgress });
    options.onBuildDone?.(report);
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
  let refused: { version: string | undefined; until: number } | undefined;

  return {
    embedder,
    reader,
    store,
    get index() {
      return versions.current;
    },
    async ask(question, askOptions = {}) {
      const text = validateQuestion(question, config.retrieval.maxQuestionChars);
      const passages = askOptions.passages ?? config.retrieval.passages;
      return versions.read((snapshot) =>
        answerQuestion({ index: snapshot, embedder, reader }, text, {
          mode: config.retrieval.mode,
          passages,
          period: askOptions.period,
          now: askOptions.now,
          boostArticles: askOptions.boostArticles,
        }),
      );
    },
    async reload() {
      const live = await store.currentVersion();
      if (live === versions.current.version) return false;
      // A version refused once is not opened (its files hashed, its graph read) again at every poll.
      if (refused && refused.version === live && Date.now() < refused.until) return false;
      let next: Coverage | undefined;
      try {
        next = await store.open();
        checkCompatible(next, embedder, store.location);
      } catch (error) {
        next?.close?.();
        refused = { version: live, until: Date.now() + REFUSED_RETRY_MS };
        throw error;
      }
      refused = undefined;
      // Only a bot reloads: the first question with a misspelt word should not build the new version's corrections.
      next.terms.vocabulary.warm();
      versions.replace(next);
      return true;
    },
    close: async () => {
      versions.close();
      await store.close();
    },
  };
}
