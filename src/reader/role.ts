/**
 * Questions that ask who holds a role: "who is north koreas defence minister", "which russian minister greeted
 * kim", "what's the name of the russian environment minister who met kim". Their answer is a person the coverage
 * gives that role, in the words asked: "Russian defence minister Sergei Shoigu" answers "who is russias defence
 * minister", not "who is north koreas defence minister" (a new user's walkthrough, 2026-12-02: the span model
 * answered that near miss "Sergei Shoigu" in bold, and "who is russias defence minister" with Ukraine's deputy
 * defence minister). The roles a sentence gives its people are read where news writes them: a title before the
 * name, or an apposition before or after it (roleMentions); definition.ts reads the same patterns the other
 * way round, from a name to its description.
 */
import type { Token } from './annotate.js';
import { wordStem, type ReadingContext, type SentenceView } from './context.js';
import type { QuestionAnalysis } from './question.js';
import type { ShortAnswer, SentenceReading } from './reading.js';

/** The nouns that name a role a person holds, as the last word of the role asked about. */
const ROLE_HEAD = /^(minister|president|premier|chancellor|spokesman|spokeswoman|spokesperson|secretary|ambassador|envoy|chief|leader|commander|general|admiral|governor|mayor|king|queen|prince|princess|emperor|director|chairman|chairwoman|ceo|founder|rapporteur|prosecutor|judge|adviser|advisor|aide|negotiator|editor|head|boss|owner|pilot)$/;
/** Words that make a role another one: a deputy defence minister is not the defence minister. */
const OTHER_RANK = /^(deputy|vice|acting|former|ex|assistant|junior|shadow|interim|late|first|then)$/;
/** Words of a role asked about that a sentence's title does not carry: "the *current* premier", "its *5th* president". */
const NOT_IN_TITLES = /^(current|currently|now|present|today|final|\d+(st|nd|rd|th))$/;
/** Words that end the place after "the leader of …": a clause or another phrase. */
const STOP_QUALIFIER = /^(who|whom|whose|that|which|when|where|why|how|in|at|on|during|for|from|to|with|and|or|is|was|are|were|did|does|do|has|have|had|said|says|met|meet)$/;
/** The words of a role's title: adjectives, nouns, names, numbers, a possessive. */
const TITLE_POS = /^(ADJ|NOUN|PROPN|NUM)$/;

/** The role a question asks the holder of: its words' terms, the head last ("north koreas defence minister" → north, korea, defenc, minist). */
export interface RoleAsked {
  terms: string[];
  /** The role's own noun's term ("minist"). */
  head: string;
  /** Rank words asked (deputy, acting, …): a title with another rank is another role. */
  ranks: Set<string>;
}

/**
 * The role a question asks who holds, or null: "who is/was [the] R", "which R …", "what is the name of [the] R
 * …", R a few title words ending on a role's noun (ROLE_HEAD), with the place after "of" ("the leader of north
 * korea") as part of it.
 */
