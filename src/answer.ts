/**
 * Ranked chunks → the answer: the best distinct passages, the sentences in each that best answer the
 * question (exact substrings of the article), a short reply with [n] citations, and the sources. When no
 * passage holds real evidence, the answer says the coverage doesn't say, and quotes nothing.
 */
import type { Article } from './corpus/types.js';
import { LexicalIndex } from './index/lexical-index.js';
import type { ChunkRecord, IndexSnapshot } from './index/store.js';
import type { RetrievedChunk } from './retrieve.js';

export interface Passage {
  rank: number;
  articleId: string;
  title: string;
  /** The sentences that best answer the question: an exact substring of the article text. */
  quote: string;
  /** The whole chunk the quote was taken from. */
  text: string;
  /** The label of that chunk in the index the answer came from. */
  chunk: number;
  /** Evidence score of the passage, 0 to 1: the quote's meaning and the passage's share of the question's words. */
  score: number;
  /** Character offsets of the quote in the article text. */
  quoteStart: number;
  quoteEnd: number;
}

export interface Source {
  articleId: string;
  title: string;
  outlet?: string;
  author?: string;
  url?: string;
  published?: string;
}

export interface Answer {
  question: string;
  found: boolean;
  answer: string;
  passages: Passage[];
  sources: Source[];
}

export interface AnswerOptions {
  passages: number;
  /** Evidence score under which a passage does not count as an answer. */
  minEvidenceScore: number;
}

export const NOT_FOUND_ANSWER = "The coverage doesn't say: none of the articles answers that question.";

/** Weight of meaning (sentence-vector similarity) against words (IDF-weighted term coverage). */
const DENSE_WEIGHT = 0.65;
/** A neighbouring sentence joins the quote when it scores at least this share of the best one. */
const NEIGHBOUR_SHARE = 0.85;
const MAX_QUOTE_SENTENCES = 2;
/** Candidates weighed for each passage shown. */
const CANDIDATES_PER_PASSAGE = 3;
/** Passages shown must hold at least this share of the best passage's evidence. */
const RELATIVE_EVIDENCE = 0.6;

/** Evidence kept by a sentence that lacks the kind of answer the question asks for. */
const WRONG_TYPE_FACTOR = 0.6;
const NUMBER =
  /\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|(thir|four|fif|six|seven|eigh|nine)teen|(twen|thir|for|fif|six|seven|eigh|nine)ty|dozens?|hundreds?|thousands?|millions?|billions?|half|several|few)\b/i;
const TIME =
  /\d|\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|today|yesterday|tomorrow|week|month|year|ago|earlier|later|last|next|since|until|before|after)\b/i;

/** A year, told by the word before it: "in 2017" says when, not how many ("2000 troops" stays a number). */
const YEAR = /\b(in|since|by|until|from|of|to|before|after|as|during|early|late|mid|January|February|March|April|May|June|July|August|September|October|November|December)[\s-]+(1[89]|20)\d\d\b/gi;

/** Whether a text holds the kind of answer a question asks for. */
export type AnswerType = (text: string) => boolean;

/**
 * The kind of answer a question asks for, when it is easy to tell: "how many/much" wants a quantity,
 * "when/what year" a time. A quote without one does not answer such a question, however related it is.
 */
export function expectedAnswerType(question: string): AnswerType | undefined {
  if (/^\s*how (many|much)\b/i.test(question)) return (text) => NUMBER.test(text.replace(YEAR, ''));
  if (/^\s*how (long|far|old)\b/i.test(question)) return (text) => NUMBER.test(text);
  if (/^\s*(when|what (year|date|day|month|time))\b/i.test(question)) return (text) => TIME.test(text);
  return undefined;
}

function dot(a: Float32Array, b: Float32Array, offset: number): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[offset + i]!;
  return sum;
}

/** Share of the question's information (IDF mass of its terms) that a text contains. */
export function termCoverage(index: IndexSnapshot, questionTerms: string[], text: string): number {
  if (questionTerms.length === 0) return 0;
  const present = new Set(LexicalIndex.terms(text));
  let total = 0;
  let covered = 0;
  for (const term of new Set(questionTerms)) {
    const weight = index.lexical.idf(term);
    total += weight;
    if (present.has(term)) covered += weight;
  }
  return covered / total;
}

interface ScoredQuote {
  start: number;
  end: number;
  /** Combined sentence score of the best sentence. */
  score: number;
  /** Its similarity in meaning to the question. */
  meaning: number;
  /** 1 when the quote holds the kind of answer the question asks for (or any will do), else a penalty. */
  typeFactor: number;
}

