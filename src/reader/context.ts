/**
 * What the reader's features are computed on: the question, and the candidate sentences with their tags,
 * stems and candidate answers decoded once; the helpers the three kinds of features share; the cache of
 * what reading works out of an index's texts. The features themselves are in sentence-features.ts and
 * answer-features.ts, the one definition shared by training (scripts/train-reader.ts) and reading
 * (src/reader/reader.ts), so the model always sees what it was trained on.
 */
import type { Article } from '../corpus/types.js';
import { hasTerm, LexicalIndex, normalizeTerm } from '../index/lexical-index.js';
import type { ReadingIndex } from '../index/store.js';
import { LRUMap } from '../lru-map.js';
import { decode, type Annotated } from './annotate.js';
import { candidates, wholeWords, type Candidate, type CandidateKind } from './candidates.js';
import { gramSet, gramWords, type GramSet } from './grams.js';
import { NAME_CLASSES, nameClass } from './name-class.js';
import type { QuestionAnalysis, QuestionType } from './question.js';
import type { ShortAnswer, SentenceReading } from './reading.js';
import type { Synonyms, WordGroups } from './synonyms.js';

/** A sentence the reader weighs: a sentence of a retrieved chunk. */
export interface CandidateSentence {
  /** Position in the index's sentence table. */
  id: number;
  /** The chunk it was retrieved with (its best-ranked one). */
  chunk: number;
  /** That chunk's rank in retrieval (0 = first), and its article's rank among the retrieved articles. */
  chunkRank: number;
  articleRank: number;
}

/** What the features need of a stored sentence, whatever the question: worked out once per index. */
export interface SentenceParts {
  annotated: Annotated;
  /** Normalised term of each token (null for stop words and punctuation). */
  stems: (string | null)[];
  /** Each token's text, lower-cased. */
  lower: string[];
  candidates: Candidate[];
  /** The distinct stems of `stems`. */
  present: Set<string>;
  /** Lower-cased lemmas. */
  lemmas: Set<string>;
  /** The first five letters of each word, lower-cased. */
  prefixes: Set<string>;
  /** The content stems (`stems` without the nulls), in order (sentence-features.ts looks for the question's word pairs in them). */
  content: string[];
  /** The sentence's distinct character 4-grams (`charGrams`), packed. */
  grams: GramSet;
}

/** A candidate sentence with what the features need of it. */
export interface SentenceView extends CandidateSentence, SentenceParts {
  article: Article;
  start: number;
  end: number;
  text: string;
}

export interface ReadingContext {
  index: ReadingIndex;
  question: QuestionAnalysis;
  queryVector: Float32Array;
  sentences: SentenceView[];
  /** The reader model's synonym table. */
  synonyms: Synonyms;
}

export const EXPECTED_KINDS: Partial<Record<QuestionType, CandidateKind[]>> = {
  who: ['PROPER'],
  when: ['DATE', 'TIME', 'DURATION'],
  where: ['PROPER'],
  howMany: ['CARDINAL'],
  howMuch: ['MONEY', 'CARDINAL', 'PERCENT'],
  howMeasure: ['CARDINAL', 'DURATION', 'MONEY', 'PERCENT', 'DATE'],
  whatName: ['PROPER'],
  which: ['PROPER', 'NOUN_PHRASE'],
};

export const cap = (x: number, max: number) => Math.min(x, max);
/** A token's term as the lexical index has it; null for stop words and for punctuation and symbols. */
const hasLetterOrDigit = (token: string) => /[\p{L}\p{N}]/u.test(token);
export const wordStem = (token: string) => (hasLetterOrDigit(token) ? normalizeTerm(token) : null);
/** Whether a token has a term (`wordStem` is not null), worked out without stemming it. */
export const hasWordStem = (token: string) => hasLetterOrDigit(token) && hasTerm(token);
const oneHots = new WeakMap<readonly string[], Map<string, Readonly<Record<string, number>>>>();
/** `{prefix_value: 1, prefix_other: 0, ...}`: made once for each list, prefix and value (rows only read it). */
export function oneHot<T extends string>(prefix: string, values: readonly T[], value: T): Readonly<Record<string, number>> {
  let made = oneHots.get(values);
  if (!made) oneHots.set(values, (made = new Map()));
  const key = `${prefix}\u0000${value}`;
  let features = made.get(key);
  if (!features) made.set(key, (features = Object.freeze(Object.fromEntries(values.map((v) => [`${prefix}_${v}`, v === value ? 1 : 0])))));
  return features;
}

