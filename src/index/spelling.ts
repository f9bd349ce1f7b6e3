/**
 * Misspelt names, read as meant: a word the coverage never uses is matched against the names and rare
 * words it does use (a Levenshtein search over the index's own vocabulary: one edit for words up to seven
 * letters, two beyond), "prigozin" → "prigozhin", "vladivostock" → "vladivostok". Only a word the coverage
 * does not know is ever changed, and only into a name (a word the coverage nearly always capitalises) or a
 * rare long word: an ordinary English word the coverage happens not to use ("boil", "router") has no close
 * name, and an inflection of a known word ("Ukrainians", "thinks") is left alone. Candidates are ranked as
 * MiniSearch's fuzzy search ranked them when it did this: fewer edits for the word's length first, then the
 * commoner word, then the first in alphabetical order.
 *
 * The search is mnemonist's Passjoin index (Li, Deng, Wang and Feng, VLDB 2011: a word within k edits of
 * another shares one of its k + 1 segments whole), its candidates checked by fastest-levenshtein. It finds
 * the same words as the Levenshtein walk of MiniSearch's radix tree that did this before, about 20 times
 * faster (at 100k chunks, 32,526 target words: 0.17 against 3.4 ms a word, the same matches for 536 unknown
 * words of SciFact's questions and misspellings; docs/SCALING.md), in less memory (7.6 against 9.9 MB); the
 * walk took 3-6 ms for a long unknown word, before the question could be embedded.
 * (An apostrophe-less possessive of a known name, "kims train", needs nothing here: the stemmer reads "kims" as "kim";
 * a misspelt one keeps its s, "prigozins" → "prigozhins".) A misspelt common word of the coverage is read as that word
 * too ("artilery" → "artillery"), when English does not know it and it is not capitalised inside the question (a name).
 */
import { createRequire } from 'node:module';
import { distance } from 'fastest-levenshtein';
import { itself, lowerBound } from '../lower-bound.js';
import { oneEditFrom, oneSlip } from './slips.js';

/**
 * mnemonist's module of the index alone (its package exports single modules to `require` only; its ESM
 * entry loads every structure it has, about 17 MB and 0.3 s), loaded when a first unknown word is met.
 */
const loadPassjoin = () => createRequire(import.meta.url)('mnemonist/passjoin-index.js') as PassjoinIndexClass;

/** What this module uses of mnemonist's PassjoinIndex (its typings describe an ESM default export the package does not give `import`). */
interface PassjoinIndexClass {
  from(words: Iterable<string>, levenshtein: (a: string, b: string) => number, k: number): { search(query: string): Set<string> };
}

/**
 * The other spelling of a word spelt one way in American English and another in British English ("defense" /
 * "defence", "color" / "colour", "traveled" / "travelled", "center" / "centre"): the 1,714 American and 1,738
 * British spellings listed by the american-british-english-translator package (MIT), read when a first
 * unknown word is met. News written in one reads as well asked in the other.
 */
let otherSpellings: Map<string, string> | undefined;
/**
 * American spellings that British English uses too, for another sense or word class: a computer program, a gas
 * meter, the noun practice, to license, a draft law, to tire, a (metric) ton against a tonne, a disk. They are
 * not read as the British word.
 */
const ALSO_BRITISH = /^(?:tons?|disks?|tires?|drafts?|drafted|drafting|programs?|meters?|practices?|licenses?|licensed|licensing)$/;
function otherSpelling(word: string): string | undefined {
  otherSpellings ??= (() => {
    const require = createRequire(import.meta.url);
    const american = require('american-british-english-translator/data/american_spellings.json') as Record<string, string>;
    const british = require('american-british-english-translator/data/british_spellings.json') as Record<string, string>;
    return new Map([...Object.entries(american).filter(([us]) => !ALSO_BRITISH.test(us)), ...Object.entries(british)]);
  })();
  return otherSpellings.get(word);
}

/** Words shorter than this are never corrected: too many short words are one edit apart. */
const MIN_LENGTH = 5;
/** Words shorter than this are not looked up among the other spellings either ("ax" / "axe" is no question's word). */
const MIN_SPELLING_LENGTH = 3;
/**
 * Edits allowed for a word: one up to seven letters, two beyond, where two must be one slip (`oneSlip`: neighbours
 * swapped, "prigzohin"; or one edit apart once written alike, "Prigojin"): two edits of any kind made other names of
 * the coverage's ("Avdiivka" read as "Andriivka", "Bogdanov" as "Budanov", "Navalnaya" as "Navalny").
 */
const maxEdits = (word: string) => (word.length <= 7 ? 1 : 2);

