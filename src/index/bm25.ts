/**
 * BM25 over postings kept in the version's SQLite file: one row per term and level (chunks, whole articles),
 * its postings packed in one BLOB (postings.ts: which rows hold the term, in which field, how often). Scored here exactly
 * as the MiniSearch index scored it before SQLite: k1 0.9, b 0.4 (DEFAULT_BM25), each field (title, text)
 * with its own document frequencies and average length, the title weighing TITLE_BOOST, a repeated query term
 * counting again, and the sum multiplied by the number of distinct query terms matched, ties in its order.
 *
 * Index format 4 kept the terms in FTS5 tables and read the postings through fts5vocab's `instance` table, a
 * row per occurrence: at 100k chunks that read alone took 8 / 23 ms p50 / p95 a question, and scoring the
 * rows into a Map as long again. A packed BLOB is read in one lookup, and the scores add up in typed arrays
 * reused from one question to the next (docs/SCALING.md, "BM25 from packed postings").
 */
import type Database from 'better-sqlite3';
import { DEFAULT_BM25 } from './lexical-index.js';
import { FIELDS, unpackPostings } from './postings.js';

export interface Bm25Hit {
  /** The row's id: a chunk's label, an article's position. */
  id: number;
  score: number;
}

/** One level's postings table searched by BM25; `lengths[field][id]` are the rows' field lengths (fieldLength). */
export class Bm25Table {
  private readonly statement: Database.Statement<[string], Buffer>;
  private readonly averages: number[];
  /**
   * Per row, reused by every search and cleared after it: the score, the distinct terms matched, and the
   * current query term's score with the number of that term (its title and text scores add up first, then
   * join the total, as MiniSearch sums them: the same additions in the same order give the same bits).
   */
  private readonly scores: Float64Array;
  private readonly matched: Uint16Array;
  private readonly termScores: Float64Array;
  private readonly termAt: Int32Array;
  /** The rows the current term scores, then the rows scored so far in their order: lists reused by every search. */
  private readonly scored: Int32Array;
  private readonly order: Int32Array;

  constructor(
    db: Database.Database,
    table: string,
    private readonly lengths: readonly Int32Array[],
  ) {
    this.statement = db.prepare<[string], Buffer>(`SELECT postings FROM ${table} WHERE term = ?`).pluck();
    // Averaged row by row, as MiniSearch keeps its running average: the same bits as its.
    this.averages = lengths.map((field) => field.reduce((average, n, i) => (average * i + n) / (i + 1), 0));
    const rows = lengths[0]!.length;
    this.scores = new Float64Array(rows);
    this.matched = new Uint16Array(rows);
    this.termScores = new Float64Array(rows);
    this.termAt = new Int32Array(rows).fill(-1);
    this.scored = new Int32Array(rows);
    this.order = new Int32Array(rows);
  }

  private postings(term: string): Uint32Array | undefined {
    const bytes = this.statement.get(term);
    return bytes ? unpackPostings(bytes) : undefined;
  }

  /** The k best rows for normalized query terms, best first (ties in the order MiniSearch gave them). */
  search(terms: readonly string[], k: number): Bm25Hit[] {
    const { k: k1, b } = DEFAULT_BM25;
    const count = this.lengths[0]!.length;
    const { scores, matched, termScores, termAt, scored, order } = this;
    const seen = new Set<string>();
    const cache = new Map<string, Uint32Array | undefined>();
    /** Rows in the order they were first scored (`order` up to `found`): MiniSearch's order, which decides ties. */
    let found = 0;
    try {
      terms.forEach((term, at) => {
        // A repeated term adds its score again, but counts once among the terms matched.
        const repeat = seen.has(term);
        seen.add(term);
        if (!cache.has(term)) cache.set(term, this.postings(term));
        const postings = cache.get(term);
        if (!postings) return;
        /** The rows this term scores (`scored` up to `scoring`), title matches first, each once. */
        let scoring = 0;
        let offset = 0;
        for (let field = 0; field < FIELDS.length; field++) {
          const { boost } = FIELDS[field]!;
          const rows = postings[offset]!;
          const ids = offset + 1;
          const frequencies = ids + rows;
          offset = frequencies + rows;
          const idf = Math.log(1 + (count - rows + 0.5) / (rows + 0.5));
          const lengths = this.lengths[field]!;
          const average = this.averages[field]!;
          for (let i = 0; i < rows; i++) {
            const id = postings[ids + i]!;
            const frequency = postings[frequencies + i]!;
            // Operations in MiniSearch's order (calcBM25Score, then the field's boost), so that scores are its to the bit.
            const score = boost * (idf * ((frequency * (k1 + 1)) / (frequency + k1 * (1 - b + (b * lengths[id]!) / average))));
            if (termAt[id] === at) termScores[id] = termScores[id]! + score;
            else {
              termAt[id] = at;
              termScores[id] = score;
              scored[scoring++] = id;
            }
          }
        }
        for (let i = 0; i < scoring; i++) {
          const id = scored[i]!;
          if (matched[id] === 0) {
            order[found++] = id;
            scores[id] = termScores[id]!;
          } else scores[id] = scores[id]! + termScores[id]!;
          if (!repeat) matched[id] = matched[id]! + 1;
        }
      });
      // Filled in a loop: Float64Array.from with a mapping function goes through the iterator protocol, slowly.
      const totals = new Float64Array(found);
      for (let i = 0; i < found; i++) totals[i] = scores[order[i]!]! * matched[order[i]!]!;
      return best(order.subarray(0, found), totals, k);
    } finally {
      for (let i = 0; i < found; i++) {
        const id = order[i]!;
        scores[id] = 0;
        matched[id] = 0;
        termScores[id] = 0;
        termAt[id] = -1;
      }
    }
  }
}

/**
 * The k best rows by score (`scores[i]` is `rows[i]`'s), best first; equal scores keep the rows' order, as
 * a stable sort would. A heap of the k best so far, its root the worst of them: no sort of every row.
 */
function best(rows: Int32Array, scores: Float64Array, k: number): Bm25Hit[] {
  /** Whether position a ranks below position b: a lower score, or an equal one found later. */
  const below = (a: number, b: number) => scores[a]! < scores[b]! || (scores[a] === scores[b] && a > b);
  const heap: number[] = [];
  const siftDown = (from: number) => {
    for (let at = from; ; ) {
      const left = 2 * at + 1;
      const right = left + 1;
      let worst = at;
      if (left < heap.length && below(heap[left]!, heap[worst]!)) worst = left;
      if (right < heap.length && below(heap[right]!, heap[worst]!)) worst = right;
      if (worst === at) return;
      [heap[at], heap[worst]] = [heap[worst]!, heap[at]!];
      at = worst;
    }
  };
  for (let i = 0; i < rows.length && k > 0; i++) {
    if (heap.length < k) {
      heap.push(i);
      for (let at = heap.length - 1; at > 0; ) {
        const parent = (at - 1) >> 1;
        if (!below(heap[at]!, heap[parent]!)) break;
        [heap[at], heap[parent]] = [heap[parent]!, heap[at]!];
        at = parent;
      }
    } else if (below(heap[0]!, i)) {
      heap[0] = i;
      siftDown(0);
    }
  }
  return heap.sort((x, y) => scores[y]! - scores[x]! || x - y).map((i) => ({ id: rows[i]!, score: scores[i]! }));
}
