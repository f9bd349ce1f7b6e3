/**
 * The reader's verdict → the answer: the best sentences as quotes (exact substrings of their articles),
 * the short answer, a reply with [n] citations, and the sources. When the reader is not confident that
 * the coverage answers the question, the answer says the coverage doesn't say, and quotes nothing.
 */
import escapeStringRegexp from 'escape-string-regexp';
import type { Article } from './corpus/types.js';
import { formatDate, publishedTime } from './dates.js';
import type { ReadingIndex } from './index/store.js';
import type { Reading, ShortAnswer } from './reader/reader.js';
import { joinContinued, quoteSpan } from './quotes.js';
import { SENTENCE_END } from './corpus/news-text.js';

export type { ShortAnswer } from './reader/reader.js';

export interface Passage {
  rank: number;
  articleId: string;
  title: string;
  /**
   * The sentence that best answers the question from this passage, with the neighbouring sentence of its chunk
   * when the reader rates that one high enough (`QUOTE_NEIGHBOUR_SHARE`), or, in the first quote, with the next
   * one when the reader singled out no answer in it (`answerNotSingledOut`): an exact substring of the article,
   * which may span a paragraph break.
   */
  quote: string;
  /** The whole chunk the quote was taken from. */
  text: string;
  /** The label of that chunk in the index the answer came from. */
  chunk: number;
  /** The reader's probability that the quote's chosen sentence holds the answer, 0 to 1. */
  score: number;
  /** Character offsets of the quote in the article text. */
  quoteStart: number;
  quoteEnd: number;
  /** Offset of the sentence the reader chose, inside the quote (after quoteStart when the sentence before was taken in). */
  sentenceStart: number;
  /** The article's outlet and publication date (`YYYY-MM-DD` or ISO date-time), when known. */
  outlet?: string;
  published?: string;
}

/** The publication period an answer was limited to: from --since/--until, or read from the question. */
export interface AnswerPeriod {
  since?: string;
  until?: string;
  /** The time phrase of the question it was read from ("last month"), when it came from the question. */
  phrase?: string;
  /**
   * No article is dated in the period: the undated ones were searched (they may be about it), the dated ones
   * outside it were not. Only a question's phrase does so; --since/--until leave undated articles out.
   */
  undated?: true;
  /** No article of the coverage was published in the period (--since/--until, leaving undated ones out): nothing was searched. */
  empty?: true;
}

export interface Source {
  articleId: string;
  title: string;
  outlet?: string;
  author?: string;
  url?: string;
  published?: string;
  /** When the outlet last changed the article (a correction, an update), when it says so. */
  modified?: string;
}

export interface Answer {
  question: string;
  /** The question as it was read, when misspelt words were corrected ("vladivostock" → "vladivostok"). */
  readAs?: string;
  found: boolean;
  /**
   * Whether the reader is sure of the answer (its confidence reaches the sure threshold). A found answer it
   * is not sure of opens with UNSURE_LEAD: its quotes are the closest the coverage comes, and the CLI and the
   * bot do not put its short answer in front (`shownShortAnswer`).
   */
  sure: boolean;
  /** The reader's calibrated confidence that the first quote answers the question, 0 to 1. */
  confidence: number;
  /** The answer itself, inside the first quote, when the reader could single it out. */
  shortAnswer: ShortAnswer | null;
  answer: string;
  passages: Passage[];
  sources: Source[];
  /** Present when only articles published in a period were searched. */
  period?: AnswerPeriod;
}

export interface AnswerOptions {
  passages: number;
  /** Whether to answer even when the reader is not confident (evaluation collects every answer this way). */
  answerAll?: boolean;
}

/**
 * The answer when the reader refuses: it speaks of the passages it found, not of every article (a second
 * walkthrough found "none of the articles answers that question" said of questions an unretrieved sentence answers).
 */
export const NOT_FOUND_ANSWER = "The coverage doesn't say: no passage I found in it answers that question.";
/** Opens an answer the reader is not sure of. */
export const UNSURE_LEAD = 'Not sure the coverage answers this; the closest it comes:';

/**
 * A further quote the reader rates under this share of the first's score is cited in the answer's text after
 * RELATED_LEAD, as related coverage, not as part of the answer (it stays among the passages and sources). On the
 * tuning set (scripts/experiments/related-share.ts), 1 of the 28 further quotes holding a question's evidence is
 * under 0.05 of the first's score, and 257 of the 384 others.
 */
export const RELATED_SHARE = 0.05;
export const RELATED_LEAD = 'Related coverage:';

/** The passages that answer, in order: those before the first the reader scores under RELATED_SHARE of the first's. */
export function answeringPassages<P extends Pick<Passage, 'score'>>(passages: readonly P[]): P[] {
  const related = passages.findIndex((p, i) => i > 0 && p.score < RELATED_SHARE * passages[0]!.score);
  return related < 0 ? [...passages] : passages.slice(0, related);
}

