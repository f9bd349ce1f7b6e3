/**
 * The reader's verdict → the answer: the best sentences as quotes (exact substrings of their articles),
 * the short answer, a reply with [n] citations, and the sources. When the reader is not confident that
 * the coverage answers the question, the answer says the coverage doesn't say, and quotes nothing.
 */
import type { Article } from './corpus/types.js';
import type { IndexSnapshot } from './index/store.js';
import type { Reading, ShortAnswer } from './reader/reader.js';

export type { ShortAnswer } from './reader/reader.js';

export interface Passage {
  rank: number;
  articleId: string;
  title: string;
  /** The sentence that best answers the question from this passage: an exact substring of the article. */
  quote: string;
  /** The whole chunk the quote was taken from. */
  text: string;
  /** The label of that chunk in the index the answer came from. */
  chunk: number;
  /** The reader's probability that the quote holds the answer, 0 to 1. */
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
  /** The question as it was read, when misspelt words were corrected ("vladivostock" → "vladivostok"). */
  readAs?: string;
  found: boolean;
  /** The reader's calibrated confidence that the first quote answers the question, 0 to 1. */
  confidence: number;
  /** The answer itself, inside the first quote, when the reader could single it out. */
  shortAnswer: ShortAnswer | null;
  answer: string;
  passages: Passage[];
  sources: Source[];
}

export interface AnswerOptions {
  passages: number;
  /** Whether to answer even when the reader is not confident (evaluation collects every answer this way). */
  answerAll?: boolean;
}

export const NOT_FOUND_ANSWER = "The coverage doesn't say: none of the articles answers that question.";

/** Ends a quote's citation inside its sentence: `… the train [1].` */
function cite(quote: string, n: number): string {
  const match = /([.!?…]["”’)]*)$/.exec(quote);
  return match ? `${quote.slice(0, match.index)} [${n}]${match[1]}` : `${quote} [${n}]`;
}

export function buildAnswer(index: IndexSnapshot, question: string, reading: Reading, options: AnswerOptions): Answer {
  const { confidence } = reading;
  if (reading.sentences.length === 0 || (!reading.answerable && !options.answerAll)) {
    return { question, found: false, confidence, shortAnswer: null, answer: NOT_FOUND_ANSWER, passages: [], sources: [] };
  }
  // The best sentences, one per chunk. (Dropping those the reader rates far below the first was measured:
  // keeping only those at a fifth of the first's score cost the tuning set 4 points of hit@3 and 12 of quote
  // hit@3, since the reader's scores on news are less sure than on SQuAD.)
  const chosen: { sentence: number; chunk: number; score: number; article: Article }[] = [];
  const chunks = new Set<number>();
  for (const read of reading.sentences) {
    if (chosen.length >= options.passages) break;
    if (chunks.has(read.chunk)) continue;
    chunks.add(read.chunk);
    chosen.push({ ...read, article: index.articles.get(index.sentences[read.sentence]!.articleId)! });
  }
  const passages: Passage[] = chosen.map(({ sentence, chunk, score, article }, i) => {
    const { start, end } = index.sentences[sentence]!;
    const record = index.chunks[chunk]!;
    return {
      rank: i + 1,
      articleId: article.id,
      title: article.title,
      quote: article.text.slice(start, end),
      text: article.text.slice(record.start, record.end),
      chunk,
      score: Number(score.toFixed(4)),
      quoteStart: start,
      quoteEnd: end,
    };
  });
  const sources = [...new Map(chosen.map(({ article }) => [article.id, article])).values()].map((a) => ({
    articleId: a.id,
    title: a.title,
    outlet: a.outlet,
    author: a.author,
    url: a.url,
    published: a.published,
  }));
  const answer = passages.map((p) => cite(p.quote, p.rank)).join(' ');
  return { question, found: true, confidence, shortAnswer: reading.shortAnswer, answer, passages, sources };
}
