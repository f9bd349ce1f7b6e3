/**
 * The reading stage, between retrieval and the answer: every sentence of the retrieved passages is scored
 * by a trained model as the one that answers the question; inside the best sentence, the candidate
 * answers (entities, numbers, noun phrases) are scored for the short answer; a third model says how sure
 * the reader is that the coverage answers the question at all, which decides whether it is answered.
 *
 * `Reader` is the small interface the rest of the pipeline sees; a different reader (a neural one, say)
 * can replace this one by implementing it.
 */
import type { ReadingIndex } from '../index/store.js';
import type { RetrievedChunk } from '../retrieve.js';
import { answerFeatures, spanFeatures, withSpanScores } from './answer-features.js';
import { EXPECTED_KINDS, namedByQuestion, sentenceView, spanAnswer, type CandidateSentence, type ReadingContext, type SentenceView } from './context.js';
import { sentenceFeatures } from './sentence-features.js';
import { loadReaderModel, type ReaderModel } from './model.js';
import { readAhead, type ReadAhead } from './read-ahead.js';
import { withDescription } from './definition.js';
import { withRoleHolder } from './role.js';
import { COUNT_FALLBACK, countedInstead, hasShortAnswer, lacksCount, tellsSomething } from './rules.js';
import { analyseQuestion, asksForFact, type QuestionAnalysis, type QuestionType } from './question.js';
import type { Synonyms } from './synonyms.js';
import type { Reading, ShortAnswer } from './reading.js';

/** Retrieved chunks whose sentences the reader weighs. */
export const READ_CHUNKS = 10;

export type { Reading, SentenceReading, ShortAnswer } from './reading.js';

/**
 * A question as the reader has analysed it (its type, terms and tags), independent of the coverage: made
 * while the question is embedded, so that reading the retrieved sentences does not wait for it.
 */
export type PreparedQuestion = QuestionAnalysis;

export interface Reader {
  /** Confidence at or above which a question asking for a fact (a name, number, date, place) counts as answered. */
  readonly threshold: number;
  /** The same for a question asking for an account (why, how, yes or no, what did X say): at most `threshold`. */
  readonly openThreshold: number;
  /** The threshold a question's answer must reach: `threshold` or `openThreshold` (asksForFact). */
  thresholdFor(question: PreparedQuestion): number;
  /** Confidence at or above which an answer is given as sure (at least `threshold`). */
  readonly sureThreshold: number;
  /** Analyses a question before its sentences are at hand (it needs neither the coverage nor the vector). */
  prepare(question: string): PreparedQuestion;
  /**
   * Whether a lower-cased word is an English word the reader knows (WordNet's, or a regular inflection of one):
   * such a word is never read as a misspelt name ("worth" is not "north").
   */
  isWord(word: string): boolean;
  /**
   * Works out, until `until` settles, what reading the sentences of the first retrieved chunks needs whatever
   * the question (read-ahead.ts): called with BM25's ranking while the question's vector is on its way.
   */
  readAhead(index: ReadingIndex, retrieved: RetrievedChunk[], until: Promise<unknown>): Promise<ReadAhead>;
  /** Reads the sentences of the first retrieved chunks. */
  read(index: ReadingIndex, question: string | PreparedQuestion, queryVector: Float32Array, retrieved: RetrievedChunk[]): Reading;
  /** Reads the given sentences (the evaluation's "paragraph given" setting). */
  readSentences(index: ReadingIndex, question: string | PreparedQuestion, queryVector: Float32Array, sentences: CandidateSentence[]): Reading;
}