/**
 * The span model's confidence from which a short answer is put in front of the quotes (the CLI's "A:", the bot's
 * bold line): the lowest at which the short answers of the SQuAD training split are exactly right half the time,
 * out of fold (8,534 answerable questions asked through the pipeline, the best span of the sentence read first:
 * 50.1 % right, F1 0.63, for 45 % of them; all of them, 31.9 %, F1 0.43;
 * scripts/experiments/short-answer-calibration.py). News reads worse (NQ-UTD's, docs/EVALUATION.md). Under it
 * the short answer stays in the answer object, and is not shown.
 */
export const SHORT_ANSWER_SHOWN = 0.23;

/** The short answer to put in front of the quotes: that of a sure answer, when the reader is sure enough of the span too. */
export function shownShortAnswer(answer: Answer): ShortAnswer | null {
  const short = answer.shortAnswer;
  return answer.found && answer.sure && short && short.confidence >= SHORT_ANSWER_SHOWN ? short : null;
}

/**
 * Ends a quote's citation inside its sentence: `… the train [1].`; after a closing quotation mark, where inside it
 * the marker would read as the speaker's words (`… resolutions.” [3]`, not `… resolutions [3].”`), and after an
 * ellipsis or marks run together, which are no one full stop to go before (`… destroyed ... [4]`, `Really?! [5]`;
 * the bot finds a marker followed by one mark at most: src/bot/format/answer.ts), and after an abbreviation's own
 * stop (`sponsored by Grüne Stadt e.V. [6]`, not `e.V [6].`).
 */
/** A quote ending in an abbreviation written with stops inside it ("e.V.", "U.S.", "a.m."): its last stop is the abbreviation's. */
const ABBREVIATION_END = /(?:^|[^\p{L}])(?:\p{L}\.){2,}$/u;

