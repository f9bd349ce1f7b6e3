/**
 * The reader on news it was never trained or tuned on: NQ-UTD (Cocktail's "Natural Questions Up-To-Date",
 * ../shared/eval/SOURCES.md), 80 questions on late-2023 events with their published short answers, over 800
 * human-written news and web passages judged for each question (grades 0, 1, 2).
 *  - answerable: every question asked of the whole corpus through the pipeline: the first quote's passage
 *    judged relevant, the published answer inside the first quote (and the quotes), short-answer EM/F1;
 *  - near misses: every question asked again of the corpus without any passage judged relevant to any
 *    question, nor any passage holding a published answer: what is left is the same topics (each question has
 *    judged-irrelevant passages about its subject), without the fact, as in a near miss of the coverage.
 * Retrieval settings were chosen with NQ-UTD's nDCG among others (docs/EVALUATION.md); the reader never was.
 */
import path from 'node:path';
import type { Answer } from '../answer.js';
import { readJsonLines } from './datasets.js';
import { thresholdOf, type Thresholds } from './question-set.js';
import type { Judgments } from './metrics.js';
import { bestOverGold, exactMatch, f1Score, normalizeAnswer } from './squad.js';

export interface NewsQuestion {
  id: string;
  text: string;
  /** The published answer and the forms it may take in a text ("Seven" → "7", 0.687 → "68.7"). */
  answers: string[];
  /** Passages judged relevant (grade 1 or 2). */
  relevant: Set<string>;
}

const NUMBER_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'];

/** The forms a published answer may take in a passage. */
export function answerForms(answer: unknown): string[] {
  const forms = new Set<string>();
  if (typeof answer === 'number') {
    forms.add(String(answer));
    if (answer > 0 && answer < 1) forms.add(String(Math.round(answer * 1000) / 10)); // a share: 0.687 → 68.7 (%)
  } else if (typeof answer === 'string') {
    forms.add(answer);
    for (const part of answer.split(/\s+or\s+/)) forms.add(part);
    const word = NUMBER_WORDS.indexOf(answer.trim().toLowerCase());
    if (word >= 0) forms.add(String(word));
  }
  return [...forms].filter((f) => normalizeAnswer(f).length > 0);
}

/** Whether a text holds one of the answer's forms, both normalised as SQuAD normalises (whole words). */
export function holdsAnswerForm(text: string, forms: readonly string[]): boolean {
  const padded = ` ${normalizeAnswer(text)} `;
  return forms.some((form) => padded.includes(` ${normalizeAnswer(form)} `));
}

interface RawQuery {
  _id: string;
  text: string;
  metadata?: { answer?: unknown };
}

/** NQ-UTD's questions with their answers and judgments (`qrels` from the dataset loader). */
export async function readNewsQuestions(dir: string, qrels: Map<string, Judgments>): Promise<NewsQuestion[]> {
  return (await readJsonLines<RawQuery>(path.join(dir, 'queries.jsonl')))
    .map((q) => ({
      id: q._id,
      text: q.text,
      answers: answerForms(q.metadata?.answer),
      relevant: new Set([...(qrels.get(q._id) ?? new Map<string, number>())].filter(([, grade]) => grade > 0).map(([doc]) => doc)),
    }))
    .filter((q) => q.answers.length > 0 && q.relevant.size > 0);
}

/** The corpus lines (JSON Lines, one passage each) left for the near misses: no relevant passage, no answer. */
export function withheldCorpus(corpusLines: string[], questions: readonly NewsQuestion[]): string[] {
  const relevant = new Set(questions.flatMap((q) => [...q.relevant]));
  return corpusLines.filter((line) => {
    const passage = JSON.parse(line) as { _id: string; title?: string; text: string };
    return !relevant.has(passage._id) && !questions.some((q) => holdsAnswerForm(`${passage.title ?? ''} ${passage.text}`, q.answers));
  });
}

export interface NewsRun {
  question: NewsQuestion;
  /** Asked of the whole corpus, every question answered (thresholds are applied when scoring). */
  answer: Answer;
  /** Asked of the corpus without what answers it. */
  nearMiss: Answer;
  /** Whether a relevant passage holds the published answer in one of its forms (the quote metrics need it). */
  findable: boolean;
  /** Whether the question asks for a fact (asksForFact): the reader's threshold for it. */
  asksFact: boolean;
}

export interface NewsScores {
  threshold: number;
  /** All answerable questions: the first quote comes from a passage judged relevant (and is given). */
  firstPassageRelevant: number;
  /** Questions whose answer a relevant passage holds: the answer in the first quote, in one of the quotes. */
  answerInFirstQuote: number;
  answerInQuotes: number;
  /** Short answer against the published one, over all the answerable questions; a refusal scores 0. */
  shortExact: number;
  shortF1: number;
  answered: number;
  nearMissesRefused: number;
}

export function scoreNews(runs: readonly NewsRun[], thresholds: Thresholds): NewsScores {
  const given = (r: NewsRun, a: Answer) => a.found && a.confidence >= thresholdOf(r.asksFact, thresholds);
  const findable = runs.filter((r) => r.findable);
  const inQuotes = (r: NewsRun, n: number) => given(r, r.answer) && r.answer.passages.slice(0, n).some((p) => holdsAnswerForm(p.quote, r.question.answers));
  const share = (n: number, total: number) => (total === 0 ? 0 : n / total);
  const mean = (xs: number[]) => share(xs.reduce((a, b) => a + b, 0), xs.length);
  const short = (r: NewsRun) => (given(r, r.answer) ? (r.answer.shortAnswer?.text ?? r.answer.passages[0]?.quote ?? '') : '');
  return {
    threshold: thresholds.fact,
    firstPassageRelevant: share(runs.filter((r) => given(r, r.answer) && r.question.relevant.has(r.answer.passages[0]?.articleId ?? '')).length, runs.length),
    answerInFirstQuote: share(findable.filter((r) => inQuotes(r, 1)).length, findable.length),
    answerInQuotes: share(findable.filter((r) => inQuotes(r, 3)).length, findable.length),
    shortExact: mean(runs.map((r) => (given(r, r.answer) ? bestOverGold(exactMatch, short(r), r.question.answers) : 0))),
    shortF1: mean(runs.map((r) => (given(r, r.answer) ? bestOverGold(f1Score, short(r), r.question.answers) : 0))),
    answered: share(runs.filter((r) => given(r, r.answer)).length, runs.length),
    nearMissesRefused: share(runs.filter((r) => !given(r, r.nearMiss)).length, runs.length),
  };
}
