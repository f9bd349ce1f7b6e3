/**
 * Candidate short answers inside a sentence: the entities the tagger found (dates, amounts, numbers, ...),
 * noun phrases (runs of adjectives, nouns, proper nouns and numbers, joined across hyphens and
 * possessives), the proper names inside them, phrases joined by a preposition or "and" ("the University of
 * Chicago", "P and PSPACE"), numbers, adjective phrases ("very rare") and single verbs. Spans are token
 * ranges of an annotated sentence.
 */
import type { Annotated, EntityType, Token } from './annotate.js';

export const CANDIDATE_KINDS = ['DATE', 'TIME', 'DURATION', 'MONEY', 'PERCENT', 'CARDINAL', 'ORDINAL', 'PROPER', 'NOUN_PHRASE', 'ADJECTIVE', 'VERB'] as const;
export type CandidateKind = (typeof CANDIDATE_KINDS)[number];

export interface Candidate {
  /** First and last token index (inclusive). */
  first: number;
  last: number;
  kind: CandidateKind;
}

const PHRASE_POS = new Set(['ADJ', 'NOUN', 'PROPN', 'NUM']);
const HEAD_POS = new Set(['NOUN', 'PROPN', 'NUM']);

/** Tokens written together with no space: "Jong-un", "Komsomolsk-na-Amur". */
const joined = (a: Token, b: Token) => a.end === b.start;
const isHyphen = (t: Token) => /^[-‐‑–]$/.test(t.text);
const isPossessive = (t: Token) => t.pos === 'PART' && /^['’]s?$/.test(t.text);
/** A name's lower-case particle between two of its words: "Luiz Inácio Lula da Silva", "Vincent van Gogh". */
export const PARTICLE = /^(?:da|de|di|do|dos|das|du|del|della|van|von|der|den|ter|ten|bin|ibn|al|el)$/;
const isParticle = (tokens: Token[], k: number) => PARTICLE.test(tokens[k]?.text ?? '') && tokens[k - 1]?.pos === 'PROPN' && tokens[k + 1]?.pos === 'PROPN';
/** A unit written against its number ("1,500km", "$100m", "32m." ending a sentence), and a currency before it ("£75"). */
const UNIT = /^\p{L}{1,3}\.?$/u;
const CURRENCY = /^[$£€¥₽]$/;

/** Maximal noun-phrase runs, as [first, last] token ranges. */
function phraseRuns(tokens: Token[]): [number, number][] {
  const runs: [number, number][] = [];
  let i = 0;
  while (i < tokens.length) {
    if (!PHRASE_POS.has(tokens[i]!.pos)) {
      i++;
      continue;
    }
    let last = i;
    for (;;) {
      const next = tokens[last + 1];
      const after = tokens[last + 2];
      if (next && PHRASE_POS.has(next.pos)) last++;
      // A hyphenated compound is one word, whatever its parts are tagged: "Jong-un", "Komsomolsk-na-Amur".
      else if (next && after && isHyphen(next) && joined(tokens[last]!, next) && joined(next, after)) last += 2;
      else if (next && after && isPossessive(next) && PHRASE_POS.has(after.pos)) last += 2;
      else if (next && isParticle(tokens, last + 1)) last += 2;
      else break;
    }
    // A phrase ends on a noun, proper noun or number: trailing adjectives are dropped.
    let end = last;
    while (end > i && !HEAD_POS.has(tokens[end]!.pos)) end--;
    if (HEAD_POS.has(tokens[end]!.pos)) runs.push([i, end]);
    i = last + 1;
  }
  return runs;
}

function properRuns(tokens: Token[], first: number, last: number): [number, number][] {
  const runs: [number, number][] = [];
  let start = -1;
  for (let i = first; i <= last + 1; i++) {
    const token = tokens[i];
    const previous = tokens[i - 1];
    const inCompound = start >= 0 && previous && token && joined(previous, token) && (isHyphen(token) || isHyphen(previous));
    const proper = i <= last && token && (token.pos === 'PROPN' || inCompound || (start >= 0 && ((isPossessive(token) && tokens[i + 1]?.pos === 'PROPN') || isParticle(tokens, i))));
    if (proper && start < 0) start = i;
    if (!proper && start >= 0) {
      runs.push([start, i - 1]);
      start = -1;
    }
  }
  return runs;
}

/**
 * A number's span with the unit written against it and the currency before it, whole: "1,500km", not "1,500" of
 * it; "$100m"; "£75m" (money then). A short answer is never part of a written word.
 */
function withUnits(tokens: Token[], first: number, last: number, kind: CandidateKind): [number, number, CandidateKind] {
  let [a, b, k] = [first, last, kind];
  const unit = tokens[b + 1];
  if (unit && joined(tokens[b]!, unit) && UNIT.test(unit.text) && /\d/.test(tokens[b]!.text) && (!unit.text.endsWith('.') || b + 2 >= tokens.length)) b++;
  const currency = tokens[a - 1];
  if (currency && joined(currency, tokens[a]!) && CURRENCY.test(currency.text)) [a, k] = [a - 1, 'MONEY'];
  return [a, b, k];
}

/** A piece of a written word: a token that opens with a letter or digit ("00s", "needed"), or a hyphen joining two. */
const wordPiece = (t: Token) => isHyphen(t) || /^[\p{L}\p{N}]/u.test(t.text);

/**
 * Whether tokens `i` and `i + 1` are pieces of one written word. Names joined by a hyphen, each capitalised
 * ("Russia-Ukraine war", "Putin-Kim summit"), are two words: either may be the answer.
 */
function oneWord(tokens: readonly Token[], i: number): boolean {
  const [left, right] = [tokens[i]!, tokens[i + 1]!];
  if (!joined(left, right) || !wordPiece(left) || !wordPiece(right)) return false;
  const hyphen = isHyphen(left) ? i : isHyphen(right) ? i + 1 : -1;
  if (hyphen === -1) return true;
  // A hyphen within a word only: between two of its pieces, against both ("-Kim" and an en dash's range, "1939–1945", are not).
  const piece = (k: number) => tokens[k] !== undefined && !isHyphen(tokens[k]!) && wordPiece(tokens[k]!);
  if (!WORD_HYPHEN.test(tokens[hyphen]!.text) || !piece(hyphen - 1) || !piece(hyphen + 1)) return false;
  if (!joined(tokens[hyphen - 1]!, tokens[hyphen]!) || !joined(tokens[hyphen]!, tokens[hyphen + 1]!)) return false;
  const capital = (k: number) => /^\p{Lu}/u.test(tokens[k]!.text);
  return !(capital(hyphen - 1) && capital(hyphen + 1));
}
/** The hyphens that join a word's pieces: not the en dash, which marks ranges and stands for a dash. */
const WORD_HYPHEN = /^[-‐‑]$/;

/**
 * Tokens `first` to `last` widened to the written words they are part of: "full-fledged" for "fledged", "much-needed
 * cash" for "-needed cash", "300sq" for its "3" (the tagger splits some words). A possessive ("Kim's") or a
 * punctuation mark against a word is no part of it. A short answer is never part of a written word.
 */
export function wholeWords(tokens: readonly Token[], first: number, last: number): [number, number] {
  let [a, b] = [first, last];
  while (a > 0 && oneWord(tokens, a - 1)) a--;
  while (b + 1 < tokens.length && oneWord(tokens, b)) b++;
  return [a, b];
}

export function candidates(sentence: Annotated): Candidate[] {
  const { tokens, entities } = sentence;
  const found = new Map<number, Candidate>();
  const add = (first: number, last: number, kind: CandidateKind) => {
    // One number per span: a sentence has far fewer than 65,536 tokens (chunking cuts longer ones).
    const key = first * 65_536 + last;
    if (!found.has(key) && first <= last) found.set(key, { first, last, kind });
  };
  for (const entity of entities) add(...withUnits(tokens, entity.first, entity.last, entity.type as EntityType));
  const runs = phraseRuns(tokens);
  for (const [first, last] of runs) {
    // Proper when every word is a proper noun, counting the inner parts of a hyphenated one ("-na-").
    const compoundPart = (k: number) => k > first && k < last && joined(tokens[k - 1]!, tokens[k]!) && joined(tokens[k]!, tokens[k + 1]!);
    const allProper = tokens.slice(first, last + 1).every((t, k) => t.pos === 'PROPN' || isHyphen(t) || isPossessive(t) || compoundPart(first + k) || isParticle(tokens, first + k));
    add(first, last, allProper ? 'PROPER' : 'NOUN_PHRASE');
    for (const [a, b] of properRuns(tokens, first, last)) add(a, b, 'PROPER');
    // Without leading adjectives or numbers: "three armoured trains" → "armoured trains" → "trains".
    let head = first;
    while (head < last && (tokens[head]!.pos === 'ADJ' || tokens[head]!.pos === 'NUM')) head++;
    if (head > first) add(head, last, 'NOUN_PHRASE');
  }
  // Two phrases joined by a preposition or "and": "the University of Chicago", "increase in the land".
  for (let r = 0; r + 1 < runs.length; r++) {
    const [a, b] = runs[r]!;
    const [c, d] = runs[r + 1]!;
    const between = tokens.slice(b + 1, c);
    const link = between[0];
    if (!link || between.length > 2 || (between.length === 2 && between[1]!.pos !== 'DET')) continue;
    if (link.pos === 'ADP' || link.pos === 'CCONJ') add(a, d, tokens[a]!.pos === 'PROPN' && tokens[d]!.pos === 'PROPN' ? 'PROPER' : 'NOUN_PHRASE');
  }
  tokens.forEach((token, i) => {
    if (token.pos === 'NUM') add(...withUnits(tokens, i, i, 'CARDINAL'));
    else if (token.pos === 'VERB') add(i, i, 'VERB');
    else if (token.pos === 'ADJ' || (token.pos === 'ADV' && tokens[i + 1]?.pos === 'ADJ')) {
      let last = i;
      while (tokens[last + 1]?.pos === 'ADJ') last++;
      if (i === 0 || tokens[i - 1]!.pos !== 'ADV' || token.pos === 'ADV') add(i, last, 'ADJECTIVE');
    }
  });
  return [...found.values()].sort((x, y) => x.first - y.first || x.last - y.last);
}
