/**
 * Linguistic annotations of a sentence, computed once at embed time with wink-nlp (its English lite model)
 * and stored with the index, so reading a question needs no tagging of the coverage: tokens with their
 * offsets and part of speech, lemmas, and the numeric and temporal entities wink recognises (dates, times,
 * durations, amounts of money, percentages, cardinal and ordinal numbers). Offsets are relative to the
 * sentence start, so an annotation stays valid wherever the sentence sits in its article.
 */
import winkNLP from 'wink-nlp';
import model from 'wink-eng-lite-web-model';
import { memoryless } from './wink-memoryless.js';

/** Universal POS tags, in the order their index is stored. */
export const POS_TAGS = ['ADJ', 'ADP', 'ADV', 'AUX', 'CCONJ', 'DET', 'INTJ', 'NOUN', 'NUM', 'PART', 'PRON', 'PROPN', 'PUNCT', 'SCONJ', 'SYM', 'VERB', 'X', 'SPACE'] as const;
export type PosTag = (typeof POS_TAGS)[number];

/** Entity types kept, in the order their index is stored; wink's others (URL, emoji, ...) are dropped. */
export const ENTITY_TYPES = ['DATE', 'TIME', 'DURATION', 'MONEY', 'PERCENT', 'CARDINAL', 'ORDINAL'] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

/** The stored form: flat number arrays keep the index file small. */
export interface SentenceAnnotation {
  /** Three numbers a token: start and end offset in the sentence, POS tag index. */
  t: number[];
  /** Three numbers an entity: first and last token index, entity type index. */
  e: number[];
  /** Lemmas that differ from the lower-cased token, as [token index, lemma] pairs. */
  l: [number, string][];
}

export interface Token {
  start: number;
  end: number;
  pos: PosTag;
  text: string;
  /** Lower-cased lemma. */
  lemma: string;
}

export interface Entity {
  first: number;
  last: number;
  type: EntityType;
}

/** The sentence's tokens and entities, decoded from the stored form. */
export interface Annotated {
  tokens: Token[];
  entities: Entity[];
}

/**
 * Only the steps whose output is kept: part of speech (and with it lemmas) and entities. Sentences are split
 * by the project (src/sentences.ts) and negation and sentiment are not read; leaving those steps out gave
 * the same annotation for 18,331 SQuAD sentences and questions, 40 % faster (tests/reader.test.ts checks
 * the shipped coverage's sentences against the full pipeline).
 */
export const ANNOTATION_STEPS = ['ner', 'pos'] as const;
const nlp = memoryless(winkNLP(model, [...ANNOTATION_STEPS]));
const POS_INDEX = new Map<string, number>(POS_TAGS.map((tag, i) => [tag, i]));
const ENTITY_INDEX = new Map<string, number>(ENTITY_TYPES.map((type, i) => [type, i]));

/** Tags a sentence (or a question). */
export function annotate(text: string): SentenceAnnotation {
  return annotateWith(nlp, text);
}

/** Tags a text with a given wink-nlp instance (the tests compare the pipeline used with the full one). */
export function annotateWith(tagger: ReturnType<typeof winkNLP>, text: string): SentenceAnnotation {
  const doc = tagger.readDoc(text);
  const its = tagger.its;
  const values = doc.tokens().out(its.value) as string[];
  const tags = doc.tokens().out(its.pos) as string[];
  const lemmas = doc.tokens().out(its.lemma as unknown as typeof its.value) as string[];
  const t: number[] = [];
  const l: [number, string][] = [];
  let cursor = 0;
  let kept = 0;
  // Token index in wink's list → index among the tokens kept (wink may normalise a token's text; a token
  // not found verbatim in the sentence is skipped, so offsets always point at real text).
  const keptIndex = new Int32Array(values.length).fill(-1);
  values.forEach((value, i) => {
    const at = text.indexOf(value, cursor);
    if (at < 0) return;
    cursor = at + value.length;
    t.push(at, cursor, POS_INDEX.get(tags[i]!) ?? POS_INDEX.get('X')!);
    const lemma = (lemmas[i] ?? value).toLowerCase();
    if (lemma !== value.toLowerCase()) l.push([kept, lemma]);
    keptIndex[i] = kept++;
  });
  const e: number[] = [];
  const spans = doc.entities().out(its.span) as unknown as [number, number][];
  const types = doc.entities().out(its.type) as string[];
  spans.forEach(([first, last], i) => {
    const type = ENTITY_INDEX.get(types[i]!);
    if (type === undefined || keptIndex[first]! < 0 || keptIndex[last]! < 0) return;
    e.push(keptIndex[first]!, keptIndex[last]!, type);
  });
  return { t, e, l };
}

/** A word of letters only. */
const LETTERS = /^\p{L}+$/u;
/** A letter wink's lite model does not know (outside ASCII and Latin-1): it splits the word there ("Erdo", "ğ", "an"). */
const UNKNOWN_LETTER = /[^\u0000-\u00ff]/u;

/**
 * Whether a token written right after the one before it (no space between) is the rest of the same word: both
 * letters, one of them holding a letter the tagger does not know. "Erdoğan" was three tokens, "Erdo", "ğ" and "an",
 * and its short answer "Recep Tayyip Erdo".
 */
const continuesWord = (before: Token, value: string) => LETTERS.test(before.text) && LETTERS.test(value) && (UNKNOWN_LETTER.test(before.text) || UNKNOWN_LETTER.test(value));

/**
 * Decodes a stored annotation against the sentence text it was made from. A word the tagger split at a letter it
 * does not know is one token again (continuesWord), tagged as its first part; entities and lemmas follow it.
 */
export function decode(text: string, annotation: SentenceAnnotation): Annotated {
  const lemmas = new Map(annotation.l);
  const tokens: Token[] = [];
  // Stored token index → decoded one (they differ only after a word joined again).
  const index: number[] = [];
  for (let i = 0; i < annotation.t.length; i += 3) {
    const start = annotation.t[i]!;
    const end = annotation.t[i + 1]!;
    const value = text.slice(start, end);
    const before = tokens[tokens.length - 1];
    if (before && before.end === start && continuesWord(before, value)) {
      before.end = end;
      before.text = text.slice(before.start, end);
      before.lemma = before.text.toLowerCase();
      index.push(tokens.length - 1);
      continue;
    }
    index.push(tokens.length);
    tokens.push({ start, end, pos: POS_TAGS[annotation.t[i + 2]!] ?? 'X', text: value, lemma: lemmas.get(i / 3) ?? value.toLowerCase() });
  }
  const entities: Entity[] = [];
  for (let i = 0; i < annotation.e.length; i += 3) {
    entities.push({ first: index[annotation.e[i]!]!, last: index[annotation.e[i + 1]!]!, type: ENTITY_TYPES[annotation.e[i + 2]!]! });
  }
  return { tokens, entities };
}

/** Annotates and decodes in one step (questions, which are not stored). */
export function analyse(text: string): Annotated {
  return decode(text, annotate(text));
}

/** Name and version of the tagger, recorded in the index manifest: other annotations mean a re-embed. */
export const ANNOTATOR = 'wink-nlp 2 + wink-eng-lite-web-model 1';
