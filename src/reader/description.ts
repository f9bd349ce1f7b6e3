/**
 * Where a sentence says what someone or something is, for definition.ts: the name asked about, found whole
 * ("Peskov" asked, "Dmitry Peskov" written), and the description beside it, in the ways news text gives one:
 *
 *  - an apposition after the name: "Sasha Baker, *the US acting undersecretary of defence for policy*, said";
 *  - the name, then "is" or "was": "Prigozhin was *the founder of the Wagner group*";
 *  - an apposition before the name: "*the editor of Electrical World magazine*, Thomas Commerford Martin";
 *  - a title before a person's name: "*Kremlin spokesman* Dmitry Peskov said";
 *  - for a named thing, the words a sentence puts inside its name ("the *Wagner mercenary group*").
 *
 * Patterns over the tokens and tags stored at embed time (annotate.ts), measured in docs/EVALUATION.md.
 */
import type { Token } from './annotate.js';
import { PARTICLE } from './candidates.js';
import type { SentenceView } from './context.js';

/** What a "who/what is X" question names: X's terms, in order, and whether it asks for a person. */
export interface DefinitionSubject {
  terms: string[];
  who: boolean;
}

/** What the patterns read of a sentence: its tokens and their terms. */
export type WordsOf = Pick<SentenceView, 'annotated' | 'stems'>;

export interface Description {
  /** Token range of the description in the sentence (inclusive). */
  first: number;
  last: number;
}

