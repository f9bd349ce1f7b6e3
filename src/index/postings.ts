/**
 * The postings of a level of the lexical index (chunks, or whole articles) as the version's SQLite file keeps
 * them: one row per term, its postings packed in one BLOB, collected by a build and read back by bm25.ts.
 */
import { TITLE_BOOST } from './lexical-index.js';

/** The fields of a row, in the order of the postings, with their weights. */
export const FIELDS = [
  { name: 'title', boost: TITLE_BOOST },
  { name: 'text', boost: 1 },
] as const;

/** A field's length as MiniSearch counted it: its distinct raw words (case kept, stop words included). */
export const fieldLength = (text: string): number => new Set(text.match(/[\p{L}\p{N}'’]+/gu) ?? []).size;

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

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** A term's packed postings as uint32s: a view of the bytes when it can be, else a copy (a buffer need not be aligned). */
export function unpackPostings(bytes: Buffer): Uint32Array {
  if (!LITTLE_ENDIAN) return Uint32Array.from({ length: bytes.byteLength / 4 }, (_, i) => bytes.readUInt32LE(i * 4));
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

  /** The terms found, sorted (the order of the table's key: rows go in at its end). */
  terms(): string[] {
    return [...this.postings.keys()].sort();
  }

  /** A term's postings, packed (packPostings). */
  packed(term: string): Buffer {
    return packPostings(this.postings.get(term)!);
  }
}