/** The sentences of the first retrieved chunks, each with the best-ranked chunk it appears in. */
export function candidateSentences(index: ReadingIndex, retrieved: RetrievedChunk[], maxChunks = READ_CHUNKS): CandidateSentence[] {
  const seen = new Map<number, CandidateSentence>();
  const articleRank = new Map<string, number>();
  retrieved.slice(0, maxChunks).forEach(({ label }, rank) => {
    const chunk = index.chunks[label]!;
    if (!articleRank.has(chunk.articleId)) articleRank.set(chunk.articleId, articleRank.size);
    for (let id = chunk.firstSentence; id < chunk.firstSentence + chunk.sentenceCount; id++) {
      if (!seen.has(id)) seen.set(id, { id, chunk: label, chunkRank: rank, articleRank: articleRank.get(chunk.articleId)! });
    }
  });
  return [...seen.values()];
}

export function readingContext(index: ReadingIndex, question: string | QuestionAnalysis, queryVector: Float32Array, sentences: CandidateSentence[], synonyms: Synonyms): ReadingContext {
  const analysed = typeof question === 'string' ? analyseQuestion(question) : question;
  return { index, question: analysed, queryVector, sentences: sentences.map((c) => sentenceView(index, c)), synonyms };
}

/** Positions sorted by score, best first (the earlier position first on ties). */
export function ranking(scores: number[]): number[] {
  return scores.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
}

export interface Scorers {
  sentence(rows: Record<string, number>[]): number[];
  span(rows: Record<string, number>[]): number[];
  answer(row: Record<string, number>): number;
}

/** The trained models as scorers: each question's sentence rows, and a sentence's span rows, scored together. */
export function modelScorers(model: ReaderModel): Scorers {
  return {
    sentence: (rows) => model.sentence.predictRows(rows),
    span: (rows) => model.span.predictRows(rows),
    answer: (row) => model.answer.predict(row),
  };
}

export interface ReadTrace {
  sentenceRows: Record<string, number>[];
  spanRows: Record<string, number>[];
  answerRow: Record<string, number>;
}

/**
 * Reads a context with the given scorers: the trained models when answering, a training run's
 * out-of-fold scores when building the next stage's data (the trace then holds every row).
 */
export function readContext(context: ReadingContext, scorers: Scorers, trace?: Partial<ReadTrace>): Omit<Reading, 'answerable' | 'sure'> {
  if (context.sentences.length === 0) return { sentences: [], shortAnswer: null, confidence: 0 };
  return readScored(context, scorers, scoreSentences(context, scorers), trace);
}

/** The sentence model's feature rows and scores for the sentences of a context. */
export interface ScoredSentences {
  rows: Record<string, number>[];
  scores: number[];
}

export function scoreSentences(context: ReadingContext, scorers: Scorers): ScoredSentences {
  const rows = sentenceFeatures(context);
  return { rows, scores: scorers.sentence(rows) };
}

/**
 * Reads a context whose sentences are scored already (`readContext` scores them first). `first`, a position in
 * context.sentences, puts that sentence first, read as if it had just topped the best one.
 */
export function readScored(context: ReadingContext, scorers: Scorers, scored: ScoredSentences, trace?: Partial<ReadTrace>, first?: number): Omit<Reading, 'answerable' | 'sure'> {
  const { rows } = scored;
  // The features see the sentence put first as if it had just topped the best one; the reading keeps its own score.
  const scores = [...scored.scores];
  if (first !== undefined) scores[first] = Math.max(...scores) + 1e-9;
  const order = ranking(scores);
  const best = context.sentences[order[0]!]!;
  const spanRows = spanFeatures(context, best, scores[order[0]!]!, 0);
  const spanScores = spanRows.length > 0 ? scorers.span(spanRows) : [];
  const answerRow = withSpanScores(answerFeatures(context, order, scores, rows), spanScores, spanRows);
  const confidence = scorers.answer(answerRow);
  if (trace) Object.assign(trace, { sentenceRows: rows, spanRows, answerRow });

  let shortAnswer: ShortAnswer | null = null;
  const top = hasShortAnswer(context.question) ? ranking(spanScores).find((i) => tellsSomething(context.question, best, best.candidates[i]!)) : undefined;
  if (top !== undefined) shortAnswer = spanAnswer(best, best.candidates[top]!.first, best.candidates[top]!.last, spanScores[top]!);
  return {
    sentences: order.map((i) => ({ sentence: context.sentences[i]!.id, chunk: context.sentences[i]!.chunk, score: scored.scores[i]! })),
    shortAnswer,
    confidence,
  };
}