/** A copula: "X *was* the founder of …". */
export const BE = /^(is|was|are|were)$/;
const isWord = (t: Token) => /[\p{L}\p{N}]/u.test(t.text);
const capitalised = (t: Token) => /^\p{Lu}/u.test(t.text);
const lowerNoun = (t: Token) => (t.pos === 'NOUN' || t.pos === 'ADJ') && /^\p{Ll}/u.test(t.text);
/** Punctuation that ends an apposition or a copula's complement (a hyphen inside a word does not: "FCC-licensed"). */
const CLAUSE_PUNCTUATION = /^([,.;:!?()"“”‘’]|—|–|-)$/;
/** Words that open a clause of their own: "X, *who* was killed …". */
const CLAUSE_WORD = /^(who|which|whose|that|but|said|says|told)$/i;
const NOUN_LIKE = new Set(['NOUN', 'PROPN', 'ADJ', 'NUM']);

/** Whether the token at `i` ends a description: punctuation between words, a clause word, or "and" not joining two nouns. */
function endsPhrase(tokens: Token[], i: number): boolean {
  const t = tokens[i]!;
  if (CLAUSE_PUNCTUATION.test(t.text)) {
    const before = tokens[i - 1];
    const after = tokens[i + 1];
    return !(/^[-–]$/.test(t.text) && before && after && before.end === t.start && t.end === after.start);
  }
  if (CLAUSE_WORD.test(t.text)) return true;
  if (t.pos === 'CCONJ') return !(NOUN_LIKE.has(tokens[i - 1]?.pos ?? '') && NOUN_LIKE.has(tokens[i + 1]?.pos ?? ''));
  return false;
}

/** Where the subject's terms stand in the sentence, in order, at most two words between two of them; null when they don't. */
function findSubject(view: WordsOf, terms: string[]): { first: number; last: number; gaps: number[] } | null {
  const { stems, annotated } = view;
  for (let start = 0; start < stems.length; start++) {
    if (stems[start] !== terms[0]) continue;
    let at = start;
    const gaps: number[] = [];
    let found = true;
    for (const term of terms.slice(1)) {
      let next = -1;
      for (let j = at + 1; j <= at + 3 && j < stems.length; j++) {
        if (!isWord(annotated.tokens[j]!)) break;
        if (stems[j] === term) {
          next = j;
          break;
        }
      }
      if (next < 0) {
        found = false;
        break;
      }
      for (let j = at + 1; j < next; j++) gaps.push(j);
      at = next;
    }
    if (found) return { first: start, last: at, gaps };
  }
  return null;
}

/** The name found (token range, inclusive), the words inside it that are not the question's, and the question's words' own range. */
export interface NameFound {
  first: number;
  last: number;
  gaps: number[];
  asked: { first: number; last: number };
}

/**
 * Where a sentence names the subject, extended to the whole name ("Peskov" asked, "Dmitry Peskov" written);
 * null when it does not. A person is named in capitalised words ("who is kims wife" asks for a name, the
 * sentence says "Kim's *wife*"), a thing in one at least.
 */
export function nameIn(view: WordsOf, subject: DefinitionSubject): NameFound | null {
  const tokens = view.annotated.tokens;
  const found = findSubject(view, subject.terms);
  if (!found) return null;
  let first = found.first;
  let last = found.last;
  // Widened over the name's capitalised words, and over a lower-case particle between two ("Lula *da* Silva").
  const nameWord = (k: number) => tokens[k] !== undefined && tokens[k]!.pos === 'PROPN' && capitalised(tokens[k]!);
  const particle = (k: number) => PARTICLE.test(tokens[k]?.text ?? '');
  for (;;) {
    if (nameWord(first - 1)) first--;
    else if (particle(first - 1) && nameWord(first - 2)) first -= 2;
    else break;
  }
  for (;;) {
    if (nameWord(last + 1) && !SUFFIX.test(tokens[last + 1]!.text)) last++;
    else if (particle(last + 1) && nameWord(last + 2)) last += 2;
    else break;
  }
  const named = tokens.slice(found.first, found.last + 1).filter((t, i) => !found.gaps.includes(found.first + i) && !PARTICLE.test(t.text));
  if (subject.who ? !named.every(capitalised) : !tokens.slice(first, last + 1).some(capitalised)) return null;
  // "who is south korean president": the words asked are a title before a name ("South Korean President Yoon
  // Suk-yeol"), and the question asks for that name.
  if (subject.who && last > found.last) return null;
  // "Philip I", "Martin Luther King Jr": a name's number or suffix is part of it.
  while (last + 1 < tokens.length && SUFFIX.test(tokens[last + 1]!.text)) last++;
  return { first, last, gaps: found.gaps, asked: { first: found.first, last: found.last } };
}

/** What may follow a name as part of it: a regnal number, Jr or Sr. */
const SUFFIX = /^(?:[IVX]{1,4}|Jr\.?|Sr\.?)$/;

/** Words that open an amount or a time, not a description: "*more than* 1,500km to the north", "*the next* day". */
const QUANTITY = /^(more|less|fewer|about|some|over|under|nearly|almost|around|up|just|only|at)$/i;
export const TIME_WORD = /^(day|days|week|weeks|month|months|year|years|morning|afternoon|evening|night|time|today|yesterday|tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|july|august|september|october|november|december)$/i;
/** Adjectives that rank or point rather than describe: "the *first* since 2019". */
const NOT_A_HEAD = /^(first|second|third|last|next|only|same|other|latest|previous|former|\p{L}+est)$/iu;

/**
 * A run of tokens that reads as a description: a few words, no clause, not an amount or a time, and a head noun
 * (the last noun or adjective before its first preposition): "the *head* of Ukraine’s military intelligence", "an
 * Australian public X.25 *network* operated by Telstra", "the Wagner *chief*" (wink tags "chief" as an adjective).
 */
function describes(tokens: Token[], first: number, last: number): boolean {
  if (last < first || last - first >= 16) return false;
  const run = tokens.slice(first, last + 1);
  const opening = run[0]!;
  if (!['DET', 'ADJ', 'NOUN', 'PROPN'].includes(opening.pos) || CLAUSE_WORD.test(opening.text) || QUANTITY.test(opening.text)) return false;
  if (run.some((t, i) => t.pos === 'AUX' || t.pos === 'PRON' || endsPhrase(tokens, first + i))) return false;
  const preposition = run.findIndex((t) => t.pos === 'ADP' || t.text.toLowerCase() === 'to');
  const head = run.slice(0, preposition < 0 ? run.length : preposition).findLast((t) => NOUN_LIKE.has(t.pos));
  return head !== undefined && lowerNoun(head) && !NOT_A_HEAD.test(head.text) && !TIME_WORD.test(head.text);
}

/**
 * Where a title ends before token `end` starts: the words before it that a title is made of ("Russian defence",
 * "Ukraine's foreign"; nouns, adjectives, proper nouns and possessives, and hyphens when `hyphens` is set:
 * "vice-president"), at most eight, never across a time ("On Monday defence minister …"). The description rule
 * walks back from a name, the role rule (role.ts) from a role's noun.
 */
export function titleStart(tokens: Token[], end: number, hyphens = false): number {
  let start = end;
  while (start > 0 && end - start < 8) {
    const t = tokens[start - 1]!;
    const possessive = t.pos === 'PART' && /^['’]s$/.test(t.text);
    const word = (t.pos === 'NOUN' || t.pos === 'ADJ' || t.pos === 'PROPN') && isWord(t);
    if (!(possessive || word || (hyphens && /^[-‐‑]$/.test(t.text))) || TIME_WORD.test(t.text)) break;
    start--;
  }
  return start;
}

/** A title's last word: a role in the singular ("spokesman", "chief"), not a plural ("concerns", "reports") or a time. */
const titleHead = (t: Token) => lowerNoun(t) && !(/s$/.test(t.text) && !/ss$/.test(t.text)) && !TIME_WORD.test(t.text) && !NOT_A_HEAD.test(t.text);

/** The end (exclusive) of the phrase starting at `from`: the next punctuation or clause word. */
function phraseEnd(tokens: Token[], from: number): number {
  let end = from;
  while (end < tokens.length && !endsPhrase(tokens, end)) end++;
  return end;
}

/** The start of the phrase ending at `to`: just after the punctuation before it, or the sentence's start. */
function phraseStart(tokens: Token[], to: number): number {
  let start = to;
  while (start > 0 && !endsPhrase(tokens, start - 1)) start--;
  return start;
}

/**
 * The description a sentence gives of the subject, or null: an apposition or a copula's complement after it, an
 * apposition before it, a title before a person's name (who-questions), or, for a named thing, the words inside
 * its name.
 */
export function descriptionIn(view: WordsOf, subject: DefinitionSubject): Description | null {
  const tokens = view.annotated.tokens;
  const found = nameIn(view, subject);
  if (!found) return null;
  const { first, last } = found;

  const next = tokens[last + 1];
  // Apposition: "X, the …, said".
  if (next?.text === ',') {
    const end = phraseEnd(tokens, last + 2);
    const closed = end < tokens.length && /^[,.;:—–()]$/.test(tokens[end]!.text);
    if (closed && describes(tokens, last + 2, end - 1)) return { first: last + 2, last: end - 1 };
  }
  // Copula: "X was the founder of …" (an article first: "X was due to speak" describes nothing).
  if (next && BE.test(next.text.toLowerCase()) && /^(a|an|the)$/i.test(tokens[last + 2]?.text ?? '')) {
    const end = phraseEnd(tokens, last + 2);
    if (describes(tokens, last + 2, end - 1)) return { first: last + 2, last: end - 1 };
  }
  // The apposition before, the name set off after it: "the editor of Electrical World magazine, Thomas Commerford
  // Martin (a friend)" ("The next day, Peskov told" is a time, "In talks, Peskov said" no apposition).
  const setOff = !next || /^[,.;:—–(]$/.test(next.text);
  if (setOff && first >= 2 && tokens[first - 1]!.text === ',') {
    const start = phraseStart(tokens, first - 2);
    if (tokens[start]!.pos === 'DET' && describes(tokens, start, first - 2)) return { first: start, last: first - 2 };
  }
  // Title: "Kremlin spokesman Dmitry Peskov" (not "amid concerns Putin is …", not "On Monday Kremlin spokesman").
  if (subject.who && tokens[last]!.pos === 'PROPN' && first > 0 && titleHead(tokens[first - 1]!)) return { first: titleStart(tokens, first), last: first - 1 };
  // A named thing's own words: "the Wagner mercenary group" for "the wagner group".
  if (!subject.who && found.gaps.length > 0 && found.gaps.every((i) => lowerNoun(tokens[i]!))) return { first, last };
  return null;
}