export function roleAsked(question: Pick<QuestionAnalysis, 'annotated'>): RoleAsked | null {
  const tokens = question.annotated.tokens.filter((t) => !/^["“”‘’?!.]$/u.test(t.text));
  const lower = tokens.map((t) => t.text.toLowerCase());
  const at = (i: number, pattern: RegExp) => pattern.test(lower[i] ?? '');
  // Where the role starts: after "who is", "whos", "which", "name", "what is / whats / what's the name of".
  const opening = (): number => {
    if (at(0, /^whos$/)) return 1;
    if (at(0, /^who$/) && at(1, /^(is|was|are|were|['’]s)$/)) return 2;
    if (at(0, /^(which|name)$/)) return 1;
    const the = at(0, /^whats$/) ? 1 : at(0, /^what$/) && at(1, /^(is|was|['’]s)$/) ? 2 : -1;
    return the > 0 && at(the, /^the$/) && at(the + 1, /^names?$/) && at(the + 2, /^of$/) ? the + 3 : -1;
  };
  let i = opening();
  if (i < 0) return null;
  if (at(i, /^(the|a|an)$/)) i++;
  const words: Token[] = [];
  for (; i < tokens.length && words.length < 6; i++) {
    const t = tokens[i]!;
    const possessive = t.pos === 'PART' && /^['’]s?$/.test(t.text);
    // Chat's lower case leaves some words of a place mis-tagged: "north" in "who is north koreas defence minister" is read as an adverb.
    if (!possessive && !TITLE_POS.test(t.pos) && t.pos !== 'ADV' && !ROLE_HEAD.test(lower[i]!)) return null;
    if (!possessive) words.push(t);
    if (ROLE_HEAD.test(lower[i]!)) break;
  }
  const headToken = words[words.length - 1];
  if (!headToken || !ROLE_HEAD.test(headToken.text.toLowerCase())) return null;
  // "the leader of north korea": the place after "of" qualifies the role as a place before it does.
  if (lower[i + 1] === 'of') {
    for (let j = i + 2; j < tokens.length && j <= i + 5; j++) {
      if (j === i + 2 && lower[j] === 'the') continue;
      if (STOP_QUALIFIER.test(lower[j]!) || !(TITLE_POS.test(tokens[j]!.pos) || tokens[j]!.pos === 'ADV')) break;
      words.push(tokens[j]!);
    }
  }
  const phrase = words.map((t) => t.text.toLowerCase().replace(/['’]s?$/u, '')).filter((w) => !NOT_IN_TITLES.test(w));
  const terms = phrase.map(wordStem).filter((t): t is string => t !== null);
  const head = wordStem(headToken.text);
  return head === null ? null : { terms, head, ranks: new Set(phrase.filter((w) => OTHER_RANK.test(w))) };
}

/** Two terms for one place or people: the same, or a country and its people ("russia", "russian"; "china", "chines"). */
function samePlace(a: string, b: string): boolean {
  if (a === b) return true;
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  return common >= 4 && common >= Math.min(a.length, b.length) - 2;
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
  const terms = words.map(wordStem);
  const missing = asked.terms.filter((term) => !terms.some((t) => t !== null && samePlace(term, t)));
  if (missing.length === 0) return 'holds';
  // A place or people the question does not name, where it names another: another role.
  const placed = tokens.some((t, i) => /^\p{Lu}/u.test(t.text) && terms[i] !== asked.head && !asked.terms.some((term) => terms[i] !== null && samePlace(term, terms[i]!)));
  return placed ? 'other' : 'unclear';
}

/** What the role patterns read of a sentence. */
export type RolesOf = Pick<SentenceView, 'annotated' | 'stems' | 'candidates'>;

/** A word of a role's title: "Russian defence minister", "Ukraine's foreign minister", "South Korean deputy foreign minister". */
const inTitle = (t: Token) => /^(NOUN|ADJ|PROPN)$/.test(t.pos) || (t.pos === 'PART' && /^['’]s$/.test(t.text)) || /^[-‐‑]$/.test(t.text);

/** Where a sentence writes a role with the head of the one asked: the person it names with it, if any, and how it fits. */
export interface RoleMention {
  name?: { first: number; last: number };
  fit: Fit;
}

/**
 * Where a sentence gives a role with the role's head, each with the person named with it and how the role fits
 * the one asked. The role is read where news writes it: a title before the name ("Russian defence minister Sergei Shoigu"), an
 * apposition before it ("Ukraine’s foreign minister, Dmytro Kuleba, had urged") or after it ("Dmytro Kuleba,
 * Ukraine's foreign minister, said").
 */
export function roleMentions(asked: RoleAsked, view: RolesOf): RoleMention[] {
  const tokens = view.annotated.tokens;
  const { head } = asked;
  // The person named from a token on: the longest proper-name candidate starting there (or one taking in a
  // capitalised title before it: "Russian Defence Minister Sergei Shoigu" is tagged as one name).
  const nameFrom = (i: number) => {
    const c = view.candidates.filter((c) => c.kind === 'PROPER' && c.first <= i && i <= c.last && /^\p{Lu}/u.test(tokens[i]!.text)).sort((a, b) => b.last - a.last)[0];
    return c && { first: i, last: c.last };
  };
  const nameTo = (i: number) =>
    view.candidates.filter((c) => c.kind === 'PROPER' && c.last === i && /^\p{Lu}/u.test(tokens[c.first]!.text)).sort((a, b) => a.first - b.first)[0];
  const found: RoleMention[] = [];
  view.stems.forEach((stem, h) => {
    if (stem !== head) return;
    let start = h;
    while (start > 0 && h - start < 8 && inTitle(tokens[start - 1]!)) start--;
    const role = fit(asked, view, start, h);
    // A title or an apposition before the name.
    const name = nameFrom(h + 1) ?? (tokens[h + 1]?.text === ',' ? nameFrom(h + 2) : undefined);
    if (name) return void found.push({ name, fit: role });
    // An apposition after the name: "Name, Ukraine's foreign minister,".
    const comma = tokens[start - 1]?.text === ',' ? start - 1 : tokens[start - 1]?.pos === 'DET' && tokens[start - 2]?.text === ',' ? start - 2 : -1;
    const named = comma > 0 ? nameTo(comma - 1) : undefined;
    found.push({ name: named && { first: named.first, last: named.last }, fit: role });
  });
  return found;
}

/**
 * How sure a holder found so is the answer: the description patterns' own rate (definition.ts's
 * DESCRIPTION_CONFIDENCE, 10 of 13 exact on the SQuAD training split), read here the other way round.
 */
export const ROLE_CONFIDENCE = 0.77;

/** A holder is looked for in sentences the reader rates at least this share of the best one (as a description is). */
export const ROLE_SHARE = 0.25;

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
    const tokens = view.annotated.tokens;
    const start = view.start + tokens[holder.first]!.start;
    const end = view.start + tokens[holder.last]!.end;
    const shortAnswer = { text: view.article.text.slice(start, end), articleId: view.article.id, start, end, confidence: ROLE_CONFIDENCE };
    return { reading: { ...reading, sentences: [sentence, ...reading.sentences.filter((_, i) => i !== rank)], shortAnswer }, refused: false };
  }
  const best = views.get(reading.sentences[0]?.sentence ?? -1);
  if (!best) return { reading, refused: false };
  const mentions = roleMentions(asked, best);
  // Someone else holds the role there: the coverage does not say who holds this one.
  if (mentions.some((m) => m.fit === 'other' && m.name)) return { reading: { ...reading, shortAnswer: null }, refused: true };
  return { reading, refused: false };
}
