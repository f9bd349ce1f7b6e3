/**
 * Scores the pipeline on the hand-written question set about the shipped corpus: a question is a hit at
 * rank n when one of its first n passages overlaps the evidence its answer must quote; off-topic
 * questions must be refused. Answers are collected with no evidence threshold, so any threshold can be
 * applied afterwards (calibration) without asking again.
 */
import { readFileSync } from 'node:fs';
import type { Answer } from '../answer.js';
import type { Article } from '../corpus/types.js';

export interface AnswerableQuestion {
  id: string;
  question: string;
  evidence: string[];
  file: string;
  story: string | null;
}

export interface QuestionSet {
  answerable: AnswerableQuestion[];
  offTopic: { id: string; question: string }[];
}

export function readQuestionSet(file: string): QuestionSet {
  return JSON.parse(readFileSync(file, 'utf8')) as QuestionSet;
}

/** Where each evidence string stands in the corpus (it may stand in several articles). */
const topScore = (answer: Answer) => Math.max(0, ...answer.passages.map((p) => p.score));

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

/**
 * Rank (1-based) of the first passage, at or above the threshold, that holds at least half of an evidence
 * span: in its chunk (the passage), or in its quote (what a user reads first).
 */
export function hitRank(answer: Answer, spans: ReturnType<typeof locateEvidence>, articles: Map<string, Article>, threshold: number, within: 'chunk' | 'quote' = 'chunk'): number | undefined {
  if (topScore(answer) < threshold) return undefined;
  const passages = answer.passages.filter((p) => p.score >= topScore(answer) * 0.6);
  for (const [i, passage] of passages.entries()) {
    let start = passage.quoteStart;
    let end = passage.quoteEnd;
    if (within === 'chunk') {
      start = articles.get(passage.articleId)!.text.indexOf(passage.text, Math.max(0, passage.quoteStart - passage.text.length));
      end = start + passage.text.length;
    }
    if (spans.some((s) => s.articleId === passage.articleId && Math.min(end, s.end) - Math.max(start, s.start) >= (s.end - s.start) / 2)) return i + 1;
  }
  return undefined;
}

export interface QuestionSetScores {
  threshold: number;
  hitAt1: number;
  hitAt3: number;
  /** Hit at 3 counted on the quotes alone. */
  quoteHitAt3: number;
  /** Answerable questions answered (found) at this threshold. */
  answered: number;
  refusedOffTopic: number;
  /** Extra off-corpus questions (e.g. SQuAD) refused, when given. */
  refusedExtra?: number;
  misses: string[];
  /** Off-topic questions answered anyway. */
  unrefused: string[];
}

export interface CollectedAnswers {
  answerable: { question: AnswerableQuestion; answer: Answer; spans: ReturnType<typeof locateEvidence> }[];
  offTopic: { question: { id: string }; answer: Answer }[];
  extraNegatives: Answer[];
}


export function scoreAt(collected: CollectedAnswers, articles: Map<string, Article>, threshold: number): QuestionSetScores {
  const ranks = collected.answerable.map(({ answer, spans }) => hitRank(answer, spans, articles, threshold));
  const quoteRanks = collected.answerable.map(({ answer, spans }) => hitRank(answer, spans, articles, threshold, 'quote'));
  const share = (n: number, total: number) => (total === 0 ? 0 : n / total);
  return {
    threshold,
    hitAt1: share(ranks.filter((r) => r === 1).length, ranks.length),
    hitAt3: share(ranks.filter((r) => r !== undefined && r <= 3).length, ranks.length),
    quoteHitAt3: share(quoteRanks.filter((r) => r !== undefined && r <= 3).length, ranks.length),
    answered: share(collected.answerable.filter(({ answer }) => topScore(answer) >= threshold).length, ranks.length),
    refusedOffTopic: share(collected.offTopic.filter(({ answer }) => topScore(answer) < threshold).length, collected.offTopic.length),
    refusedExtra: collected.extraNegatives.length
      ? share(collected.extraNegatives.filter((a) => topScore(a) < threshold).length, collected.extraNegatives.length)
      : undefined,
    misses: collected.answerable.filter((_, i) => ranks[i] === undefined || ranks[i]! > 3).map(({ question }) => question.id),
    unrefused: collected.offTopic.filter(({ answer }) => topScore(answer) >= threshold).map(({ question }) => question.id),
  };
}
