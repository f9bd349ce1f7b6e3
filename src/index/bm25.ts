/**
 * BM25 over postings kept in the version's SQLite file: one row per term and level (chunks, whole articles),
 * its postings packed in one BLOB (which rows hold the term, in which field, how often). Scored here exactly
 * as the MiniSearch index scored it before SQLite: k1 0.9, b 0.4 (DEFAULT_BM25), each field (title, text)
 * with its own document frequencies and average length, the title weighing TITLE_BOOST, a repeated query term
 * counting again, and the sum multiplied by the number of distinct query terms matched, ties in its order.
 *
 * Index format 4 kept the terms in FTS5 tables and read the postings through fts5vocab's `instance` table, a
 * row per occurrence: at 100k chunks that read alone took 8 / 23 ms p50 / p95 a question, and scoring the
 * rows into a Map as long again. A packed BLOB is read in one lookup, and the scores add up in typed arrays
 * reused from one question to the next (docs/SCALING.md, "Format 5").
 */
import type Database from 'better-sqlite3';
import { DEFAULT_BM25, TITLE_BOOST } from './lexical-index.js';

/** The fields of a row, in the order of the postings, with their weights. */
export const FIELDS = [
  { name: 'title', boost: TITLE_BOOST },
  { name: 'text', boost: 1 },
] as const;

/** A field's length as MiniSearch counted it: its distinct raw words (case kept, stop words included). */
export const fieldLength = (text: string): number => new Set(text.match(/[\p{L}\p{N}'’]+/gu) ?? []).size;

export interface Bm25Hit {
  /** The row's id: a chunk's label, an article's position. */
  id: number;
  score: number;
}

/**
 * A term's postings as stored, little-endian uint32s: for each field (FIELDS order) the number of rows holding
 * the term, then their ids (ascending), then the term's frequency in each; fields one after the other.
 */
export function packPostings(fields: readonly (readonly [ids: readonly number[], frequencies: readonly number[]])[]): Buffer {
  const words = fields.reduce((sum, [ids]) => sum + 1 + 2 * ids.length, 0);
  const packed = Buffer.alloc(words * 4);
  let at = 0;
  for (const [ids, frequencies] of fields) {
    at = packed.writeUInt32LE(ids.length, at);
    for (const id of ids) at = packed.writeUInt32LE(id, at);
    for (const frequency of frequencies) at = packed.writeUInt32LE(frequency, at);
  }
  return packed;
}

/** A BLOB's bytes as uint32s: a view when aligned, else a copy (SQLite's buffers need not be). */
function words(bytes: Buffer): Uint32Array {
  if (bytes.byteOffset % 4 === 0) return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  return new Uint32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** Collects the postings of rows added in ascending id order, for packPostings. */
export class PostingsBuilder {
  private readonly postings = new Map<string, [number[], number[]][]>();

  /** Adds the terms of one field of a row (ids in ascending order, each field of a row once). */
  add(id: number, field: number, terms: readonly string[]): void {
    const counts = new Map<string, number>();
    for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
    for (const [term, count] of counts) {
      let lists = this.postings.get(term);
      if (!lists) this.postings.set(term, (lists = FIELDS.map((): [number[], number[]] => [[], []])));
      lists[field]![0].push(id);
      lists[field]![1].push(count);
    }
  }

  /** The terms found, in the order first seen. */
  terms(): string[] {
    return [...this.postings.keys()];
  }

  /** A term's postings, packed (packPostings). */
  packed(term: string): Buffer {
    return packPostings(this.postings.get(term)!);
  }
}

/** One level's postings table searched by BM25; `lengths[field][id]` are the rows' field lengths (fieldLength). */
export class Bm25Table {
  private statement?: Database.Statement<[string], Buffer>;
  private readonly averages: number[];
  /** Per row, reused by every search and cleared after it: the score, the distinct terms matched, the last term counted. */
  private readonly scores: Float64Array;
  private readonly matched: Uint16Array;
  private readonly lastTerm: Int32Array;

  constructor(
    private readonly db: Database.Database,
    private readonly table: string,
    private readonly lengths: readonly Int32Array[],
  ) {
    this.averages = lengths.map((field) => (field.length === 0 ? 0 : field.reduce((sum, n) => sum + n, 0) / field.length));
    const rows = lengths[0]!.length;
    this.scores = new Float64Array(rows);
    this.matched = new Uint16Array(rows);
    this.lastTerm = new Int32Array(rows).fill(-1);
  }

  /** Prepared on first use, so that a file of an older format still opens for a re-embed to reuse. */
  private postings(term: string): Uint32Array | undefined {
    this.statement ??= this.db.prepare<[string], Buffer>(`SELECT postings FROM ${this.table} WHERE term = ?`).pluck();
    const bytes = this.statement.get(term);
    return bytes ? words(bytes) : undefined;
  }

  /** The k best rows for normalized query terms, best first (ties in the order MiniSearch gave them). */
  search(terms: readonly string[], k: number): Bm25Hit[] {
    const { k: k1, b } = DEFAULT_BM25;
    const count = this.lengths[0]!.length;
    const { scores, matched, lastTerm } = this;
    const distinct = new Map<string, number>();
    const cache = new Map<string, Uint32Array | undefined>();
    /** Rows in the order they were first scored: MiniSearch's order, which decides ties. */
    const order: number[] = [];
    try {
      for (const term of terms) {
        if (!distinct.has(term)) distinct.set(term, distinct.size);
        const termIndex = distinct.get(term)!;
        if (!cache.has(term)) cache.set(term, this.postings(term));
        const postings = cache.get(term);
        if (!postings) continue;
        let at = 0;
        for (let field = 0; field < FIELDS.length; field++) {
          const { boost } = FIELDS[field]!;
          const rows = postings[at]!;
          const ids = at + 1;
          const frequencies = ids + rows;
          at = frequencies + rows;
          const idf = Math.log(1 + (count - rows + 0.5) / (rows + 0.5));
          const lengths = this.lengths[field]!;
          const average = this.averages[field]!;
          for (let i = 0; i < rows; i++) {
            const id = postings[ids + i]!;
            const frequency = postings[frequencies + i]!;
            // Operations in MiniSearch's order, so that equal scores stay equal and the order of ties is its.
            const score = boost * (idf * ((frequency * (k1 + 1)) / (frequency + k1 * (1 - b + (b * lengths[id]!) / average))));
            if (matched[id] === 0) {
              order.push(id);
              scores[id] = score;
            } else scores[id] = scores[id]! + score;
            if (lastTerm[id] !== termIndex) {
              lastTerm[id] = termIndex;
              matched[id] = matched[id]! + 1;
            }
          }
        }
      }
      return best(order, Float64Array.from(order, (id) => scores[id]! * matched[id]!), k);
    } finally {
      for (const id of order) {
        scores[id] = 0;
        matched[id] = 0;
        lastTerm[id] = -1;
      }
    }
  }
}

/**
 * The k best rows by score (`scores[i]` is `rows[i]`'s), best first; equal scores keep the rows' order, as
 * a stable sort would. A heap of the k best so far, its root the worst of them: no sort of every row.
 */
function best(rows: readonly number[], scores: Float64Array, k: number): Bm25Hit[] {
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
