/**
 * Which words of a question a sentence says in other words: WordNet's synonyms (two words sharing one of
 * their three most frequent senses: "drill" and "exercise", "film" and "movie") and the direct hypernyms of a
 * word's most frequent sense in each part of speech ("jet" is a kind of "plane", "missile" of "weapon"). The table is made from WordNet 3.1
 * by `npm run train-reader` (scripts/wordnet-table.ts) and stored in the reader model file, since the model
 * was trained on the matches it gives.
 *
 * Table text: one line per word, `word synonymGroups|hypernymGroups` and, for a noun, `|nounClasses` (one number,
 * `nounClasses` below), groups as comma-separated integers
 * (a group is one WordNet sense; two words match when a group of one is a group of the other); and apart, each
 * word's direct antonyms, which the answerability model counts (SQuAD 2.0 writes unanswerable questions by
 * swapping a word for its antonym).
 */
import { distinctSorted, intersects } from './sorted.js';

export interface SynonymTableFile {
  /** Where the table came from, and WordNet's licence notice, which must go with every copy. */
  source: string;
  /** Lines of `word s1,s2|h1,h2` or `word s1,s2|h1,h2|classes`, sorted by word. */
  words: string;
  /** Lines of `word antonym1,antonym2`: WordNet's direct antonyms ("increase" / "decrease"), sorted by word. */
  antonyms?: string;
  /**
   * Lines of `word code`: the words compromise's lexicon tags as names, titles, places, organisations or peoples,
   * code = class (name-class.ts LEXICON_CLASSES) + 4 when the word is a name (not a title or a people), sorted.
   */
  names?: string;
}

/**
 * The groups a sentence's or a question's words fall in: their senses, and their first senses' hypernyms,
 * each sorted and distinct. (Kept for every sentence read: a typed array is one small object to keep, where a
 * Set was a hash table.)
 */
export interface WordGroups {
  senses: Int32Array;
  hypernyms: Int32Array;
}

let nextId = 0;

/**
 * The lemmas a regular inflection may come from: "toured" → tour, "closed" → close, "repelled" → repel (a doubled
 * consonant), "summaries" / "carried" → summary / carry, "tighter" / "largest" → tight / large, "officially" → official.
 */
function stemsOf(word: string): string[] {
  const stems: string[] = [];
  const y = /(?:ies|ied|ier|iest|ily)$/.exec(word);
  if (y && y.index >= 2) stems.push(`${word.slice(0, y.index)}y`);
  const ending = /(?:s|es|ed|d|ing|er|ers|est|ly)$/.exec(word);
  if (ending && ending.index >= 3) {
    const stem = word.slice(0, ending.index);
    stems.push(stem, `${stem}e`);
    if (/([b-df-hj-np-tv-z])\1$/.test(stem)) stems.push(stem.slice(0, -1));
  }
  return stems;
}

export class Synonyms {
  /** Distinguishes tables in caches (a process holds one model, tests may hold two). */
  readonly id = nextId++;
  private words: WordTable | undefined;
  private data: Int32Array = new Int32Array(0);

  private antonymTable: Map<string, readonly string[]> | undefined;
  private nameTable: Map<string, number> | undefined;

  constructor(private readonly file: SynonymTableFile) {}

  /** A lower-cased word's code in the names table (`SynonymTableFile.names`), -1 for a word it lacks. */
  nameCode(word: string): number {
    if (!this.nameTable) {
      this.nameTable = new Map();
      for (const line of (this.file.names ?? '').split('\n')) {
        const space = line.lastIndexOf(' ');
        if (space > 0) this.nameTable.set(line.slice(0, space), Number(line.slice(space + 1)));
      }
    }
    return this.nameTable.get(word) ?? -1;
  }

  /** The direct antonyms of a word (lower-cased word or lemma); none for a table without them. */
  antonyms(word: string): readonly string[] {
    if (!this.antonymTable) {
      this.antonymTable = new Map();
      for (const line of (this.file.antonyms ?? '').split('\n')) {
        const space = line.indexOf(' ');
        if (space > 0) this.antonymTable.set(line.slice(0, space), line.slice(space + 1).split(','));
      }
    }
    return this.antonymTable.get(word) ?? [];
  }

  /**
   * Parsed on first use (about 30 ms): the table is only needed once a question is read. Looked up through a
   * compact hash table (WordTable), not a Map of its 66,653 words (about 6.5 MB of every answering process's heap:
   * docs/SCALING.md).
   */
  private table(): WordTable {
    if (this.words) return this.words;
    const text = this.file.words;
    const data = new Int32Array(text.length);
    const starts: number[] = [];
    const ends: number[] = [];
    const offsets: number[] = [];
    let size = 0;
    let at = 0;
    while (at < text.length) {
      let end = text.indexOf('\n', at);
      if (end < 0) end = text.length;
      const space = text.indexOf(' ', at);
      if (space > at && space < end) {
        const start = size;
        starts.push(at);
        ends.push(space);
        offsets.push(start);
        size += 3;
        // Numbers until the first '|' are senses, then hypernyms, and after a second '|' the noun classes.
        let section = 0;
        let value = -1;
        for (let i = space + 1; i <= end; i++) {
          const c = i < end ? text.charCodeAt(i) : 44;
          if (c >= 48 && c <= 57) value = (value < 0 ? 0 : value * 10) + c - 48;
          else {
            if (value >= 0 && section === 2) data[start + 2] = value;
            else if (value >= 0 && section < 2) {
              data[size++] = value;
              data[start + section]!++;
            }
            value = -1;
            if (c === 124) section++;
          }
        }
      }
      at = end + 1;
    }
    this.data = data.slice(0, size);
    return (this.words = new WordTable(text, Int32Array.from(starts), Int32Array.from(ends), Int32Array.from(offsets)));
  }

