/**
 * Misspelt names, read as meant: a word the coverage never uses is matched against the names and rare
 * words it does use (a Levenshtein search of MiniSearch's radix tree, SearchableMap, over the index's own
 * vocabulary: one edit for words up to seven letters, two beyond), "prigozin" → "prigozhin", "vladivostock" →
 * "vladivostok". Only a word the coverage does not know is ever changed, and only into a name (a word the
 * coverage nearly always capitalises) or a rare long word: an ordinary English word the coverage happens not
 * to use ("boil", "router") has no close name, and an inflection of a known word ("Ukrainians", "thinks") is
 * left alone. Candidates are ranked as MiniSearch's fuzzy search ranked them when it did this: fewer edits
 * for the word's length first, then the commoner word; the tree alone holds a third of the memory of a
 * MiniSearch index of the same words (9 against 29 MB at 100k chunks).
 * (Apostrophe-less possessives, "kims train", need nothing here: the stemmer already reads "kims" as "kim".)
 */
import SearchableMap from 'minisearch/SearchableMap';

/** Words shorter than this are never corrected: too many short words are one edit apart. */
const MIN_LENGTH = 5;
/** A word that is not a name is a correction target only when this long and this rare in the coverage. */
const RARE_WORD = { minLength: 7, maxCount: 3 };
const INFLECTION = /(?:'s|’s|s|es|ed|d|ing|er|est|ly)$/;
const WORD = /[\p{L}][\p{L}'’-]*/gu;

export interface Correction {
  from: string;
  to: string;
}

/** A word of the coverage: how often it occurs, and how often capitalised (names nearly always are). */
type WordCount = [count: number, capitalised: number];

/**
 * The words of a coverage, counted. Kept compact, for every process holds one (at 100k chunks about 71,000
 * words): one Map from word to its number, the counts in typed arrays beside the words' list.
 */
export class Vocabulary {
  /** The words an unknown one may be corrected into, with their counts: built on first use. */
  private targets: SearchableMap<number> | undefined;
  private readonly ids: Map<string, number>;
  private readonly words: string[];
  private readonly totals: Uint32Array;
  private readonly capitalised: Uint32Array;

  /** The words, how often each occurs, and how often capitalised (names nearly always are). */
  private constructor(words: string[], totals: Uint32Array, capitalised: Uint32Array) {
    this.words = words;
    this.totals = totals;
    this.capitalised = capitalised;
    this.ids = new Map(words.map((word, id) => [word, id]));
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

  static fromJSON(entries: [string, number, number][]): Vocabulary {
    return new Vocabulary(
      entries.map(([word]) => word),
      Uint32Array.from(entries, ([, count]) => count),
      Uint32Array.from(entries, ([, , capitalised]) => capitalised),
    );
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
      if (this.ids.has(stem) || this.ids.has(`${stem}e`) || this.ids.has(stem.replace(/i$/, 'y'))) return true;
    }
    return false;
  }

  has(word: string): boolean {
    return this.ids.has(word.toLowerCase());
  }

  /** The known word closest to an unknown one, or undefined when none is close enough. */
  closest(word: string): string | undefined {
    // Built on first use: most questions have no unknown word. Each word is one key, hyphens and all ("jong-un").
    this.targets ??= (() => {
      const targets = new SearchableMap<number>();
      this.words.forEach((known, id) => this.isTarget(id) && targets.set(known, this.totals[id]!));
      return targets;
    })();
    const lower = word.toLowerCase();
    let best: { word: string; score: number; count: number } | undefined;
    for (const [candidate, [count, edits]] of this.targets.fuzzyGet(lower, lower.length <= 7 ? 1 : 2)) {
      // MiniSearch's weight of a fuzzy match: the fewer edits for the candidate's length, the closer.
      const score = candidate.length / (candidate.length + edits);
      // A closer match scores higher; among equally close ones, the commoner word wins.
      if (!best || score > best.score + 1e-9 || (Math.abs(score - best.score) <= 1e-9 && count > best.count)) best = { word: candidate, score, count };
    }
    return best?.word;
  }

  /** The question with unknown words corrected, and the corrections made. */
  correct(question: string): { text: string; corrections: Correction[] } {
    const corrections: Correction[] = [];
    const text = question.replace(WORD, (word) => {
      const lower = word.toLowerCase();
      if (lower.length < MIN_LENGTH || this.ids.has(lower) || this.isInflection(lower)) return word;
      const closest = this.closest(lower);
      // "change" is not a misspelling of "changes": an inflection of the word itself is no correction.
      if (!closest || (closest.startsWith(lower) && INFLECTION.test(closest.slice(lower.length - 1)))) return word;
      // The user's capitalisation is kept: "Prigozin" → "Prigozhin", "prigozin" → "prigozhin".
      const fixed = word[0] !== lower[0] ? closest[0]!.toUpperCase() + closest.slice(1) : closest;
      corrections.push({ from: word, to: fixed });
      return fixed;
    });
    return { text, corrections };
  }

  toJSON(): [string, number, number][] {
    return this.words.map((word, id) => [word, this.totals[id]!, this.capitalised[id]!]);
  }
}