/** The rules readWithRules applies, as the experiments vary them: COUNT_FALLBACK, the role rule (role.ts), shares counted (rules.ts). */
export interface ReadingRules {
  fallback?: number;
  roles?: boolean;
  shares?: boolean;
}

/**
 * Reads a context with the models and the rules beside them: a question asking who or what someone is answered
 * by the sentence describing them (definition.ts); one asking who holds a role by the sentence giving someone that
 * role, and refused (confidence 0) when the best sentence gives it to someone else (role.ts); a count question read
 * from the next sentence when the best one lacks the number, and refused when that one lacks it too. `rules` varies
 * them for the experiments (scripts/experiments/count-fallback.ts, role-squad.ts, percent-rule.ts).
 */
export function readWithRules(context: ReadingContext, scorers: Scorers, rules: ReadingRules = {}): { reading: Omit<Reading, 'answerable' | 'sure'>; refused: boolean } {
  const { fallback = COUNT_FALLBACK, roles = true, shares = true } = rules;
  if (context.sentences.length === 0) return { reading: readContext(context, scorers), refused: true };
  const scored = scoreSentences(context, scorers);
  const described = withDescription(context, readScored(context, scorers, scored));
  const { reading, refused } = roles ? withRoleHolder(context, described) : { reading: described, refused: false };
  if (refused) return { reading: { ...reading, confidence: 0 }, refused: true };
  const best = context.sentences.find((view) => view.id === reading.sentences[0]?.sentence);
  if (!best || !lacksCount(context.question, best, shares)) return { reading, refused: false };
  const counted = countedInstead(context, reading, fallback, shares);
  if (counted === undefined) return { reading: { ...reading, confidence: 0 }, refused: true };
  return { reading: readScored(context, scorers, scored, undefined, counted), refused: false };
}

/**
 * The trained reader, its model loaded from a file (checked against the features this code computes on
 * first use). `threshold` overrides the model's calibrated answerability threshold as the one under which the
 * coverage doesn't say; `openThreshold` (by default the same, never above it) is that of a question asking for
 * an account rather than a fact; `sureThreshold` (by default that calibrated threshold, never under `threshold`)
 * is the one from which an answer is sure.
 */
export function loadReader(modelFile: string, threshold?: number, sureThreshold?: number, openThreshold?: number): Reader {
  const model: ReaderModel = loadReaderModel(modelFile);
  const minConfidence = threshold ?? model.threshold;
  const openConfidence = Math.min(openThreshold ?? minConfidence, minConfidence);
  const sureConfidence = Math.max(sureThreshold ?? model.threshold, minConfidence);
  const thresholdFor = (question: PreparedQuestion) => (asksForFact(question) ? minConfidence : openConfidence);
  const scorers = modelScorers(model);
  const reader: Reader = {
    threshold: minConfidence,
    openThreshold: openConfidence,
    thresholdFor,
    sureThreshold: sureConfidence,
    prepare: analyseQuestion,
    isWord: (word) => model.synonyms.isWord(word),
    readAhead(index, retrieved, until) {
      return readAhead(index, candidateSentences(index, retrieved), model.synonyms, until);
    },
    read(index, question, queryVector, retrieved) {
      return reader.readSentences(index, question, queryVector, candidateSentences(index, retrieved));
    },
    readSentences(index, question, queryVector, sentences) {
      const context = readingContext(index, question, queryVector, sentences, model.synonyms);
      const { reading, refused } = readWithRules(context, scorers);
      if (refused) return { ...reading, answerable: false, sure: false };
      return { ...reading, answerable: reading.confidence >= thresholdFor(context.question), sure: reading.confidence >= sureConfidence };
    },
  };
  return reader;
}
