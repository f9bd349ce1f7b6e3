/**
 * What kind of thing a candidate answer names, and what kind the question asks for: a person, a place, a group
 * (a party, an agency, a university), an artifact, a work (a newspaper, a documentary), a time or a quantity.
 * "Which Russian minister greeted Kim?" asks for a person, and "North Korea" in the sentence that answers it is a
 * place; "who from the government went with Kim" is not answered by "North Korean", a people. The reader's
 * candidate kinds (candidates.ts) say only that both are proper names.
 *
 * Both sides are read from word lists, with no tagging at reading time: compromise's lexicon (first and last
 * names, honorifics, job titles, countries, cities, regions, organisations, peoples) for names, and WordNet's
 * lexicographer files for nouns ("minister" a person, "brigade" a group, "shipyard" an artifact), as the
 * reader's synonym table holds them (Synonyms.nameCode and nounClasses, made by scripts/wordnet-table.ts at
 * training: importing compromise took about 450 ms of every answering process's start).
 */
import type { Token } from './annotate.js';
import type { Candidate, CandidateKind } from './candidates.js';
import { QUESTION_WORD, type QuestionAnalysis } from './question.js';
import type { Synonyms } from './synonyms.js';

/** Noun classes, numbered as the synonym table stores them (0 for none of these). */
export const NOUN_CLASSES = ['other', 'person', 'place', 'object', 'group', 'artifact', 'work', 'time', 'quantity'] as const;
export type NounClass = (typeof NOUN_CLASSES)[number];

/** What a candidate names: a noun class, a people ("North Korean"), or unknown. */
export const NAME_CLASSES = ['unknown', 'person', 'place', 'group', 'artifact', 'work', 'time', 'quantity', 'people', 'other'] as const;
export type NameClass = (typeof NAME_CLASSES)[number];

/** What a question asks for; `none` when it names no kind (why, how, what did …). */
export const ASKED_CLASSES = ['none', 'person', 'place', 'group', 'artifact', 'work', 'time', 'quantity', 'other'] as const;
export type AskedClass = (typeof ASKED_CLASSES)[number];

/** A noun class as a name class: a natural object (a river, a mountain) is a place. */
const AS_NAME: Record<NounClass, NameClass> = { other: 'other', person: 'person', place: 'place', object: 'place', group: 'group', artifact: 'artifact', work: 'work', time: 'time', quantity: 'quantity' };

/** A name's class by compromise's lexicon, numbered as the synonym table stores it (`Synonyms.nameCode`). */
export const LEXICON_CLASSES: readonly NameClass[] = ['people', 'person', 'place', 'group'];

/** A word's class by compromise's lexicon (lower-cased word), as the synonym table holds it, if it has one. */
export function lexiconClass(synonyms: Synonyms, word: string): NameClass | undefined {
  const code = synonyms.nameCode(word);
  return code < 0 ? undefined : LEXICON_CLASSES[code & 3];
}

/** Whether compromise's lexicon has a word as a name (a person's, a place's, an organisation's), not as a title. */
const isName = (synonyms: Synonyms, word: string) => {
  const code = synonyms.nameCode(word);
  return code >= 0 && (code & 4) !== 0;
};

/** A noun's first sense's class (the synonym table also keeps its three most frequent senses' classes, unread). */
function nounClass(synonyms: Synonyms, word: string): { first: NameClass | undefined } {
  const value = synonyms.nounClasses(word);
  return { first: value === 0 ? undefined : AS_NAME[NOUN_CLASSES[value & 15]!] };
}

const TIME_KINDS: ReadonlySet<CandidateKind> = new Set(['DATE', 'TIME', 'DURATION']);
const QUANTITY_KINDS: ReadonlySet<CandidateKind> = new Set(['MONEY', 'PERCENT', 'CARDINAL', 'ORDINAL']);

/** A proper noun, or a word written with a capital that the tagger took for a common one ("Jong-un"). */
const properWord = (token: Token) => token.pos === 'PROPN' || (token.pos === 'NOUN' && /^\p{Lu}/u.test(token.text));

