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
import { EXPECTED_KINDS, namedByQuestion, sentenceView, type CandidateSentence, type ReadingContext, type SentenceView } from './context.js';
import { sentenceFeatures } from './sentence-features.js';
import { loadReaderModel, type ReaderModel } from './model.js';
import { readAhead, type ReadAhead } from './read-ahead.js';
import { withDescription } from './definition.js';
import { analyseQuestion, type QuestionAnalysis, type QuestionType } from './question.js';
import type { Candidate, CandidateKind } from './candidates.js';
import type { Synonyms } from './synonyms.js';

/** Retrieved chunks whose sentences the reader weighs. */
export const READ_CHUNKS = 10;

export interface ShortAnswer {
  /** An exact substring of the article. */
  text: string;
  articleId: string;
  /** Character offsets in the article text. */
  start: number;
  end: number;
  /** The span model's probability that this is the answer. */
  confidence: number;
}

export interface SentenceReading {
  /** Position in the index's sentence table. */
  sentence: number;
  /** The retrieved chunk it came from. */
  chunk: number;
  /** Probability that the sentence holds the answer. */
  score: number;
}

export interface Reading {
  /** Candidate sentences, best first. */
  sentences: SentenceReading[];
  /** The answer span inside the best sentence, when it has a candidate. */
  shortAnswer: ShortAnswer | null;
  /** Calibrated probability that the best sentence answers the question (0 when it lacks the count asked for: COUNTED). */
  confidence: number;
  /** Whether the confidence reaches the reader's threshold. */
  answerable: boolean;
  /** Whether it reaches the reader's sure threshold too: under it, the best sentences are the closest the coverage comes. */
  sure: boolean;
}

/**
 * A question as the reader has analysed it (its type, terms and tags), independent of the coverage: made
 * while the question is embedded, so that reading the retrieved sentences does not wait for it.
 */
export type PreparedQuestion = QuestionAnalysis;