export function cite(quote: string, n: number): string {
  const match = /((?:[.!?…] ?)*[.!?…]["”’)]*)$/.exec(quote);
  const marks = match ? match[1]!.replace(/[^.!?…]/g, '') : '';
  if (!match || /["”’]/.test(match[1]!) || marks.length > 1 || marks === '…' || ABBREVIATION_END.test(quote)) return `${quote} [${n}]`;
  return `${quote.slice(0, match.index)} [${n}]${match[1]}`;
}

/**
 * A quote cited in the answer's text, where the next quote follows it: one that ends like no sentence (a headline,
 * a standfirst) gets a full stop after its marker, so the next does not run on from it ("… may already have been
 * sealed [2]. But Yevgeny Prigozhin …", not "… sealed [2] But …"). The quote itself is left as written.
 */
export const citeInProse = (quote: string, n: number) => cite(quote, n) + (SENTENCE_END.test(quote.trimEnd()) ? '' : '.');

/**
 * Whether the first quote's sentence holds no answer the reader would show (no short answer, or one scored under
 * SHORT_ANSWER_SHOWN): a sentence that restates the question, with the fact in the next one ("… when asked if
 * there is anything he cannot forgive." "“Betrayal,” he says."). The first quote then takes in the sentence
 * after it too. Measured against taking it in always (docs/EVALUATION.md): as many first quotes gained on the
 * news sets, nine tenths as many on SQuAD's, for half the characters added.
 */
export const answerNotSingledOut = (shortAnswer: ShortAnswer | null) => !shortAnswer || shortAnswer.confidence < SHORT_ANSWER_SHOWN;

export function buildAnswer(index: ReadingIndex, question: string, reading: Reading, options: AnswerOptions): Answer {
  const { confidence } = reading;
  if (reading.sentences.length === 0 || (!reading.answerable && !options.answerAll)) {
    return { question, found: false, sure: false, confidence, shortAnswer: null, answer: NOT_FOUND_ANSWER, passages: [], sources: [] };
  }
  // The best sentences, one per chunk. (Dropping those the reader rates far below the first was measured:
  // keeping only those at a fifth of the first's score cost the tuning set 4 points of hit@3 and 12 of quote
  // hit@3, since the reader's scores on news are less sure than on SQuAD.)
  const chosen: { sentence: number; chunk: number; score: number; article: Article }[] = [];
  const chunks = new Set<number>();
  // Some more than shown: a passage joined to an earlier one (joinContinued) leaves its place to the next.
  for (const read of reading.sentences) {
    if (chosen.length >= 2 * options.passages) break;
    if (chunks.has(read.chunk)) continue;
    chunks.add(read.chunk);
    chosen.push({ ...read, article: index.articles.get(index.sentences[read.sentence]!.articleId)! });
  }
  const shortAnswer = newerFirst(chosen, reading.shortAnswer, index);
  const scores = new Map(reading.sentences.map((r) => [r.sentence, r.score]));
  // No sentence is quoted twice: a neighbour another passage quotes (chunks overlap) is not taken in.
  const quoted = new Set(chosen.map((c) => c.sentence));
  const spans = chosen.map(({ sentence, chunk, score, article }, i) => quoteSpan(index, article.text, sentence, chunk, score, scores, quoted, i === 0 && answerNotSingledOut(shortAnswer)));
  // A quote another, higher passage says word for word (a wire story two outlets ran) is not repeated.
  const said = new Set<string>();
  const groups = joinContinued(spans, chosen.map((c) => c.article.id), chosen.map((c) => c.article.text))
    .filter((group) => {
      const { start, end } = spans[group[0]!]!;
      const words = chosen[group[0]!]!.article.text.slice(start, end).replace(/\s+/g, ' ').trim().toLowerCase();
      if (said.has(words)) return false;
      said.add(words);
      return true;
    })
    .slice(0, options.passages);
  const passages: Passage[] = groups.map((group, i) => {
    const at = group[0]!;
    const { sentence, chunk, score, article } = chosen[at]!;
    const { start, end } = spans[at]!;
    // The passage a joined quote was taken from is its chunks together.
    const records = group.map((j) => index.chunks[chosen[j]!.chunk]!);
    const record = { start: Math.min(...records.map((r) => r.start)), end: Math.max(...records.map((r) => r.end)) };
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
      sentenceStart: index.sentences[sentence]!.start,
      ...(article.outlet ? { outlet: article.outlet } : {}),
      ...(article.published ? { published: article.published } : {}),
    };
  });
  const sources = [...new Map(groups.map((group) => [chosen[group[0]!]!.article.id, chosen[group[0]!]!.article])).values()].map((a) => ({
    articleId: a.id,
    title: a.title,
    outlet: a.outlet,
    author: a.author,
    url: a.url,
    published: a.published,
    modified: a.modified,
  }));
  const sure = reading.answerable && reading.sure;
  const related = answeringPassages(passages).length;
  const cited = passages.map((p, i) => (i === related ? `${RELATED_LEAD} ` : '') + citeInProse(p.quote, p.rank));
  const answer = (sure ? '' : `${UNSURE_LEAD} `) + cited.join(' ') + whenPublished(passages);
  return { question, found: true, sure, confidence, shortAnswer, answer, passages, sources };
}

/**
 * " (Published: [1] RIA Novosti, 13 Sep 2023; [2, 3] TASS, 12 Sep 2023.)" for the dated passages (those of
 * one outlet and day together), else nothing.
 */
function whenPublished(passages: Passage[]): string {
  const groups = new Map<string, number[]>();
  for (const passage of passages) {
    const day = formatDate(passage.published);
    if (!day) continue;
    const label = [passage.outlet, day].filter(Boolean).join(', ');
    groups.set(label, [...(groups.get(label) ?? []), passage.rank]);
  }
  if (groups.size === 0) return '';
  return ` (Published: ${[...groups].map(([label, ranks]) => `[${ranks.join(', ')}] ${label}`).join('; ')}.)`;
}

type Chosen = { sentence: number; chunk: number; score: number; article: Article };

/**
 * Of consecutive passages the reader rates equally (to the 4 decimals shown), the newer comes first; undated
 * ones after dated ones. The reader's order stands otherwise (it may put first a sentence it rates lower: the one
 * that describes who was asked about, or the one that holds the number asked for). Sorts `chosen` in place and
 * returns the short answer, moved into the new first quote when the first changed (a syndicated sentence carries
 * the same answer); when it cannot be moved, the first stays.
 */
/** Where `words` stand in `text` as whole words (not "Moscow" of "Moscow-based"), or -1. */
function wholeWordsAt(text: string, words: string): number {
  const escaped = escapeStringRegexp(words);
  return new RegExp(`(?<![\\p{L}\\p{N}]|[\\p{L}\\p{N}]-)${escaped}(?![\\p{L}\\p{N}]|-[\\p{L}\\p{N}])`, 'u').exec(text)?.index ?? -1;
}

function newerFirst(chosen: Chosen[], shortAnswer: ShortAnswer | null, index: ReadingIndex): ShortAnswer | null {
  const first = chosen[0];
  const rounded = (score: number) => Number(score.toFixed(4));
  const time = (c: Chosen) => publishedTime(c.article.published) ?? -Infinity;
  for (let start = 0; start < chosen.length; ) {
    let end = start + 1;
    while (end < chosen.length && rounded(chosen[end]!.score) === rounded(chosen[start]!.score)) end++;
    const run = chosen.slice(start, end).sort((a, b) => time(b) - time(a));
    chosen.splice(start, run.length, ...run);
    start = end;
  }
  if (!shortAnswer || chosen[0] === first) return shortAnswer;
  const lead = chosen[0]!;
  const { start } = index.sentences[lead.sentence]!;
  const at = wholeWordsAt(lead.article.text.slice(start, index.sentences[lead.sentence]!.end), shortAnswer.text);
  if (at >= 0) return { ...shortAnswer, articleId: lead.article.id, start: start + at, end: start + at + shortAnswer.text.length };
  chosen.splice(chosen.indexOf(first!), 1);
  chosen.unshift(first!);
  return shortAnswer;
}