/**
 * One feature row from parts, in their order. (Object spread of these wide rows took most of the reader's
 * time: V8 copies them on a slow path; assigning key by key is several times faster.)
 */
export function row(...parts: Readonly<Record<string, number>>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of parts) for (const key in part) out[key] = part[key]!;
  return out;
}

export function sentenceView(index: ReadingIndex, candidate: CandidateSentence): SentenceView {
  const record = index.sentences[candidate.id]!;
  const article = index.articles.get(record.articleId)!;
  const text = article.text.slice(record.start, record.end);
  const p = cached(index, `v${candidate.id}`, () => sentenceParts(index, candidate.id, text));
  // Written out, not spread: V8 spreads objects this wide on a slow path, and this runs for every candidate.
  return {
    id: candidate.id,
    chunk: candidate.chunk,
    chunkRank: candidate.chunkRank,
    articleRank: candidate.articleRank,
    article,
    start: record.start,
    end: record.end,
    text,
    annotated: p.annotated,
    stems: p.stems,
    lower: p.lower,
    candidates: p.candidates,
    present: p.present,
    lemmas: p.lemmas,
    prefixes: p.prefixes,
    content: p.content,
    grams: p.grams,
  };
}

function sentenceParts(index: ReadingIndex, id: number, text: string): SentenceParts {
  const annotated = decode(text, index.annotations[id]!);
  const stems = annotated.tokens.map((t) => wordStem(t.text));
  const content = stems.filter((s): s is string => s !== null);
  const words = gramWords(text);
  return {
    annotated,
    stems,
    lower: annotated.tokens.map((t) => t.text.toLowerCase()),
    candidates: candidates(annotated),
    present: new Set(content),
    lemmas: new Set(annotated.tokens.map((t) => t.lemma)),
    prefixes: prefixes(annotated.tokens.map((t) => t.text)),
    content,
    grams: gramSet(words),
  };
}

/**
 * The terms around a sentence: its own stems, and the terms of the sentences either side of it in its
 * article (a lean view holds those neighbours: see viewSentenceIds). A term is around when one set holds it.
 */
export function aroundStems(index: ReadingIndex, view: SentenceView): Set<string>[] {
  const sets = [view.present];
  for (const id of [view.id - 1, view.id + 1]) {
    const record = index.sentences[id];
    if (record && record.articleId === view.article.id) sets.push(sentenceStems(index, id));
  }
  return sets;
}

export const holds = (sets: readonly Set<string>[], term: string) => sets.some((set) => set.has(term));

/** The first five letters of each word, lower-cased. */
export const prefixes = (words: Iterable<string>) => new Set([...words].map((w) => w.toLowerCase().slice(0, 5)));

export { dot } from '../vector-math.js';


/** Whether a candidate's words are all named by the question already. */
export function namedByQuestion(view: SentenceView, candidate: Candidate, question: QuestionAnalysis): number {
  let content = 0;
  let named = 0;
  for (let i = candidate.first; i <= candidate.last; i++) {
    const stem = view.stems[i];
    if (!stem) continue;
    content++;
    if (question.terms.includes(stem) || question.words.has(view.lower[i]!)) named++;
  }
  return content === 0 ? 1 : named / content;
}

/**
 * What reading works out of an index's texts (a sentence's parts, and the terms of sentences, titles and
 * articles), kept while the index is in use, the least recently used dropped past CACHE_SIZE entries:
 * reading would otherwise decode and stem the same sentences and long articles again for every question.
 * A read sentence takes about three entries (its parts, its own terms, its WordNet groups), and the
 * sentences just outside its chunks and its articles' titles and texts take more: about 53 entries a
 * question (SciFact questions at 27k chunks), so 5,000 entries keep what about 95 questions read, a
 * conversation's follow-ups and more. A sentence's parts take about 8.6 kB (its tokens most): at 15,000 entries
 * the cache held about 40 MB of a 100k-chunk process's heap, for no speed SciFact's questions could measure
 * (they rarely read the same sentences; docs/SCALING.md).
 * Whatever is kept survives the young generation's collections, where it is copied, so it is kept packed
 * where it can be: a sentence's WordNet groups as sorted typed arrays, its character 4-grams as one of the
 * ASCII grams and a sorted list of the few others (synonyms.ts, grams.ts), not Sets.
 * The cache is mnemonist's LRUMap, which drops the least recently used in constant time. (A Map kept in order by
 * deleting and setting each hit again left holes at its front, and finding its oldest entry past them took about
 * 1.7 µs an eviction, some 50 a first read.)
 */
const caches = new WeakMap<object, LRUMap<string, object>>();
const CACHE_SIZE = 5_000;

