/**
 * BM25 over the postings of an FTS5 table (read through fts5vocab's `instance` table: which rows hold a term,
 * in which column, how often), scored here exactly as the MiniSearch index scored it before SQLite: k1 0.9,
 * b 0.4 (DEFAULT_BM25), each field (title, text) with its own document frequencies and average length, the
 * title weighing TITLE_BOOST, a repeated query term counting again, and the sum multiplied by the number of
 * distinct query terms matched. FTS5's own bm25() (k1 1.2 and b 0.75 fixed, one length over all columns, idf
 * floored at zero for terms in over half the rows) ranked differently enough to lose quotes on the question
 * sets (docs/SCALING.md), so FTS5 serves as the index on disk and the ranking stays the project's.
 */
import type Database from 'better-sqlite3';
import { DEFAULT_BM25, TITLE_BOOST } from './lexical-index.js';

/** The FTS5 tables' columns, in order, with their weights. */
export const FIELDS = [
  { name: 'title', boost: TITLE_BOOST },
  { name: 'text', boost: 1 },
] as const;

/** A field's length as MiniSearch counted it: its distinct raw words (case kept, stop words included). */
export const fieldLength = (text: string): number => new Set(text.match(/[\p{L}\p{N}'’]+/gu) ?? []).size;

export interface Bm25Hit {
  /** The row id in the FTS5 table (a chunk's label, an article's position). */
  id: number;
  score: number;
}

/**
 * A posting packed in one number (no array a row: a question reads thousands of postings, and arrays for each
 * kept the garbage collector busy): ((row id × 2 + field) × TF_LIMIT + term frequency), exact below 2^53.
 */
const TF_LIMIT = 2 ** 21;

/** One FTS5 table searched by BM25; `lengths[field][id]` are the rows' field lengths (fieldLength). */
export class Bm25Table {
  private readonly postings: Database.Statement<[string], number>;
  private readonly averages: number[];

  constructor(
    db: Database.Database,
    vocabulary: string,
    private readonly lengths: readonly Int32Array[],
  ) {
    const field = `(col = '${FIELDS[1].name}')`;
    this.postings = db
      .prepare<[string], number>(`SELECT (doc * 2 + ${field}) * ${TF_LIMIT} + min(count(*), ${TF_LIMIT - 1}) FROM ${vocabulary} WHERE term = ? GROUP BY doc, col ORDER BY doc, col`)
      .pluck();
    this.averages = lengths.map((field) => (field.length === 0 ? 0 : field.reduce((sum, n) => sum + n, 0) / field.length));
  }

  /** The k best rows for normalized query terms, best first (ties in the order MiniSearch gave them). */
  search(terms: readonly string[], k: number): Bm25Hit[] {
    const { k: k1, b } = DEFAULT_BM25;
    const count = this.lengths[0]!.length;
    const found = new Map<number, { score: number; matched: Set<string> }>();
    const cache = new Map<string, number[]>();
    for (const term of terms) {
      let postings = cache.get(term);
      if (!postings) cache.set(term, (postings = this.postings.all(term)));
      const rows = [0, 0];
      for (const posting of postings) rows[Math.floor(posting / TF_LIMIT) % 2]!++;
      FIELDS.forEach(({ boost }, field) => {
        const idf = Math.log(1 + (count - rows[field]! + 0.5) / (rows[field]! + 0.5));
        const lengths = this.lengths[field]!;
        const average = this.averages[field]!;
        for (const posting of postings) {
          const frequency = posting % TF_LIMIT;
          const key = (posting - frequency) / TF_LIMIT;
          if (key % 2 !== field) continue;
          const id = (key - field) / 2;
          // Operations in MiniSearch's order, so that equal scores stay equal and the order of ties is its.
          const score = boost * (idf * ((frequency * (k1 + 1)) / (frequency + k1 * (1 - b + (b * lengths[id]!) / average))));
          const hit = found.get(id);
          if (hit) {
            hit.score += score;
            hit.matched.add(term);
          } else found.set(id, { score, matched: new Set([term]) });
        }
      });
    }
    return [...found]
      .map(([id, hit]) => ({ id, score: hit.score * hit.matched.size }))
      .sort((x, y) => y.score - x.score)
      .slice(0, k);
  }
}
