/**
 * The reader on SQuAD's test articles (src/eval/squad.ts TEST_ARTICLES, never trained or tuned on), in the
 * two settings the evaluation reports:
 *  - paragraph given (the SQuAD setting): the reader weighs the sentences of the question's own
 *    paragraph; EM/F1 with the official normalisation, answer-sentence accuracy, and for SQuAD 2.0 the
 *    scores with abstention (HasAns F1, NoAns accuracy, overall EM/F1);
 *  - open corpus: the test articles indexed as a corpus, every question asked through the whole pipeline
 *    (retrieval, reader, answer): gold answer in the first quote, short-answer EM/F1, answered share of
 *    answerable questions, refused share of unanswerable ones.
 */
import type { Answer } from '../answer.js';
import type { RetrievalMode } from '../config.js';
import type { Embedder } from '../embedder.js';
import type { IndexSnapshot } from '../index/store.js';
import { answerQuestion } from '../answer-question.js';
import type { CandidateSentence } from '../reader/context.js';
import type { Reader } from '../reader/reader.js';
import { holdsAnswer, type IndexedQuestion } from './cached-index.js';
import { bestOverGold, exactMatch, f1Score, squadScores, type SquadScores } from './squad.js';

export interface ParagraphScores {
  questions: number;
  /** The first sentence holds a gold answer (answerable questions). */
  sentenceAccuracy: number;
  /** Scores when the reader always answers (SQuAD 1.1 style, answerable questions only). */
  alwaysAnswer: { exact: number; f1: number };
  /** Each answerable question's scores when always answering (0/1 EM, F1 in 0–1), for intervals (articleInterval). */
  answered: { question: IndexedQuestion; exact: number; f1: number }[];
  /** Scores with abstention at the reader's threshold (SQuAD 2.0 style). */
  withAbstention: SquadScores;
}

/** The sentences of a question's own paragraph, as the reader's candidates. */
function paragraphSentences(index: IndexSnapshot, question: IndexedQuestion): CandidateSentence[] {
  const out: CandidateSentence[] = [];
  index.sentences.forEach((s, id) => {
    if (s.articleId !== question.articleId || s.start < question.paragraphStart || s.end > question.paragraphEnd) return;
    const chunk = index.chunks.findIndex((c) => c.articleId === s.articleId && c.firstSentence <= id && id < c.firstSentence + c.sentenceCount);
    out.push({ id, chunk, chunkRank: 0, articleRank: 0 });
  });
  return out;
}

const golds = (q: IndexedQuestion) => q.documentAnswers.map((a) => a.text);

/** `threshold`: the confidence at which the reader abstains in the SQuAD 2.0 scores. */
export async function paragraphGiven(reader: Reader, embedder: Embedder, index: IndexSnapshot, questions: IndexedQuestion[], threshold: number): Promise<ParagraphScores> {
  const rows: { prediction: string; golds: string[]; impossible: boolean }[] = [];
  const always: { question: IndexedQuestion; exact: number; f1: number }[] = [];
  const sentenceHits: boolean[] = [];
  for (const q of questions) {
    const vector = await embedder.embedQuery(q.question);
    const reading = reader.readSentences(index, q.question, vector, paragraphSentences(index, q));
    // With no candidate span in it, the best sentence itself is the answer given (never '', which would
    // count as a refusal).
    const best = reading.sentences[0];
    const sentence = best ? index.articles.get(index.sentences[best.sentence]!.articleId)!.text.slice(index.sentences[best.sentence]!.start, index.sentences[best.sentence]!.end) : '';
    const span = reading.shortAnswer?.text ?? sentence;
    if (!q.impossible) {
      always.push({ question: q, exact: bestOverGold(exactMatch, span, golds(q)), f1: bestOverGold(f1Score, span, golds(q)) });
      sentenceHits.push(reading.sentences.length > 0 && holdsAnswer(index, reading.sentences[0]!.sentence, q));
    }
    rows.push({ prediction: reading.sentences.length > 0 && reading.confidence >= threshold ? span : '', golds: golds(q), impossible: q.impossible });
  }
  const mean = (xs: number[]) => (xs.length === 0 ? 0 : (100 * xs.reduce((a, b) => a + b, 0)) / xs.length);
  return {
    questions: questions.length,
    sentenceAccuracy: mean(sentenceHits.map(Number)),
    alwaysAnswer: { exact: mean(always.map((a) => a.exact)), f1: mean(always.map((a) => a.f1)) },
    answered: always,
    withAbstention: squadScores(rows),
  };
}

export interface OpenCorpusRun {
  question: IndexedQuestion;
  answer: Answer;
}

