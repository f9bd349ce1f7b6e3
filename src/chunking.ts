/**
 * Article → chunks. Chunks are runs of whole sentences, as many as fit the embedding model's token budget
 * (counted with the model's own tokenizer, so nothing is silently truncated), overlapping by a sentence
 * or so. Only a single sentence too long for the budget is cut, at word boundaries. Every chunk is a span
 * of the article text, so any quote drawn from it is an exact substring of the article.
 */
import { splitSentences, type Span } from './sentences.js';

export interface Chunk extends Span {
  articleId: string;
  /** The sentences (or pieces of an over-long sentence) the chunk is made of, in article offsets. */
  sentences: Span[];
}

export interface ChunkingOptions {
  /** Tokens a chunk may hold, as the embedder counts them (prefix and special tokens included). */
  maxTokens: number;
  /** Sentences repeated at the start of the next chunk. */
  overlapSentences: number;
  countTokens: (text: string) => number;
}

/** Cuts a sentence longer than the budget into word-boundary pieces that each fit. */
function splitLongSentence(text: string, span: Span, options: ChunkingOptions): Span[] {
  const words = [...text.slice(span.start, span.end).matchAll(/\S+/g)].map((m) => ({
    start: span.start + m.index,
    end: span.start + m.index + m[0].length,
  }));
  const pieces: Span[] = [];
  let first = 0;
  while (first < words.length) {
    let last = first;
    while (last + 1 < words.length && options.countTokens(text.slice(words[first]!.start, words[last + 1]!.end)) <= options.maxTokens) {
      last++;
    }
    pieces.push({ start: words[first]!.start, end: words[last]!.end });
    first = last + 1;
  }
  return pieces;
}

/**
 * The units chunks are built from, with their token counts: sentences, with over-long ones cut into pieces. (Each
 * unit is counted once: counting is most of chunking's time, about 0.5 ms a sentence.)
 */
function chunkUnits(text: string, options: ChunkingOptions): { units: Span[]; counts: number[] } {
  const units: Span[] = [];
  const counts: number[] = [];
  for (const span of splitSentences(text)) {
    const count = options.countTokens(text.slice(span.start, span.end));
    if (count <= options.maxTokens) {
      units.push(span);
      counts.push(count);
    } else {
      for (const piece of splitLongSentence(text, span, options)) {
        units.push(piece);
        counts.push(options.countTokens(text.slice(piece.start, piece.end)));
      }
    }
  }
  return { units, counts };
}

/**
 * Tokens of a run of units, estimated as the sum of the units' own counts plus the fixed cost of an empty
 * text (prefix, special tokens). Tokenizers split on white space first, so this is exact or very close;
 * every finished chunk is still checked with a real count.
 */
class TokenBudget {
  private readonly overhead: number;
  private readonly costs: number[];

  constructor(private readonly text: string, private readonly units: Span[], counts: number[], private readonly options: ChunkingOptions) {
    this.overhead = options.countTokens('');
    this.costs = counts.map((count) => count - this.overhead);
  }

  fits(first: number, last: number): boolean {
    let total = this.overhead;
    for (let i = first; i <= last; i++) total += this.costs[i]!;
    return total <= this.options.maxTokens;
  }

  fitsExactly(first: number, last: number): boolean {
    return this.options.countTokens(this.text.slice(this.units[first]!.start, this.units[last]!.end)) <= this.options.maxTokens;
  }
}

export function chunkArticle(article: { id: string; text: string }, options: ChunkingOptions): Chunk[] {
  const { text } = article;
  const { units, counts } = chunkUnits(text, options);
  const budget = new TokenBudget(text, units, counts, options);
  const chunks: Chunk[] = [];
  let first = 0;
  while (first < units.length) {
    let last = first;
    while (last + 1 < units.length && budget.fits(first, last + 1)) last++;
    while (last > first && !budget.fitsExactly(first, last)) last--;
    chunks.push({ articleId: article.id, start: units[first]!.start, end: units[last]!.end, sentences: units.slice(first, last + 1) });
    if (last + 1 >= units.length) break;
    // Step back by the overlap, but only as far as still leaves room for a new unit.
    let next = Math.max(first + 1, last + 1 - options.overlapSentences);
    while (next <= last && !budget.fits(next, last + 1)) next++;
    first = next;
  }
  return chunks;
}
