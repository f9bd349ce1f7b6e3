/**
 * Character 4-grams, a feature of the reader that catches inflections and compounds the stemmer misses: the
 * question's grams against each candidate sentence's, as a cosine (sentence-features.ts). A sentence's grams
 * are kept with what reading keeps of it (context.ts), packed.
 */
import { distinctSorted, sharedCount } from './sorted.js';

/** A text's words for character 4-grams: lower-cased, letters and digits. */
export const gramWords = (text: string): string[] => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/**
 * Character 4-grams of words, each padded with a space either side: catches inflections and compounds. The
 * definition of a text's grams; `gramSet` finds the same ones, packed.
 */
export function charGrams(words: readonly string[]): Set<string> {
  const grams = new Set<string>();
  for (const word of words) {
    const padded = ` ${word} `;
    for (let i = 0; i + 4 <= padded.length; i++) grams.add(padded.slice(i, i + 4));
  }
  return grams;
}

/**
 * A set of character 4-grams packed for keeping and comparing: a gram of four ASCII characters (nearly all of
 * them) as a 28-bit number, 7 bits a character, in a sorted typed array; any other as its text, sorted.
 * Kept for every sentence read, so it is small and few objects (whatever is kept survives the young
 * generation's collections, and a Set of strings cost more to copy there than to make again).
 */
export interface GramSet {
  ascii: Int32Array;
  other: string[];
}

/**
 * The ASCII grams of the words being packed, reused (grown when a text needs more, never shrunk: the texts
 * packed are sentences and questions, a few hundred grams).
 */
let packing = new Int32Array(1024);

/** The distinct 4-grams of words, each padded with a space either side, as `charGrams` finds them. */
export function gramSet(words: readonly string[]): GramSet {
  let n = 0;
  const other = new Set<string>();
  for (const word of words) {
    const padded = ` ${word} `;
    if (n + padded.length > packing.length) {
      const grown = new Int32Array(2 * (n + padded.length));
      grown.set(packing.subarray(0, n));
      packing = grown;
    }
    for (let i = 0; i + 4 <= padded.length; i++) {
      const a = padded.charCodeAt(i);
      const b = padded.charCodeAt(i + 1);
      const c = padded.charCodeAt(i + 2);
      const d = padded.charCodeAt(i + 3);
      if ((a | b | c | d) < 128) packing[n++] = (a << 21) | (b << 14) | (c << 7) | d;
      else other.add(padded.slice(i, i + 4));
    }
  }
  return { ascii: distinctSorted(packing.subarray(0, n)), other: other.size === 0 ? [] : [...other].sort() };
}

export const gramCount = (set: GramSet) => set.ascii.length + set.other.length;

/** How many grams two sets share. */
export const sharedGrams = (x: GramSet, y: GramSet): number => sharedCount(x.ascii, y.ascii) + sharedCount(x.other, y.other);

/** The grams of a set as text (for tests and checks). */
export const gramsOf = (set: GramSet): string[] => [...Array.from(set.ascii, (n) => String.fromCharCode(n >> 21, (n >> 14) & 127, (n >> 7) & 127, n & 127)), ...set.other];
