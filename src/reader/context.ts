/**
 * What the reader's features are computed on: the question, and the candidate sentences with their tags,
 * stems and candidate answers decoded once; the helpers the three kinds of features share; the cache of
 * what reading works out of an index's texts. The features themselves are in sentence-features.ts and
 * answer-features.ts, the one definition shared by training (scripts/train-reader.ts) and reading
 * (src/reader/reader.ts), so the model always sees what it was trained on.
 */
import type { Article } from '../corpus/types.js';
import { LexicalIndex, normalizeTerm } from '../index/lexical-index.js';
import type { ReadingIndex } from '../index/store.js';
import { decode, type Annotated } from './annotate.js';
import { candidates, type Candidate, type CandidateKind } from './candidates.js';
import type { QuestionAnalysis, QuestionType } from './question.js';

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

/** A candidate sentence with what the features need of it, worked out once. */
export interface SentenceView extends CandidateSentence {
  article: Article;
  start: number;
  end: number;
  text: string;
  annotated: Annotated;
  /** Normalised term of each token (null for stop words and punctuation). */
  stems: (string | null)[];
  candidates: Candidate[];
}

export interface ReadingContext {
  index: ReadingIndex;
  question: QuestionAnalysis;
  queryVector: Float32Array;
  sentences: SentenceView[];
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
export const wordStem = (token: string) => (/[\p{L}\p{N}]/u.test(token) ? normalizeTerm(token) : null);
export const oneHot = <T extends string>(prefix: string, values: readonly T[], value: T) => Object.fromEntries(values.map((v) => [`${prefix}_${v}`, v === value ? 1 : 0]));

/**
 * One feature row from parts, in their order. (Object spread of these wide rows took most of the reader's
 * time: V8 copies them on a slow path; assigning key by key is several times faster.)
 */
export function row(...parts: Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of parts) for (const key in part) out[key] = part[key]!;
  return out;
}

export function sentenceView(index: ReadingIndex, candidate: CandidateSentence): SentenceView {
  const record = index.sentences[candidate.id]!;
  const article = index.articles.get(record.articleId)!;
  const text = article.text.slice(record.start, record.end);
  const parts = cached(index, `v${candidate.id}`, () => {
    const annotated = decode(text, index.annotations[candidate.id]!);
    return { annotated, stems: annotated.tokens.map((t) => wordStem(t.text)), candidates: candidates(annotated) };
  });
  return { ...candidate, article, start: record.start, end: record.end, text, ...parts };
}

export function dot(a: Float32Array, b: Float32Array, offset = 0): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[offset + i]!;
  return sum;
}


export const presentStems = (view: SentenceView) => new Set(view.stems.filter((s): s is string => s !== null));
/** Whether a candidate's words are all named by the question already. */
export function namedByQuestion(view: SentenceView, candidate: Candidate, question: QuestionAnalysis): number {
  let content = 0;
  let named = 0;
  for (let i = candidate.first; i <= candidate.last; i++) {
    const stem = view.stems[i];
    if (!stem) continue;
    content++;
    if (question.terms.includes(stem) || question.words.has(view.annotated.tokens[i]!.text.toLowerCase())) named++;
  }
  return content === 0 ? 1 : named / content;
}

/**
 * What reading works out of an index's texts (decoded annotations, stems of sentences, chunks and
 * articles), kept while the index is in use, the least recently used dropped past CACHE_SIZE entries:
 * reading would otherwise decode and stem the same sentences and long articles again for every question.
 */
const caches = new WeakMap<object, Map<string, unknown>>();
const CACHE_SIZE = 20_000;

/** Least recently used goes first: a Map keeps insertion order, and a hit is moved to the end. */
export function cached<T>(index: ReadingIndex, key: string, make: () => T): T {
  const owner = index.cacheKey ?? index;
  let cache = caches.get(owner);
  if (!cache) caches.set(owner, (cache = new Map()));
  if (cache.has(key)) {
    const value = cache.get(key) as T;
    cache.delete(key);
    cache.set(key, value);
    return value;
  }
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  const value = make();
  cache.set(key, value);
  return value;
}

export const cachedStems = (index: ReadingIndex, key: string, text: () => string): Set<string> => cached(index, key, () => textStems(text()));

const sentenceStems = (index: ReadingIndex, id: number) => {
  const record = index.sentences[id]!;
  return cachedStems(index, `s${id}`, () => index.articles.get(record.articleId)!.text.slice(record.start, record.end));
};

export function neighbourStems(index: ReadingIndex, view: SentenceView): Set<string> {
  const stems = new Set(presentStems(view));
  for (const id of [view.id - 1, view.id + 1]) {
    const record = index.sentences[id];
    if (record && record.articleId === view.article.id) for (const stem of sentenceStems(index, id)) stems.add(stem);
  }
  return stems;
}

/** The distinct terms of a text, as the lexical index has them. */
export const textStems = (text: string) => new Set(LexicalIndex.terms(text));