/** Every question through the pipeline's own path, collected with no threshold applied. */
export async function askAll(reader: Reader, embedder: Embedder, index: IndexSnapshot, questions: IndexedQuestion[], mode: RetrievalMode = 'hybrid'): Promise<OpenCorpusRun[]> {
  const runs: OpenCorpusRun[] = [];
  for (const question of questions) {
    runs.push({ question, answer: await answerQuestion({ index, embedder, reader }, question.question, { mode, passages: 3, answerAll: true }) });
  }
  return runs;
}

export interface OpenCorpusScores {
  threshold: number;
  /** Answerable questions whose first quote holds a gold answer (whatever the threshold: refused ones too). */
  goldInFirstQuote: number;
  /** Answerable questions answered at the threshold whose first quote holds a gold answer (a refusal is a miss): what a user sees. */
  goldInFirstQuoteGiven: number;
  goldInQuotes: number;
  /** Short answers against the gold, over the answerable questions; a refusal scores 0. */
  shortExact: number;
  shortF1: number;
  answerableAnswered: number;
  unanswerableRefused: number;
  /** All questions, SQuAD 2.0 style (a refusal is right on an unanswerable question). */
  overall: SquadScores;
}

type OpenCorpusFigure = Exclude<keyof OpenCorpusScores, 'threshold' | 'overall'>;

/**
 * One question's part of the open-corpus figures at a threshold, each in 0–100 (absent: a figure that does not count
 * it, the answerable ones for an unanswerable question and the other way round), and the answer it gives ('' refused).
 */
export function openCorpusParts(r: OpenCorpusRun, threshold: number): { prediction: string } & Partial<Record<OpenCorpusFigure, number>> {
  const answered = r.answer.found && r.answer.confidence >= threshold;
  const prediction = answered ? (r.answer.shortAnswer?.text ?? r.answer.passages[0]!.quote) : '';
  if (r.question.impossible) return { prediction, unanswerableRefused: answered ? 0 : 100 };
  const inQuote = (n: number) =>
    r.answer.passages.slice(0, n).some((p) => p.articleId === r.question.articleId && r.question.documentAnswers.some((a) => a.start >= p.quoteStart && a.end <= p.quoteEnd));
  const percent = (yes: boolean) => (yes ? 100 : 0);
  return {
    prediction,
    goldInFirstQuote: percent(inQuote(1)),
    goldInFirstQuoteGiven: percent(answered && inQuote(1)),
    goldInQuotes: percent(inQuote(3)),
    shortExact: 100 * bestOverGold(exactMatch, prediction, golds(r.question)),
    shortF1: 100 * bestOverGold(f1Score, prediction, golds(r.question)),
    answerableAnswered: percent(answered),
  };
}

export function scoreOpenCorpus(runs: OpenCorpusRun[], threshold: number): OpenCorpusScores {
  const parts = runs.map((r) => openCorpusParts(r, threshold));
  const mean = (figure: OpenCorpusFigure) => {
    const values = parts.map((p) => p[figure]).filter((v): v is number => v !== undefined);
    return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
  };
  return {
    threshold,
    goldInFirstQuote: mean('goldInFirstQuote'),
    goldInFirstQuoteGiven: mean('goldInFirstQuoteGiven'),
    goldInQuotes: mean('goldInQuotes'),
    shortExact: mean('shortExact'),
    shortF1: mean('shortF1'),
    answerableAnswered: mean('answerableAnswered'),
    unanswerableRefused: mean('unanswerableRefused'),
    overall: squadScores(runs.map((r, i) => ({ prediction: parts[i]!.prediction, golds: golds(r.question), impossible: r.question.impossible }))),
  };
}

/**
 * A 95 % interval of a mean over questions, by resampling their articles with replacement (`draws` times, a fixed
 * seed): with 10 test articles, how far a figure could move on other articles like them. `value` gives a question's
 * part of the mean (a percentage, or an F1 in 0–100), or undefined for a question the figure does not count.
 */
export function articleInterval<T extends { question: { articleId: string } }>(runs: readonly T[], value: (run: T) => number | undefined, draws = 1000): [number, number] {
  // Per article: the sum of its values and how many it counts.
  const byArticle = new Map<string, { sum: number; count: number }>();
  for (const run of runs) {
    const v = value(run);
    if (v === undefined) continue;
    const totals = byArticle.get(run.question.articleId) ?? { sum: 0, count: 0 };
    totals.sum += v;
    totals.count++;
    byArticle.set(run.question.articleId, totals);
  }
  const articles = [...byArticle.values()];
  // mulberry32, seeded: the same interval at every run.
  let seed = 20261204;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const means = Array.from({ length: draws }, () => {
    let sum = 0;
    let count = 0;
    for (let i = 0; i < articles.length; i++) {
      const drawn = articles[Math.floor(random() * articles.length)]!;
      sum += drawn.sum;
      count += drawn.count;
    }
    return count === 0 ? 0 : sum / count;
  }).sort((a, b) => a - b);
  return [means[Math.floor(0.025 * (draws - 1))]!, means[Math.ceil(0.975 * (draws - 1))]!];
}