/** Scores each sentence of a chunk; the best (with a strong neighbour) becomes the quote. */
function selectQuote(
  index: IndexSnapshot,
  chunk: ChunkRecord,
  article: Article,
  questionTerms: string[],
  queryVector: Float32Array,
  answerType: AnswerType | undefined,
): ScoredQuote {
  const dimension = index.manifest.model.dimension;
  const scored = Array.from({ length: chunk.sentenceCount }, (_, i) => {
    const id = chunk.firstSentence + i;
    const sentence = index.sentences[id]!;
    const meaning = Math.max(0, dot(queryVector, index.sentenceVectors, id * dimension));
    const text = article.text.slice(sentence.start, sentence.end);
    const words = termCoverage(index, questionTerms, text);
    const typeFactor = answerType && !answerType(text) ? WRONG_TYPE_FACTOR : 1;
    return { start: sentence.start, end: sentence.end, meaning, typeFactor, score: typeFactor * (DENSE_WEIGHT * meaning + (1 - DENSE_WEIGHT) * words) };
  });
  let best = 0;
  scored.forEach((s, i) => {
    if (s.score > scored[best]!.score) best = i;
  });
  let first = best;
  let last = best;
  while (last - first + 1 < MAX_QUOTE_SENTENCES) {
    const before = scored[first - 1];
    const after = scored[last + 1];
    const pick = (after?.score ?? -1) >= (before?.score ?? -1) ? after : before;
    if (!pick || pick.score < NEIGHBOUR_SHARE * scored[best]!.score) break;
    // A quote stays within one paragraph.
    if (article.text.slice(Math.min(pick.end, scored[first]!.start), Math.max(pick.start, scored[last]!.end)).includes('\n')) break;
    if (pick === after) last++;
    else first--;
  }
  const quoteHasType = scored.slice(first, last + 1).some((sentence) => sentence.typeFactor === 1);
  return { start: scored[first]!.start, end: scored[last]!.end, score: scored[best]!.score, meaning: scored[best]!.meaning, typeFactor: quoteHasType ? 1 : WRONG_TYPE_FACTOR };
}

/** Ends a quote's citation inside its sentence: `… the train [1].` */
function cite(quote: string, n: number): string {
  const match = /([.!?…]["”’)]*)$/.exec(quote);
  return match ? `${quote.slice(0, match.index)} [${n}]${match[1]}` : `${quote} [${n}]`;
}

export function buildAnswer(
  index: IndexSnapshot,
  question: string,
  queryVector: Float32Array,
  retrieved: RetrievedChunk[],
  options: AnswerOptions,
): Answer {
  const questionTerms = LexicalIndex.terms(question);
  const answerType = expectedAnswerType(question);
  // Distinct candidates, a few more than will be shown, each with its best quote and evidence score.
  const candidates: { label: number; chunk: ChunkRecord; article: Article; quote: ScoredQuote; evidence: number }[] = [];
  for (const hit of retrieved) {
    if (candidates.length >= options.passages * CANDIDATES_PER_PASSAGE) break;
    const chunk = index.chunks[hit.label]!;
    const article = index.articles.get(chunk.articleId)!;
    const quote = selectQuote(index, chunk, article, questionTerms, queryVector, answerType);
    const context = `${article.title}\n${article.text.slice(chunk.start, chunk.end)}`;
    const evidence = quote.typeFactor * (DENSE_WEIGHT * quote.meaning + (1 - DENSE_WEIGHT) * termCoverage(index, questionTerms, context));
    const candidate = { label: hit.label, chunk, article, quote, evidence };
    // Neighbouring chunks share a sentence, so two may pick the same quote: it stays once, with the
    // better-scored of the two chunks.
    const same = candidates.findIndex((c) => c.article === article && c.quote.start < quote.end && quote.start < c.quote.end);
    if (same < 0) candidates.push(candidate);
    else if (evidence > candidates[same]!.evidence) candidates[same] = candidate;
  }
  candidates.sort((a, b) => b.evidence - a.evidence);
  const best = candidates[0]?.evidence ?? 0;
  if (candidates.length === 0 || best < options.minEvidenceScore) return { question, found: false, answer: NOT_FOUND_ANSWER, passages: [], sources: [] };
  const chosen = candidates.filter((c) => c.evidence >= best * RELATIVE_EVIDENCE).slice(0, options.passages);

  const passages: Passage[] = chosen.map(({ label, chunk, article, quote, evidence }, i) => ({
    rank: i + 1,
    articleId: article.id,
    title: article.title,
    quote: article.text.slice(quote.start, quote.end),
    text: article.text.slice(chunk.start, chunk.end),
    chunk: label,
    score: Number(evidence.toFixed(4)),
    quoteStart: quote.start,
    quoteEnd: quote.end,
  }));
  const sources = [...new Map(chosen.map(({ article }) => [article.id, article])).values()].map((a) => ({
    articleId: a.id,
    title: a.title,
    outlet: a.outlet,
    author: a.author,
    url: a.url,
    published: a.published,
  }));
  const distinctQuotes = passages.filter((p, i) => passages.findIndex((q) => q.quote === p.quote) === i);
  const answer = distinctQuotes.map((p) => cite(p.quote, p.rank)).join(' ');
  return { question, found: true, answer, passages, sources };
}