  /**
   * Whether a lower-cased word is one of WordNet's entries (a lemma or an inflection it lists), or a regular
   * inflection of one ("trains", "toured"). WordNet holds some names too ("kremlin", "putin").
   */
  isWord(word: string): boolean {
    const table = this.table();
    return table.find(word) >= 0 || stemsOf(word).some((stem) => table.find(stem) >= 0);
  }

  /**
   * A lower-cased noun's classes (src/reader/name-class.ts NOUN_CLASSES): its first sense's class plus 16 times
   * the mask of its three most frequent senses' classes (bit c - 1 for class c); 0 for a word the table does not
   * class (a table made before the classes, or a word WordNet has no noun sense of these files for).
   */
  nounClasses(word: string): number {
    const at = this.table().find(word);
    return at < 0 ? 0 : this.data[at + 2]!;
  }

  /** The groups of some words (lower-cased words and lemmas). */
  groups(words: Iterable<string>): WordGroups {
    const table = this.table();
    const data = this.data;
    const found: number[] = [];
    let senseCount = 0;
    let hypernymCount = 0;
    for (const word of words) {
      const at = table.find(word);
      if (at < 0) continue;
      found.push(at);
      senseCount += data[at]!;
      hypernymCount += data[at + 1]!;
    }
    const senses = new Int32Array(senseCount);
    const hypernyms = new Int32Array(hypernymCount);
    let s = 0;
    let h = 0;
    for (const at of found) {
      const end = at + 3 + data[at]!;
      for (let i = at + 3; i < end; i++) senses[s++] = data[i]!;
      for (let i = end; i < end + data[at + 1]!; i++) hypernyms[h++] = data[i]!;
    }
    return { senses: distinctSorted(senses), hypernyms: distinctSorted(hypernyms) };
  }
}

/** Whether the sentence has a synonym of the question word. */
export const saysSynonym = (word: WordGroups, sentence: WordGroups) => intersects(word.senses, sentence.senses);

/** Whether the sentence has a synonym, a kind of (a jet for a plane) or a hypernym of (a plane for a jet) the question word. */
export const saysRelated = (word: WordGroups, sentence: WordGroups) =>
  intersects(word.senses, sentence.senses) || intersects(word.senses, sentence.hypernyms) || intersects(word.hypernyms, sentence.senses);

/**
 * The table's words, where each starts and ends in the file's text, and where its groups start in the numbers,
 * found through an open-addressing hash table of their numbers (a typed array: linear probing, the word compared in
 * place, so no string is made for a look-up). As fast as a Map from word to offset (a binary search over the sorted
 * words took half as long again), in a fifth of its memory.
 */
class WordTable {
  private readonly slots: Int32Array;
  private readonly mask: number;

  constructor(
    private readonly text: string,
    private readonly starts: Int32Array,
    private readonly ends: Int32Array,
    private readonly offsets: Int32Array,
  ) {
    // At most two thirds full: a power of two at least one and a half times the words (131,072 slots for WordNet's
    // 66,653: half a megabyte, with the three arrays of 0.8 MB beside it).
    let size = 1;
    while (size < 1.5 * starts.length) size *= 2;
    this.mask = size - 1;
    this.slots = new Int32Array(size).fill(-1);
    for (let i = 0; i < starts.length; i++) {
      let slot = fnv(text, starts[i]!, ends[i]!) & this.mask;
      while (this.slots[slot] !== -1) slot = (slot + 1) & this.mask;
      this.slots[slot] = i;
    }
  }

  /** Where a word's groups start in the numbers, or -1 for a word the table does not hold. */
  find(word: string): number {
    let slot = fnv(word, 0, word.length) & this.mask;
    for (let i = this.slots[slot]!; i !== -1; i = this.slots[slot]!) {
      if (this.equals(word, i)) return this.offsets[i]!;
      slot = (slot + 1) & this.mask;
    }
    return -1;
  }

  private equals(word: string, i: number): boolean {
    const start = this.starts[i]!;
    if (this.ends[i]! - start !== word.length) return false;
    for (let k = 0; k < word.length; k++) if (word.charCodeAt(k) !== this.text.charCodeAt(start + k)) return false;
    return true;
  }
}

/** FNV-1a over the UTF-16 code units of `text` from `start` to `end`: a word's, or one of the table's in its text. */
function fnv(text: string, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let k = start; k < end; k++) h = Math.imul(h ^ text.charCodeAt(k), 0x01000193);
  return h >>> 0;
}
