/**
 * Questions that ask who holds a role: "who is north koreas defence minister", "what's the name of the russian
 * environment minister", "who is the leader of north korea". Their answer is a person the coverage
 * gives that role, in the words asked: "Russian defence minister Sergei Shoigu" answers "who is russias defence
 * minister", not "who is north koreas defence minister" (a new user's walkthrough, 2026-12-02: the span model
 * answered that near miss "Sergei Shoigu" in bold, and "who is russias defence minister" with Ukraine's deputy
 * defence minister). The roles a sentence gives its people are read where news writes them: a title before the
 * name, or an apposition before or after it (roleMentions); definition.ts reads the same patterns the other
 * way round, from a name to its description.
 */
import type { Token } from './annotate.js';
import { answeredBy, spanAnswer, wordStem, type ReadingContext, type SentenceView } from './context.js';
import { DESCRIPTION_CONFIDENCE, DESCRIPTION_SHARE } from './definition.js';
import { samePlace } from './demonyms.js';
import { titleStart } from './description.js';
import type { QuestionAnalysis } from './question.js';
import type { ShortAnswer, SentenceReading } from './reading.js';

/** The nouns that name a role a person holds, as the last word of the role asked about. */
const ROLE_HEAD = /^(minister|president|premier|chancellor|spokesman|spokeswoman|spokesperson|secretary|ambassador|envoy|chief|leader|commander|general|admiral|governor|mayor|king|queen|prince|princess|emperor|director|chairman|chairwoman|ceo|founder|rapporteur|prosecutor|judge|adviser|advisor|aide|negotiator|editor|head|boss|owner|pilot)$/;
/** Words that make a role another one: a deputy defence minister is not the defence minister. */
const OTHER_RANK = /^(deputy|vice|acting|former|ex|assistant|junior|shadow|interim|late|first|then)$/;
/** Words of a role asked about that a sentence's title does not carry: "the *current* premier", "its *5th* president". */
const NOT_IN_TITLES = /^(current|currently|now|present|today|final|\d+(st|nd|rd|th))$/;
/** The words of a role's title: adjectives, nouns, names, numbers. */
const TITLE_POS = /^(ADJ|NOUN|PROPN|NUM)$/;
/** Punctuation that sets a name or an apposition off. */
const SET_OFF = /^([,.;:!?()"“”]|—|–)$/;

/** The role a question asks the holder of ("north koreas defence minister"). */
export interface RoleAsked {
  /** The role's words, lower case, no possessive ("north", "koreas", "defence", "minister"). */
  words: string[];
  /** The role's own noun, as written ("minister"): a sentence's title ends on it or its plural. */
  head: string;
  /** Rank words asked (deputy, acting, …): a title with another rank is another role. */
  ranks: Set<string>;
}

/**
 * The role a question asks who holds, or null: the whole question is "who is/was [the] R" or "what is the name of
 * [the] R", R a few title words ending on a role's noun (ROLE_HEAD), or that noun and the place after "of" ("the
 * leader of north korea"), and at least one word besides the noun ("who is the president" is too vague to read
 * a sentence's titles by). A question going on after R asks more than its holder ("which minister said …", "who
 * is president putin", "who is the president's wife").
 */
export function roleAsked(question: Pick<QuestionAnalysis, 'annotated'>): RoleAsked | null {
  const tokens = question.annotated.tokens.filter((t) => !/^["“”‘’?!.]$/u.test(t.text));
  const lower = tokens.map((t) => t.text.toLowerCase());
  const at = (i: number, pattern: RegExp) => pattern.test(lower[i] ?? '');
  // Where the role starts: after "who is", "whos", "what is / whats / what's the name of".
  const opening = (): number => {
    if (at(0, /^whos$/)) return 1;
    if (at(0, /^who$/) && at(1, /^(is|was|are|were|['’]s)$/)) return 2;
    const the = at(0, /^whats$/) ? 1 : at(0, /^what$/) && at(1, /^(is|was|['’]s)$/) ? 2 : -1;
    return the > 0 && at(the, /^the$/) && at(the + 1, /^names?$/) && at(the + 2, /^of$/) ? the + 3 : -1;
  };
  let i = opening();
  if (i < 0) return null;
  if (at(i, /^(the|a|an)$/)) i++;
  const words: Token[] = [];
  let head = -1;
  for (; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.pos === 'PART' && /^['’]s?$/.test(t.text)) continue;
    // Chat's lower case leaves some words of a place mis-tagged: "north" in "who is north koreas defence minister" is read as an adverb.
    if (!TITLE_POS.test(t.pos) && t.pos !== 'ADV' && !ROLE_HEAD.test(lower[i]!)) return null;
    words.push(t);
    if (ROLE_HEAD.test(lower[i]!)) {
      head = words.length - 1;
      break;
    }
  }
  if (head < 0 || head > 5) return null;
  // "the leader of north korea": the place after "of" qualifies the role as a place before it does.
  let next = i + 1;
  if (lower[next] === 'of') {
    next++;
    if (lower[next] === 'the') next++;
    while (next < tokens.length && (TITLE_POS.test(tokens[next]!.pos) || tokens[next]!.pos === 'ADV' || tokens[next]!.pos === 'PART')) {
      if (tokens[next]!.pos !== 'PART') words.push(tokens[next]!);
      next++;
    }
  }
  if (next < tokens.length) return null;
  const phrase = words.map((t) => t.text.toLowerCase().replace(/['’]s?$/u, '')).filter((w) => !NOT_IN_TITLES.test(w));
  if (phrase.length < 2) return null;
  return { words: phrase, head: words[head]!.text.toLowerCase(), ranks: new Set(phrase.filter((w) => OTHER_RANK.test(w))) };
}

/**
 * How a sentence's role for one of its people stands against the role asked: the same role ("holds"), another
 * one ("other": another rank, or another place named, "*Russian* defence minister" for North Korea's), or one
 * that may be it, its place not named ("the country's foreign minister": "unclear").
 */
export type Fit = 'holds' | 'other' | 'unclear';

function fit(asked: RoleAsked, written: RolesOf, first: number, last: number): Fit {
  const tokens = written.annotated.tokens.slice(first, last + 1).filter((t) => /[\p{L}\p{N}]/u.test(t.text));
  const words = tokens.map((t) => t.text.toLowerCase().replace(/['’]s?$/u, ''));
  if (words.some((w) => OTHER_RANK.test(w) && !asked.ranks.has(w))) return 'other';
  // A word matches one asked when it is that word (by its term, "defence"/"defences"), or a place and its people.
  const same = (a: string, b: string) => samePlace(a, b) || (wordStem(a) !== null && wordStem(a) === wordStem(b));
  const missing = asked.words.filter((w) => !words.some((x) => same(w, x)));
  // A place or people written that the question does not give ("Russian" for North Korea's, "Equatorial" before Guinea).
  const unasked = tokens.some((t, i) => /^\p{Lu}/u.test(t.text) && !asked.words.some((w) => same(w, words[i]!)));
  if (missing.length === 0) return unasked ? 'unclear' : 'holds';
  return unasked ? 'other' : 'unclear';
}

/** What the role patterns read of a sentence. */
export type RolesOf = Pick<SentenceView, 'annotated' | 'stems' | 'candidates'>;

/** Where a sentence writes a role with the head of the one asked: the person it names with it, if any, and how it fits. */
export interface RoleMention {
  name?: { first: number; last: number };
  fit: Fit;
  /** The role written as a possessor, with no name: "the Brazil foreign minister's statement" names no one. */
  possessor?: boolean;
}

/**
 * Where a sentence gives a role with the role's head, each with the person named with it and how the role fits
 * the one asked. The role is read where news writes it: a title before the name ("Russian defence minister Sergei Shoigu"), an
 * apposition before it ("Ukraine’s foreign minister, Dmytro Kuleba, had urged") or after it ("Dmytro Kuleba,
 * Ukraine's foreign minister, said").
 */
export function roleMentions(asked: RoleAsked, view: RolesOf): RoleMention[] {
  const tokens = view.annotated.tokens;
  const isHead = (t: Token) => {
    const w = t.text.toLowerCase();
    return w === asked.head || w === `${asked.head}s`;
  };
  // The person named from a token on: the longest proper-name candidate starting there (or one taking in a
  // capitalised title before it: "Russian Defence Minister Sergei Shoigu" is tagged as one name).
  const nameFrom = (i: number) => {
    const c = view.candidates.filter((c) => c.kind === 'PROPER' && c.first <= i && i <= c.last && /^\p{Lu}/u.test(tokens[i]!.text)).sort((a, b) => b.last - a.last)[0];
    return c && { first: i, last: c.last };
  };
  const nameTo = (i: number) => {
    const c = view.candidates.filter((c) => c.kind === 'PROPER' && c.last === i && /^\p{Lu}/u.test(tokens[c.first]!.text)).sort((a, b) => a.first - b.first)[0];
    return c && { first: c.first, last: c.last };
  };
  const setOff = (i: number) => i >= tokens.length || SET_OFF.test(tokens[i]!.text);
  const found: RoleMention[] = [];
  tokens.forEach((token, h) => {
    if (!isHead(token)) return;
    // The title: the words before the role's noun ("Russian defence", "South Korean deputy foreign", "vice-").
    const start = titleStart(tokens, h, true);
    const role = fit(asked, view, start, h);
    // A title right before the name: "Russian defence minister Sergei Shoigu".
    const titled = nameFrom(h + 1);
    // An apposition before it, the name set off after: "Ukraine’s foreign minister, Dmytro Kuleba, had urged".
    const before = tokens[h + 1]?.text === ',' ? nameFrom(h + 2) : undefined;
    // An apposition after it, set off itself: "Dmytro Kuleba, Ukraine's foreign minister, urged".
    const comma = tokens[start - 1]?.text === ',' ? start - 1 : tokens[start - 1]?.pos === 'DET' && tokens[start - 2]?.text === ',' ? start - 2 : -1;
    const after = comma > 0 && setOff(h + 1) ? nameTo(comma - 1) : undefined;
    const name = titled ?? (before && setOff(before.last + 1) ? before : undefined) ?? after;
    const possessor = !name && (/^['’]s?$/u.test(tokens[h + 1]?.text ?? '') || /['’]s?$/u.test(token.text));
    found.push({ name, fit: role, ...(possessor ? { possessor } : {}) });
  });
  return found;
}

/**
 * How sure a holder found so is the answer: the description patterns' own rate (definition.ts's
 * DESCRIPTION_CONFIDENCE, 10 of 13 exact on the SQuAD training split), read here the other way round; the holders
 * found on that split were 6 of 7 exact (scripts/experiments/role-squad.ts), too few for a rate of their own.
 */
export const ROLE_CONFIDENCE = DESCRIPTION_CONFIDENCE;

/** A holder is looked for in sentences the reader rates at least this share of the best one, as a description is. */
export const ROLE_SHARE = DESCRIPTION_SHARE;

/**
 * A reading of a question asking who holds a role: the first sentence, in the reader's order, that gives a person
 * that role goes first, the person the short answer. When none does and the best sentence gives the role's head
 * to someone else ("Russian defence minister Sergei Shoigu" for North Korea's), the coverage does not say
 * (`refused`). Otherwise the reading stands: dropping the span model's answer where the best sentence writes the
 * role with no name beside it ("meeting the Russian environment minister", answered "North Korea") dropped more
 * right answers than wrong ones on the SQuAD training split ("Harper became the university's first president"):
 * 11 exact short answers of 62 lost (scripts/experiments/role-squad.ts).
 */
export function withRoleHolder<R extends { sentences: SentenceReading[]; shortAnswer: ShortAnswer | null }>(context: ReadingContext, reading: R): { reading: R; refused: boolean } {
  const asked = roleAsked(context.question);
  if (!asked) return { reading, refused: false };
  const views = new Map(context.sentences.map((view) => [view.id, view]));
  const floor = ROLE_SHARE * (reading.sentences[0]?.score ?? 0);
  for (const [rank, sentence] of reading.sentences.entries()) {
    if (sentence.score < floor) break;
    const view = views.get(sentence.sentence)!;
    const holder = roleMentions(asked, view).find((m) => m.fit === 'holds' && m.name)?.name;
    if (!holder) continue;
    return { reading: answeredBy(reading, rank, spanAnswer(view, holder.first, holder.last, ROLE_CONFIDENCE)), refused: false };
  }
  const best = views.get(reading.sentences[0]?.sentence ?? -1);
  if (!best) return { reading, refused: false };
  const mentions = roleMentions(asked, best);
  // Someone else holds the role there, or the role asked is written as an unnamed possessor ("Brazil foreign
  // minister's statement that Putin …", answered "Putin"): the coverage does not say who holds this one.
  if (mentions.some((m) => (m.fit === 'other' && m.name) || (m.fit === 'holds' && m.possessor))) return { reading: { ...reading, shortAnswer: null }, refused: true };
  return { reading, refused: false };
}