export interface Reader {
  /** Confidence at or above which a question counts as answered. */
  readonly threshold: number;
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

/**
 * Questions asking for a count or a measure ("how many", "how far", "how long"): when the sentence the
 * reader chose holds no number of the kind asked for (one the question does not name already), the coverage
 * does not say, whatever the answerability model's confidence. On the SQuAD training split (in sample), the
 * chosen sentence of 4 % of these questions answered right lacks one, against 20 % of the unanswerable ones;
 * for the other types the kind of answer is too loosely tagged (a person, a place, a date, an amount:
 * 11-19 % of the right answers lack one) to refuse on it.
 */
export const COUNTED: ReadonlySet<QuestionType> = new Set(['howMany', 'howMeasure']);

/**
 * Measures of size, distance, speed or weight: a date never gives one ("how far is Vladivostok from North
 * Korea?" is not answered by "… arrived in Vladivostok on Monday"), where "how long / old / soon / often" may
 * be answered by one ("since 2019", "born in 1952").
 */
const SIZE_MEASURE = /^(far|big|large|tall|high|wide|deep|fast|heavy)$/;

/** The kinds of candidate that give the count or measure a question asks for. */
function countKinds(question: QuestionAnalysis): readonly CandidateKind[] {
  const kinds = EXPECTED_KINDS[question.type]!;
  return question.measure && SIZE_MEASURE.test(question.measure) ? kinds.filter((kind) => kind !== 'DATE') : kinds;
}

/** Whether a sentence lacks the count or measure the question asks for (false for the other question types). */
export function lacksCount(question: QuestionAnalysis, view: SentenceView): boolean {
  if (!COUNTED.has(question.type)) return false;
  const expected = countKinds(question);
  return !view.candidates.some((c) => expected.includes(c.kind) && namedByQuestion(view, c, question) < 0.5);
}

/**
 * Whether a question can have a short answer: not a yes/no question ("did Kim invite Putin to North Korea?" is
 * not answered by "President Vladimir Putin"), unless it offers alternatives ("… abstract or concrete?") or asks
 * whether there are any ("are there any regions where …?"). 19 of the SQuAD training split's 8,534 answerable
 * questions are yes/no questions without either, their gold answers mostly "no" or a clause.
 */
export function hasShortAnswer(question: QuestionAnalysis): boolean {
  return question.type !== 'yesNo' || /\bor\b/i.test(question.text) || /^\W*(is|are|was|were) there\b/i.test(question.text);
}

/**
 * Whether a candidate can be the short answer: not one made only of the question's own words ("Ukraine" for
 * "What does Putin say Ukraine's counteroffensive has achieved?"), unless the question offers alternatives.
 * 20 of the SQuAD training split's 8,534 answerable questions without "or" have such a gold answer.
 */
export function tellsSomething(question: QuestionAnalysis, view: SentenceView, candidate: Candidate): boolean {
  return /\bor\b/i.test(question.text) || namedByQuestion(view, candidate, question) < 1;
}

/**
 * Sentences after the best one that a count question may be answered from instead, when the best one lacks
 * the count or measure asked for: "How far is Vladivostok from North Korea?" was refused, its best sentence
 * "Mr Putin arrived in the far eastern city of Vladivostok on Monday", its second "… Vladivostok, a port city …
 * about 150km from North Korea". Chosen on the SQuAD training split's 920 count and measure questions asked
 * through the pipeline (`scripts/experiments/count-fallback.ts`; at the coverage's threshold, 0.035): looking at
 * the next sentence answered 83.7 → 85.8 % of the 667 answerable ones with the gold in the first quote, and
 * refused 23.3 → 15.4 % of the 253 unanswerable ones; looking further (2, 3, 5) gained no first quote and
 * refused fewer still (14.2, 12.6, 11.9 %).
 */
export const COUNT_FALLBACK = 1;

/**
 * The position in the context of the best-ranked sentence, among the `fallback` after the best one, that holds
 * the count or measure the question asks for; undefined when none does.
 */
export function countedInstead(context: ReadingContext, reading: Pick<Reading, 'sentences'>, fallback: number): number | undefined {
  for (const { sentence } of reading.sentences.slice(1, 1 + fallback)) {
    const at = context.sentences.findIndex((view) => view.id === sentence);
    if (!lacksCount(context.question, context.sentences[at]!)) return at;
  }
  return undefined;
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
  if (top !== undefined) {
    const candidate = best.candidates[top]!;
    const tokens = best.annotated.tokens;
    const start = best.start + tokens[candidate.first]!.start;
    const end = best.start + tokens[candidate.last]!.end;
    shortAnswer = { text: best.article.text.slice(start, end), articleId: best.article.id, start, end, confidence: spanScores[top]! };
  }
  return {
    sentences: order.map((i) => ({ sentence: context.sentences[i]!.id, chunk: context.sentences[i]!.chunk, score: scored.scores[i]! })),
    shortAnswer,
    confidence,
  };
}

/**
 * Reads a context with the models and the rules beside them: a question asking who or what someone is answered
 * by the sentence describing them (definition.ts); a count question read from the next sentence when the best
 * one lacks the number, and refused (confidence 0) when that one lacks it too. `fallback`: COUNT_FALLBACK
 * (scripts/experiments/count-fallback.ts tries others).
 */
export function readWithRules(context: ReadingContext, scorers: Scorers, fallback = COUNT_FALLBACK): { reading: Omit<Reading, 'answerable' | 'sure'>; refused: boolean } {
  if (context.sentences.length === 0) return { reading: readContext(context, scorers), refused: true };
  const scored = scoreSentences(context, scorers);
  const reading = withDescription(context, readScored(context, scorers, scored));
  const best = context.sentences.find((view) => view.id === reading.sentences[0]?.sentence);
  if (!best || !lacksCount(context.question, best)) return { reading, refused: false };
  const counted = countedInstead(context, reading, fallback);
  if (counted === undefined) return { reading: { ...reading, confidence: 0 }, refused: true };
  return { reading: readScored(context, scorers, scored, undefined, counted), refused: false };
}

/**
 * The trained reader, its model loaded from a file (checked against the features this code computes on
 * first use). `threshold` overrides the model's calibrated answerability threshold as the one under which the
 * coverage doesn't say; `sureThreshold` (by default that calibrated threshold, never under `threshold`) is the
 * one from which an answer is sure.
 */
export function loadReader(modelFile: string, threshold?: number, sureThreshold?: number): Reader {
  const model: ReaderModel = loadReaderModel(modelFile);
  const minConfidence = threshold ?? model.threshold;
  const sureConfidence = Math.max(sureThreshold ?? model.threshold, minConfidence);
  const scorers: Scorers = {
    sentence: (rows) => rows.map((row) => model.sentence.predict(row)),
    span: (rows) => rows.map((row) => model.span.predict(row)),
    answer: (row) => model.answer.predict(row),
  };
  const reader: Reader = {
    threshold: minConfidence,
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
      const { reading, refused } = readWithRules(readingContext(index, question, queryVector, sentences, model.synonyms), scorers);
      if (refused) return { ...reading, answerable: false, sure: false };
      return { ...reading, answerable: reading.confidence >= minConfidence, sure: reading.confidence >= sureConfidence };
    },
  };
  return reader;
}