/** Longer words are not looked for among the common words: the edits grow with the word (about 54 per letter), and no English word is this long. */
const COMMON_MAX_LENGTH = 24;
const MOST_EDITS = 2;
/** A word that is not a name is a correction target only when this long and this rare in the coverage. */
const RARE_WORD = { minLength: 7, maxCount: 3 };
const INFLECTION = /(?:'s|’s|s|es|ed|d|ing|er|est|ly)$/;
const WORD = /[\p{L}][\p{L}'’-]*/gu;

/** A word's first letter without its accents ("ö" is "o": "Erdogan" asked, "Erdoğan" written). */
const firstLetter = (word: string) => word.normalize('NFD')[0]!.toLowerCase();

export interface Correction {
  from: string;
  to: string;
}

/** A word of the coverage: how often it occurs, and how often capitalised (names nearly always are). */
type WordCount = [count: number, capitalised: number];

/**
 * The words of a coverage, counted. Kept compact, for every process holds one (at 100k chunks about 71,000
 * words): the words sorted (a word is found by binary search, where a Map from word to number took 3.5 MB more
 * at 100k chunks), the counts in typed arrays beside them.
 */
export class Vocabulary {
  /** The words an unknown one may be corrected into, with their counts: built on first use. */
  private targets: { search(query: string): Set<string> } | undefined;
  private readonly words: string[];
  private readonly totals: Uint32Array;
  private readonly capitalised: Uint32Array;

  /** The words (sorted), how often each occurs, and how often capitalised (names nearly always are). */
  private constructor(words: string[], totals: Uint32Array, capitalised: Uint32Array) {
    this.words = words;
    this.totals = totals;
    this.capitalised = capitalised;
  }

  /** The vocabulary of texts: their lower-cased words, counted. */
  static of(texts: Iterable<string>): Vocabulary {
    const entries = new Map<string, WordCount>();
    for (const text of texts) {
      for (const word of text.match(WORD) ?? []) {
        const lower = word.toLowerCase();
        const entry = entries.get(lower) ?? [0, 0];
        entry[0]++;
        if (word[0] !== lower[0]) entry[1]++;
        entries.set(lower, entry);
      }
    }
    return Vocabulary.fromJSON([...entries].map(([word, [count, capitalised]]) => [word, count, capitalised]));
  }

  /** The vocabulary saved by `toJSON` (sorted since the eighteenth session; sorted here when not). */
  static fromJSON(entries: [string, number, number][]): Vocabulary {
    if (!entries.every(([word], i) => i === 0 || entries[i - 1]![0] < word)) entries = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return new Vocabulary(
      entries.map(([word]) => word),
      Uint32Array.from(entries, ([, count]) => count),
      Uint32Array.from(entries, ([, , capitalised]) => capitalised),
    );
  }

  /** The number of a lower-cased word, or -1 when the coverage does not use it. */
  private idOf(word: string): number {
    const at = lowerBound(this.words, word, itself);
    return this.words[at] === word ? at : -1;
  }

  private known(word: string): boolean {
    return this.idOf(word) >= 0;
  }

  /** A word an unknown one may be corrected into: a name (capitalised four times in five) or a rare long word. */
  private isTarget(id: number): boolean {
    const word = this.words[id]!;
    const count = this.totals[id]!;
    if (word.length < MIN_LENGTH - 1) return false;
    return this.capitalised[id]! >= 0.8 * count || (word.length >= RARE_WORD.minLength && count <= RARE_WORD.maxCount);
  }

  /** "Ukrainians", "thinks", "changed": a regular inflection of a word the coverage uses. */
  private isInflection(word: string): boolean {
    for (let match = INFLECTION.exec(word); match; match = null) {
      const stem = word.slice(0, match.index);
      if (this.known(stem) || this.known(`${stem}e`) || this.known(stem.replace(/i$/, 'y'))) return true;
    }
    return false;
  }

  has(word: string): boolean {
    return this.known(word.toLowerCase());
  }

  /**
   * The index of the words an unknown one may be corrected into. Built on first use (most questions have no unknown
   * word), or by `warm`. Each word is one entry, hyphens and all ("jong-un").
   */
  private targetIndex(): { search(query: string): Set<string> } {
    return (this.targets ??= loadPassjoin().from(
      this.words.filter((_, id) => this.isTarget(id)),
      distance,
      MOST_EDITS,
    ));
  }

  /**
   * Builds the corrections' index now (about 0.15 s at 27,000 chunks, 0.19 s at 100,000), so that the first
   * question with an unknown word does not wait for it: a bot calls this when it opens a version.
   */
  warm(): void {
    this.targetIndex();
  }

  /** Whether the corrections' index is built. */
  get warmed(): boolean {
    return this.targets !== undefined;
  }

  /**
   * The commonest English word of the coverage (of five letters or more) one edit or one swap of neighbours from an
   * unknown word: "artilery" → "artillery", "sanctons" → "sanctions", "trian" → "train". Found by trying every such
   * edit (a few hundred lookups), so no index of the common words is kept.
   */
  private closestCommon(word: string, isWord: (word: string) => boolean): string | undefined {
    let best: { word: string; count: number } | undefined;
    for (const candidate of oneEditFrom(word)) {
      if (candidate.length < MIN_LENGTH || candidate === best?.word) continue;
      const id = this.idOf(candidate);
      if (id < 0 || !isWord(candidate)) continue;
      const count = this.totals[id]!;
      if (!best || count > best.count || (count === best.count && candidate < best.word)) best = { word: candidate, count };
    }
    return best?.word;
  }

  /** The known word closest to an unknown one, or undefined when none is close enough. */
  closest(word: string): string | undefined {
    const lower = word.toLowerCase();
    const allowed = maxEdits(lower);
    let best: { word: string; score: number; count: number } | undefined;
    for (const candidate of this.targetIndex().search(lower)) {
      const edits = distance(lower, candidate);
      if (edits > allowed || (edits === 2 && !oneSlip(lower, candidate))) continue;
      const count = this.totals[this.idOf(candidate)]!;
      // MiniSearch's weight of a fuzzy match: the fewer edits for the candidate's length, the closer.
      const score = candidate.length / (candidate.length + edits);
      // A closer match scores higher; among equally close ones, the commoner word wins, then the first alphabetically.
      const closer = !best || score > best.score + 1e-9 || (Math.abs(score - best.score) <= 1e-9 && (count > best.count || (count === best.count && candidate < best.word)));
      if (closer) best = { word: candidate, score, count };
    }
    return best?.word;
  }

  /**
   * The question with unknown words corrected, and the corrections made. `isWord`: whether a lower-cased word is
   * an English word, which is never corrected into a name (the coverage may lack "worth" and name "North" Korea).
   */
  correct(question: string, isWord: (word: string) => boolean = () => false): { text: string; corrections: Correction[] } {
    const corrections: Correction[] = [];
    const text = question.replace(WORD, (word, at: number) => {
      const lower = word.toLowerCase();
      // Only a word the coverage does not know, and no inflection of one ("countries", "denies"), is ever changed.
      if (this.known(lower) || this.isInflection(lower)) return word;
      // A capitalised word inside the question is a name: it may become a name of the coverage, not a common word
      // ("Pence" is not "peace", "Milei" not "miles").
      const name = at > 0 && /^\p{Lu}/u.test(word);
      const fixed = this.correctWord(word, isWord, name);
      // A possessive's name corrected, its "'s" kept: "Erdogan's" → "Erdoğan's", "prigozins" → "prigozhins" (the
      // stemmer reads an apostrophe-less possessive as the name), when that takes fewer edits than the whole word.
      const possessive = /^(.+?)(['’]s|s['’]|s)$/u.exec(word);
      // Not in an English word ("strategies" is no possessive of a "strategie").
      const owner = possessive && !isWord(lower) && this.correctWord(possessive[1]!, isWord, name);
      const edits = (from: string, to: string) => distance(from.toLowerCase(), to.toLowerCase());
      if (owner && (fixed === undefined || edits(possessive[1]!, owner) < edits(word, fixed))) {
        corrections.push({ from: possessive[1]!, to: owner });
        return owner + possessive[2]!;
      }
      if (fixed === undefined) return word;
      corrections.push({ from: word, to: fixed });
      return fixed;
    });
    return { text, corrections };
  }

  /** A word corrected, or undefined when it is known, an inflection of a known word, or has no correction. */
  private correctWord(word: string, isWord: (word: string) => boolean, name = false): string | undefined {
    const lower = word.toLowerCase();
    if (lower.length < MIN_SPELLING_LENGTH || this.known(lower) || this.isInflection(lower)) return undefined;
    // The coverage's own spelling of the word first ("defense" asked, "defence" written), else the closest name.
    const other = otherSpelling(lower);
    // A name or rare word first; else, for a word English does not know either, a common English word of the coverage.
    const closest = other !== undefined && this.known(other) ? other : lower.length < MIN_LENGTH || isWord(lower) ? undefined : (this.closest(lower) ?? (name || lower.length > COMMON_MAX_LENGTH ? undefined : this.closestCommon(lower, isWord)));
    // "change" is not a misspelling of "changes": an inflection of the word itself is no correction.
    if (!closest || (closest.startsWith(lower) && INFLECTION.test(closest.slice(lower.length - 1)))) return undefined;
    // A typo seldom changes a word's first letter; a word that does is another word ("unconfirmed" is not "confirmed",
    // "anonymous" not "synonymous").
    if (firstLetter(closest) !== firstLetter(lower)) return undefined;
    // A name with an "a" added is another name's form, not a slip: a feminine surname ("Peskova" is Peskov's daughter).
    if (lower === `${closest}a`) return undefined;
    // The user's capitalisation is kept: "Prigozin" → "Prigozhin", "prigozin" → "prigozhin".
    return word[0] !== lower[0] ? closest[0]!.toUpperCase() + closest.slice(1) : closest;
  }

  toJSON(): [string, number, number][] {
    return this.words.map((word, id) => [word, this.totals[id]!, this.capitalised[id]!]);
  }
}
