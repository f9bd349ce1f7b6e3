/**
 * Scores the pipeline on the hand-written question set about the shipped corpus: a question is a hit at
 * rank n when one of its first n passages overlaps the evidence its answer must quote; off-topic
 * questions must be refused. Answers are collected with no evidence threshold, so any threshold can be
 * applied afterwards (calibration) without asking again.
 */
import { readFileSync } from 'node:fs';
import type { Answer } from '../answer.js';
import type { Article } from '../corpus/types.js';
import type { Vocabulary } from '../index/spelling.js';
import { searchedText } from '../answer-question.js';
import { asksForFact } from '../reader/question.js';
import type { Reader } from '../reader/reader.js';

export interface AnswerableQuestion {
  id: string;
  question: string;
  evidence: string[];
  file: string;
  story: string | null;
}

export interface OffTopicQuestion {
  id: string;
  question: string;
  /** A near miss asks about covered people or events for a fact the coverage lacks; off-topic is unrelated. */
  kind: 'near-miss' | 'off-topic';
}

export interface QuestionSet {
  answerable: AnswerableQuestion[];
  offTopic: OffTopicQuestion[];
}

export function readQuestionSet(file: string): QuestionSet {
  return JSON.parse(readFileSync(file, 'utf8')) as QuestionSet;
}

/** Whether an answer collected with every question answered would be given at a confidence threshold. */
const answeredAt = (answer: Answer, threshold: number) => answer.found && answer.confidence >= threshold;

/**
 * The reader's two thresholds, as a sweep varies them: `fact` for questions asking for a fact (a name, number,
 * date, place), `open` for those asking for an account (why, how, yes or no: Reader.openThreshold), never above `fact`.
 */
export interface Thresholds {
  fact: number;
  open: number;
}
/** The threshold a question's answer must reach. */
export const thresholdOf = (asksFact: boolean, thresholds: Thresholds) => (asksFact ? thresholds.fact : Math.min(thresholds.open, thresholds.fact));

/** An answer collected with every question answered, with whether its question asks for a fact (asksForFact). */
export interface Asked {
  answer: Answer;
  asksFact: boolean;
}
/** Whether a question, read as the pipeline reads it (searchedText), asks for a fact. */
export const asksFactOf = (vocabulary: Vocabulary, reader: Reader, question: string) => asksForFact(reader.prepare(searchedText(vocabulary, question, reader.isWord).text));
/** The reader's own thresholds. */
export const readerThresholds = (reader: Reader): Thresholds => ({ fact: reader.threshold, open: reader.openThreshold });
const given = (asked: Asked, thresholds: Thresholds) => answeredAt(asked.answer, thresholdOf(asked.asksFact, thresholds));

/** Where each evidence string stands in the corpus (it may stand in several articles). */
export function locateEvidence(evidence: string[], articles: Iterable<Article>): { articleId: string; start: number; end: number }[] {
  const spans: { articleId: string; start: number; end: number }[] = [];
  for (const article of articles) {
    for (const text of evidence) {
      for (let at = article.text.indexOf(text); at >= 0; at = article.text.indexOf(text, at + 1)) {
        spans.push({ articleId: article.id, start: at, end: at + text.length });
      }
    }
  }
  return spans;
}

/** Whether the text from `start` to `end` of an article holds at least half of one of the evidence spans. */
export function holdsEvidence(spans: ReturnType<typeof locateEvidence>, articleId: string, start: number, end: number): boolean {
  return spans.some((s) => s.articleId === articleId && Math.min(end, s.end) - Math.max(start, s.start) >= (s.end - s.start) / 2);
}

/**
 * Rank (1-based) of the first passage, at or above the threshold, that holds at least half of an evidence
 * span: in its chunk (the passage), or in its quote (what a user reads first).
 */
export function hitRank(answer: Answer, spans: ReturnType<typeof locateEvidence>, articles: ReadonlyMap<string, Article>, threshold: number, within: 'chunk' | 'quote' = 'chunk'): number | undefined {
  if (!answeredAt(answer, threshold)) return undefined;
  for (const [i, passage] of answer.passages.entries()) {
    let start = passage.quoteStart;
    let end = passage.quoteEnd;
    if (within === 'chunk') {
      start = articles.get(passage.articleId)!.text.indexOf(passage.text, Math.max(0, passage.quoteStart - passage.text.length));
      end = start + passage.text.length;
    }
    if (holdsEvidence(spans, passage.articleId, start, end)) return i + 1;
  }
  return undefined;
}

export interface QuestionSetScores {
  /** The threshold of questions asking for a fact (the swept one). */
  threshold: number;
  hitAt1: number;
  hitAt3: number;
  /** Hits counted on the quotes alone: the first quote, and any of the first three. */
  quoteHitAt1: number;
  quoteHitAt3: number;
  /** Answerable questions answered (found) at this threshold. */
  answered: number;
  refusedNearMiss: number;
  refusedOffTopic: number;
  /** Extra off-corpus questions (e.g. SQuAD) refused, when given. */
  refusedExtra?: number;
  misses: string[];
  /** Near misses and off-topic questions answered anyway. */
  unrefused: string[];
}

export interface CollectedAnswers {
  answerable: (Asked & { question: AnswerableQuestion; spans: ReturnType<typeof locateEvidence> })[];
  offTopic: (Asked & { question: OffTopicQuestion })[];
  extraNegatives: Asked[];
}

export function scoreAt(collected: CollectedAnswers, articles: ReadonlyMap<string, Article>, thresholds: Thresholds): QuestionSetScores {
  const ranks = collected.answerable.map((a) => hitRank(a.answer, a.spans, articles, thresholdOf(a.asksFact, thresholds)));
  const quoteRanks = collected.answerable.map((a) => hitRank(a.answer, a.spans, articles, thresholdOf(a.asksFact, thresholds), 'quote'));
  const share = (n: number, total: number) => (total === 0 ? 0 : n / total);
  const within = (list: (number | undefined)[], k: number) => share(list.filter((r) => r !== undefined && r <= k).length, list.length);
  const refused = (kind: OffTopicQuestion['kind']) => {
    const asked = collected.offTopic.filter(({ question }) => question.kind === kind);
    return share(asked.filter((a) => !given(a, thresholds)).length, asked.length);
  };
  return {
    threshold: thresholds.fact,
    hitAt1: within(ranks, 1),
    hitAt3: within(ranks, 3),
    quoteHitAt1: within(quoteRanks, 1),
    quoteHitAt3: within(quoteRanks, 3),
    answered: share(collected.answerable.filter((a) => given(a, thresholds)).length, ranks.length),
    refusedNearMiss: refused('near-miss'),
    refusedOffTopic: refused('off-topic'),
    refusedExtra: collected.extraNegatives.length
      ? share(collected.extraNegatives.filter((a) => !given(a, thresholds)).length, collected.extraNegatives.length)
      : undefined,
    misses: collected.answerable.filter((_, i) => ranks[i] === undefined || ranks[i]! > 3).map(({ question }) => question.id),
    unrefused: collected.offTopic.filter((a) => given(a, thresholds)).map(({ question }) => question.id),
  };
}