/** Words of a span, lower-cased, without possessive marks and hyphens. */
const spanWords = (lower: readonly string[], first: number, last: number) => lower.slice(first, last + 1).filter((w) => !/^(['’]s?|[-‐‑–])$/u.test(w));

/**
 * What a candidate names. A proper name (or a phrase ending on one: "North Korean dictator Kim Jong-un") by
 * properClass; any other candidate by its last word: a people, or its WordNet class, or compromise's.
 */
export function nameClass(tokens: readonly Token[], lower: readonly string[], candidate: Candidate, synonyms: Synonyms): NameClass {
  if (TIME_KINDS.has(candidate.kind)) return 'time';
  if (QUANTITY_KINDS.has(candidate.kind)) return 'quantity';
  // A verb names no thing ("spoke" is not an artifact's noun).
  if (candidate.kind === 'VERB') return 'unknown';
  let first = candidate.first;
  if (candidate.kind !== 'PROPER') {
    // The last word, its hyphenated parts included ("Jong-un"); if it is a name, the name it ends ("Kim Jong-un").
    const joined = (k: number) => tokens[k - 1]!.end === tokens[k]!.start;
    first = candidate.last;
    while (first > candidate.first && joined(first)) first--;
    if (!properWord(tokens[first]!)) {
      const head = lower[candidate.last]!;
      if (lexiconClass(synonyms, head) === 'people') return 'people';
      return nounClass(synonyms, head).first ?? lexiconClass(synonyms, head) ?? 'unknown';
    }
    while (first > candidate.first && (properWord(tokens[first - 1]!) || joined(first))) first--;
  }
  const words = spanWords(lower, first, candidate.last);
  return words.length === 0 ? 'unknown' : properClass(words, lower[first - 1], synonyms);
}

/**
 * What a proper name names: an organisation's noun last ("Charles University", "United Russia party", "Wagner Group");
 * a group's or a place's noun last when the name does not open on a first name ("Kevin Church" is a person); a people's
 * name last ("North Korean"); by compromise's lexicon, a first name or a title first, then a place, an organisation or a
 * person anywhere; a title just before it ("minister Alexander Kozlov", "Mr Kim"); WordNet's class of a one-word name
 * ("Kremlin"). So "Komsomolsk-na-Amur" is a place (the Amur a river), "Fiona Hill" and "Oliver Stone" people.
 */
function properClass(words: readonly string[], before: string | undefined, synonyms: Synonyms): NameClass {
  const head = words[words.length - 1]!;
  if (words.length > 1) {
    if (ORGANISATION_HEAD.test(head)) return 'group';
    const last = nounClass(synonyms, head).first;
    if ((last === 'group' || last === 'place') && lexiconClass(synonyms, words[0]!) !== 'person') return last;
  }
  if (lexiconClass(synonyms, head) === 'people') return 'people';
  if (lexiconClass(synonyms, words[0]!) === 'person') return 'person';
  for (const word of words) {
    const found = lexiconClass(synonyms, word);
    if (found === 'place' || found === 'group' || found === 'person') return found;
  }
  if (before !== undefined && (lexiconClass(synonyms, before) === 'person' || nounClass(synonyms, before).first === 'person')) return 'person';
  // WordNet's table holds single words only.
  return words.length === 1 ? (nounClass(synonyms, head).first ?? 'unknown') : 'unknown';
}

/** The last words of organisations' names, whatever WordNet's first sense of them ("group" is none of its classes). */
const ORGANISATION_HEAD = /^(group|party|company|corporation|university|college|institute|agency|ministry|council|committee|commission|army|brigade|battalion|regiment|division|bank|fund|foundation|association|union|league|organisation|organization|federation|parliament|assembly|court|office|department|service|network|channel|newspaper|times|post|news)$/;

/** Question words before the noun asked about: "which", "what", "what is the name of the", "what kind of". */
const LEAD = /^(which|what|whats)$/;
const SKIP = /^(kind|type|sort|is|was|are|were|['’]s|the|a|an|name|names|of)$/;
const RUN_POS = /^(ADJ|NOUN|PROPN|NUM|PART)$/;

/** The noun a "which/what X" question asks for ("Which Russian *minister* greeted Kim?"), lower-cased, if any. */
export function askedNoun(question: Pick<QuestionAnalysis, 'annotated'>, synonyms: Synonyms): string | undefined {
  const tokens = question.annotated.tokens;
  const lead = tokens.findIndex((t) => QUESTION_WORD.test(t.text));
  if (lead < 0 || !LEAD.test(tokens[lead]!.text.toLowerCase())) return undefined;
  let i = lead + 1;
  // "what is the name of the …", "what kind of …", "which of the …": the words before the noun phrase.
  while (i < tokens.length && (SKIP.test(tokens[i]!.text.toLowerCase()) || tokens[i]!.pos === 'DET')) {
    if (tokens[i]!.pos === 'AUX' && !/^names?$/i.test(tokens[i + 2]?.text ?? '') && !/^names?$/i.test(tokens[i + 1]?.text ?? '')) return undefined;
    i++;
  }
  let noun: string | undefined;
  for (; i < tokens.length && RUN_POS.test(tokens[i]!.pos); i++) {
    // A name after the noun starts the rest of the question ("the aircraft factory kim toured"), typed lower case.
    if (noun !== undefined && isName(synonyms, tokens[i]!.text.toLowerCase())) break;
    if (tokens[i]!.pos === 'NOUN') noun = tokens[i]!.lemma;
  }
  return noun;
}

/** What a question asks for: who a person, where a place, when a time, how many or much a quantity, which/what X the class of X. */
export function askedClass(question: Pick<QuestionAnalysis, 'type' | 'annotated'>, synonyms: Synonyms): AskedClass {
  switch (question.type) {
    case 'who':
      return 'person';
    case 'where':
      return 'place';
    case 'when':
      return 'time';
    case 'howMany':
    case 'howMuch':
    case 'howMeasure':
      return 'quantity';
    case 'which':
    case 'whatNoun':
    case 'whatName': {
      const noun = askedNoun(question, synonyms);
      if (noun === undefined) return 'none';
      const found = lexiconClass(synonyms, noun) === 'person' ? 'person' : nounClass(synonyms, noun).first;
      // (A noun's class is never "people" or "unknown"; the checks narrow the type.)
      return found === undefined || found === 'people' || found === 'unknown' ? 'other' : found;
    }
    default:
      return 'none';
  }
}

/** How a candidate's class meets the class asked for: 1 the same, 0 another (or both "other"), 0.5 unknown, -1 nothing asked. */
export function classMatch(asked: AskedClass, found: NameClass): number {
  if (asked === 'none') return -1;
  if (found === 'unknown') return 0.5;
  return found === asked && asked !== 'other' ? 1 : 0;
}
