/**
 * Which sentences of an article a passage quotes: the sentence the reader chose, with a neighbour of its chunk
 * the reader rates nearly as high (or the next one, for a first quote that singles out no answer), and a passage
 * that continues an earlier one's quote joined to it. The answer (answer.ts) cites and shows what this gives.
 */
import { SENTENCE_END } from './corpus/news-text.js';
import type { ReadingIndex } from './index/store.js';

/**
 * A quote takes in a neighbouring sentence of its chunk when the reader rates that one at least this share of
 * the chosen sentence's score: news often names the subject in one sentence and gives the fact in the next
 * ("… just seven trips away from his country." "Four of those trips were to … China."). Chosen on the tuning
 * set (docs/EVALUATION.md): first quotes holding the evidence 68.4 → 71.4 % (every question answered), their
 * mean length 183 → 205 characters; at a tenth, one question more for 16 characters more.
 */
export const QUOTE_NEIGHBOUR_SHARE = 0.25;
/** A quote with its neighbour stays within this many characters (one sentence alone is never cut). */
export const QUOTE_MAX_CHARS = 450;

/**
 * The quote's offsets: the chosen sentence, with the neighbour of its chunk the reader rates at least a quarter
 * as high, when both end like sentences (SENTENCE_END: headlines, standfirsts and crossheads beside a paragraph do not).
 * `withNext`: the sentence after it is taken in whatever its score (the first quote, when the reader singled out
 * no answer in its sentence: `answerNotSingledOut`).
 */
export function quoteSpan(index: ReadingIndex, text: string, sentence: number, chunk: number, score: number, scores: ReadonlyMap<number, number>, quoted: Set<number>, withNext: boolean): QuoteSpan {
  const { start, end } = index.sentences[sentence]!;
  // A headline, standfirst or crosshead chosen is quoted alone: run into a neighbour the reader rates it reads as one
  // ("… Putin and the result of the war In a 2018 documentary, …"). Not when the first quote singles out no answer
  // (`withNext`): a headline that restates the question leaves the fact to the sentence after it.
  if (!withNext && !SENTENCE_END.test(text.slice(start, end))) return { start, end, first: sentence, last: sentence };
  const { firstSentence, sentenceCount } = index.chunks[chunk]!;
  const neighbours = [sentence + 1, sentence - 1]
    .filter((id) => id >= firstSentence && id < firstSentence + sentenceCount && !quoted.has(id))
    .map((id) => ({ id, score: withNext && id === sentence + 1 ? Infinity : (scores.get(id) ?? 0) }))
    .filter((n) => n.score >= QUOTE_NEIGHBOUR_SHARE * score)
    .sort((a, b) => b.score - a.score);
  for (const { id } of neighbours) {
    const s = index.sentences[id]!;
    const span = { start: Math.min(start, s.start), end: Math.max(end, s.end) };
    if (span.end - span.start > QUOTE_MAX_CHARS || !SENTENCE_END.test(text.slice(s.start, s.end))) continue;
    quoted.add(id);
    return { ...span, first: Math.min(sentence, id), last: Math.max(sentence, id) };
  }
  return { start, end, first: sentence, last: sentence };
}

/** A quote's offsets in its article, and its first and last sentences' ids. */
export interface QuoteSpan {
  start: number;
  end: number;
  first: number;
  last: number;
}

/** A passage joined to an earlier one stays within this many characters. */
export const QUOTE_JOIN_MAX_CHARS = 700;

/**
 * The passages to show, as groups of positions in `spans` (the passage shown first): a passage whose quote
 * continues an earlier one's in the same article (the sentence just after it, or just before) is joined to it
 * rather than shown apart, after other passages in between ("“The farewell … took place in a closed format [1].
 * … held a similar belief [2]. Those who wish to say goodbye may visit Porokhovskoye cemetery,” the press
 * service said [3]."). Not in front of the first quote, which opens with the sentence the reader chose (or the
 * neighbour of its chunk rated nearly as high, quoteSpan): joined
 * there, the sentences before it pushed the answer down ("who is alice jill edwards" opened with 251 characters
 * on the Kremlin's claims); on the tuning set, as many first quotes hold the evidence, 382 → 305 characters.
 */
export function joinContinued(spans: QuoteSpan[], articles: readonly string[], texts?: readonly string[]): number[][] {
  /** Whether the passage at `i` may be joined to the one hosting a group at `j`. */
  const joins = (i: number, j: number) => {
    const [span, earlier] = [spans[i]!, spans[j]!];
    if (articles[j] !== articles[i] || Math.max(span.end, earlier.end) - Math.min(span.start, earlier.start) > QUOTE_JOIN_MAX_CHARS) return false;
    // A headline, standfirst or crosshead (no sentence's end) is shown apart, as quoteSpan leaves it out of a quote.
    if (texts && [span, earlier].some((s) => !SENTENCE_END.test(texts[i]!.slice(s.start, s.end)))) return false;
    // The first quote opens with the sentence the reader chose (or the neighbour quoteSpan took in before it):
    // what continues it is joined after it, never in front.
    return span.first === earlier.last + 1 || (span.last === earlier.first - 1 && j !== 0);
  };
  const merge = (host: number, i: number) => {
    const [span, earlier] = [spans[i]!, spans[host]!];
    spans[host] = { start: Math.min(span.start, earlier.start), end: Math.max(span.end, earlier.end), first: Math.min(span.first, earlier.first), last: Math.max(span.last, earlier.last) };
  };
  const groups: number[][] = [];
  for (let i = 0; i < spans.length; i++) {
    const host = groups.map((g) => g[0]!).find((j) => joins(i, j));
    if (host === undefined) {
      groups.push([i]);
      continue;
    }
    merge(host, i);
    groups.find((g) => g[0] === host)!.push(i);
  }
  // Two groups a later passage made adjacent (a passage bridging the gap between them came after both) are one.
  for (let merged = true; merged; ) {
    merged = false;
    for (const [a, group] of groups.entries()) {
      const into = groups.findIndex((other, b) => b < a && joins(group[0]!, other[0]!));
      if (into < 0) continue;
      merge(groups[into]![0]!, group[0]!);
      groups[into]!.push(...group);
      groups[into]!.sort((x, y) => x - y); // the host, the passage shown first, stays first
      groups.splice(a, 1);
      merged = true;
      break;
    }
  }
  return groups;
}