/** What reading worked out under `key`, made by `make` when it is not kept (a hit makes it the most recently used). */
export function cached<T extends object>(index: ReadingIndex, key: string, make: () => T): T {
  const owner = index.cacheKey ?? index;
  let cache = caches.get(owner);
  if (!cache) caches.set(owner, (cache = new LRUMap<string, object>(CACHE_SIZE)));
  const kept = cache.get(key);
  if (kept !== undefined) return kept as T;
  const value = make();
  cache.set(key, value);
  return value;
}

/** The class of each of a sentence's candidate answers (name-class.ts), as indexes into NAME_CLASSES. */
export function candidateClasses(index: ReadingIndex, synonyms: Synonyms, view: SentenceView): Uint8Array {
  return cached(index, `n${synonyms.id}:${view.id}`, () => Uint8Array.from(view.candidates, (c) => NAME_CLASSES.indexOf(nameClass(view.annotated.tokens, view.lower, c, synonyms))));
}

export const cachedStems = (index: ReadingIndex, key: string, text: () => string): Set<string> => cached(index, key, () => textStems(text()));

/** The terms of an article's title, as the lexical index has them. */
export const titleStems = (index: ReadingIndex, article: Article) => cachedStems(index, `t${article.id}`, () => article.title);

/** The terms of a whole article, its title and text, as the lexical index has them. */
export const articleStems = (index: ReadingIndex, article: Article) => cachedStems(index, `a${article.id}`, () => `${article.title}\n${article.text}`);

/** The terms of a sentence's own text, as the lexical index has them. */
export const sentenceStems = (index: ReadingIndex, id: number) => {
  const record = index.sentences[id]!;
  return cachedStems(index, `s${id}`, () => index.articles.get(record.articleId)!.text.slice(record.start, record.end));
};

/**
 * The words WordNet is asked about for some tokens: each content word (a stop word such as "said" would
 * match "state", "did" would match "make") lower-cased and as its lemma, and the parts of a hyphenated one,
 * each with the term the lexical index gives it.
 */
export function contentWords(tokens: readonly { text: string; lemma: string }[], stems?: readonly (string | null)[]): { term: string; word: string }[] {
  const words: { term: string; word: string }[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const lower = token.text.toLowerCase();
    // A sentence's parts hold its tokens' terms already (`stems`); a question's are worked out here.
    const term = stems ? stems[i]! : wordStem(token.text);
    if (term !== null) {
      words.push({ term, word: lower });
      // A lemma that is a stop word ("won't" → "will") is not asked about either.
      if (hasWordStem(token.lemma)) words.push({ term, word: token.lemma });
    }
    if (lower.includes('-')) {
      for (const part of lower.split('-')) {
        const partTerm = wordStem(part);
        if (partTerm !== null) words.push({ term: partTerm, word: part });
      }
    }
  }
  return words;
}

/** The WordNet groups of a sentence's content words, for the synonym features. */
export const sentenceGroups = (index: ReadingIndex, synonyms: Synonyms, view: SentenceView): WordGroups =>
  cached(index, `w${synonyms.id}:${view.id}`, () => synonyms.groups(contentWords(view.annotated.tokens, view.stems).map((w) => w.word)));

/** The distinct terms of a text, as the lexical index has them. */
export const textStems = (text: string) => new Set(LexicalIndex.terms(text));

/** The short answer made of a sentence's tokens `first` to `last`: their text, an exact substring of the article, and its offsets there. */
export function spanAnswer(view: SentenceView, from: number, to: number, confidence: number): ShortAnswer {
  const tokens = view.annotated.tokens;
  const [first, last] = wholeWords(tokens, from, to);
  const start = view.start + tokens[first]!.start;
  // A short word that took the sentence's full stop ("$32m." ends one): the stop is no part of the answer.
  const stop = last === tokens.length - 1 && last > first && /^\p{L}{1,3}\.$/u.test(tokens[last]!.text) ? 1 : 0;
  const end = view.start + tokens[last]!.end - stop;
  return { text: view.article.text.slice(start, end), articleId: view.article.id, start, end, confidence };
}

/** A reading with the sentence at `rank` put first and the short answer it gives (a rule's answer: definition.ts, role.ts). */
export function answeredBy<R extends { sentences: SentenceReading[]; shortAnswer: ShortAnswer | null }>(reading: R, rank: number, shortAnswer: ShortAnswer): R {
  return { ...reading, sentences: [reading.sentences[rank]!, ...reading.sentences.filter((_, i) => i !== rank)], shortAnswer };
}

