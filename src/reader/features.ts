/**
 * The reader's features, the one definition shared by training (scripts/train-reader.ts exports them)
 * and reading (src/reader/reader.ts scores them), so the model always sees what it was trained on.
 *
 *  - sentence features: how well a candidate sentence matches the question (IDF-weighted stem, lemma and
 *    prefix overlap, question bigrams, proximity of the matched words, the USE-lite cosine), each also
 *    relative to the best sentence of the candidates; whether it holds the kind of answer the question
 *    asks for; where its passage ranked in retrieval.
 *  - span features: for each candidate answer inside the chosen sentence, its kind against the question
 *    type, whether the question already names it, its distance to the matched question words, its context.
 *  - answer features: the question as a whole, for deciding whether the coverage answers it at all.
 */
import type { Article } from '../corpus/types.js';
import { normalizeTerm } from '../index/lexical-index.js';
import type { IndexSnapshot } from '../index/store.js';
import { decode, type Annotated } from './annotate.js';
import { CANDIDATE_KINDS, candidates, type Candidate, type CandidateKind } from './candidates.js';
import { QUESTION_TYPES, type QuestionAnalysis, type QuestionType } from './question.js';

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
  index: IndexSnapshot;
  question: QuestionAnalysis;
  queryVector: Float32Array;
  sentences: SentenceView[];
}

const EXPECTED_KINDS: Partial<Record<QuestionType, CandidateKind[]>> = {
  who: ['PROPER'],
  when: ['DATE', 'TIME', 'DURATION'],
  where: ['PROPER'],
  howMany: ['CARDINAL'],
  howMuch: ['MONEY', 'CARDINAL', 'PERCENT'],
  howMeasure: ['CARDINAL', 'DURATION', 'MONEY', 'PERCENT', 'DATE'],
  whatName: ['PROPER'],
  which: ['PROPER', 'NOUN_PHRASE'],
};

const cap = (x: number, max: number) => Math.min(x, max);
/** A token's term as the lexical index has it; null for stop words and for punctuation and symbols. */
const wordStem = (token: string) => (/[\p{L}\p{N}]/u.test(token) ? normalizeTerm(token) : null);
const oneHot = <T extends string>(prefix: string, values: readonly T[], value: T) => Object.fromEntries(values.map((v) => [`${prefix}_${v}`, v === value ? 1 : 0]));

/**
 * One feature row from parts, in their order. (Object spread of these wide rows took most of the reader's
 * time: V8 copies them on a slow path; assigning key by key is several times faster.)
 */
function row(...parts: Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of parts) for (const key in part) out[key] = part[key]!;
  return out;
}

export function sentenceView(index: IndexSnapshot, candidate: CandidateSentence): SentenceView {
  const record = index.sentences[candidate.id]!;
  const article = index.articles.get(record.articleId)!;
  const text = article.text.slice(record.start, record.end);
  const parts = cached(index, `v${candidate.id}`, () => {
    const annotated = decode(text, index.annotations[candidate.id]!);
    return { annotated, stems: annotated.tokens.map((t) => wordStem(t.text)), candidates: candidates(annotated) };
  });
  return { ...candidate, article, start: record.start, end: record.end, text, ...parts };
}

function dot(a: Float32Array, b: Float32Array, offset = 0): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[offset + i]!;
  return sum;
}

/** IDF-weighted share of the question's terms found in a set of terms. */
function coverage(index: IndexSnapshot, terms: string[], present: Set<string>): number {
  let total = 0;
  let covered = 0;
  for (const term of new Set(terms)) {
    const weight = index.lexical.idf(term);
    total += weight;
    if (present.has(term)) covered += weight;
  }
  return total === 0 ? 0 : covered / total;
}

const presentStems = (view: SentenceView) => new Set(view.stems.filter((s): s is string => s !== null));

/** Smallest token window holding one occurrence of every matched question term, against their number. */
function proximity(view: SentenceView, terms: Set<string>): number {
  const positions = view.stems.map((s, i) => (s !== null && terms.has(s) ? i : -1)).filter((i) => i >= 0);
  const distinct = new Set(positions.map((i) => view.stems[i]!)).size;
  if (distinct <= 1) return distinct;
  let best = Infinity;
  const counts = new Map<string, number>();
  let left = 0;
  for (let right = 0; right < positions.length; right++) {
    const term = view.stems[positions[right]!]!;
    counts.set(term, (counts.get(term) ?? 0) + 1);
    while (counts.size === distinct) {
      best = Math.min(best, positions[right]! - positions[left]! + 1);
      const leftTerm = view.stems[positions[left]!]!;
      const n = counts.get(leftTerm)! - 1;
      if (n === 0) counts.delete(leftTerm);
      else counts.set(leftTerm, n);
      left++;
    }
  }
  return distinct / best;
}

function bigramShare(view: SentenceView, terms: string[]): number {
  if (terms.length < 2) return 0;
  const content = view.stems.filter((s): s is string => s !== null);
  const pairs = new Set<string>();
  for (let i = 0; i + 1 < content.length; i++) {
    pairs.add(`${content[i]} ${content[i + 1]}`);
    if (i + 2 < content.length) pairs.add(`${content[i]} ${content[i + 2]}`);
  }
  let found = 0;
  for (let i = 0; i + 1 < terms.length; i++) if (pairs.has(`${terms[i]} ${terms[i + 1]}`)) found++;
  return found / (terms.length - 1);
}

/** Character 4-grams of a text's words (lower-cased, letters and digits): catches inflections and compounds. */
function charGrams(text: string): Set<string> {
  const grams = new Set<string>();
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    const padded = ` ${word} `;
    for (let i = 0; i + 4 <= padded.length; i++) grams.add(padded.slice(i, i + 4));
  }
  return grams;
}

function gramCosine(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const gram of a) if (b.has(gram)) shared++;
  return shared / Math.sqrt(a.size * b.size);
}

const prefixes = (words: Iterable<string>) => new Set([...words].map((w) => w.toLowerCase().slice(0, 5)));

/** Whether a candidate's words are all named by the question already. */
function namedByQuestion(view: SentenceView, candidate: Candidate, question: QuestionAnalysis): number {
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
const caches = new WeakMap<IndexSnapshot, Map<string, unknown>>();
const CACHE_SIZE = 20_000;

/** Least recently used goes first: a Map keeps insertion order, and a hit is moved to the end. */
function cached<T>(index: IndexSnapshot, key: string, make: () => T): T {
  let cache = caches.get(index);
  if (!cache) caches.set(index, (cache = new Map()));
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

const cachedStems = (index: IndexSnapshot, key: string, text: () => string): Set<string> => cached(index, key, () => textStems(text()));

const sentenceStems = (index: IndexSnapshot, id: number) => {
  const record = index.sentences[id]!;
  return cachedStems(index, `s${id}`, () => index.articles.get(record.articleId)!.text.slice(record.start, record.end));
};

function neighbourStems(index: IndexSnapshot, view: SentenceView): Set<string> {
  const stems = new Set(presentStems(view));
  for (const id of [view.id - 1, view.id + 1]) {
    const record = index.sentences[id];
    if (record && record.articleId === view.article.id) for (const stem of sentenceStems(index, id)) stems.add(stem);
  }
  return stems;
}

const textStems = (text: string) => new Set((text.match(/[\p{L}\p{N}'’]+/gu) ?? []).map(normalizeTerm).filter((s): s is string => s !== null));

/** Features of every candidate sentence, in the order given. */
export function sentenceFeatures(context: ReadingContext): Record<string, number>[] {
  const { index, question, queryVector } = context;
  const dimension = index.manifest.model.dimension;
  const terms = question.terms;
  const termSet = new Set(terms);
  const contentWords = question.annotated.tokens.filter((t) => wordStem(t.text) !== null).map((t) => t.text);
  const questionPrefixes = prefixes(contentWords);
  const expected = EXPECTED_KINDS[question.type] ?? [];
  const questionGrams = charGrams(contentWords.join(' '));
  const chunkCosine = new Map<number, number>();
  const chunkCoverage = new Map<number, number>();
  const raw = context.sentences.map((view) => {
    const present = presentStems(view);
    if (!chunkCosine.has(view.chunk)) {
      const chunk = index.chunks[view.chunk]!;
      // The passage's closeness in meaning: the mean cosine of its sentences (their vectors are in memory).
      let sum = 0;
      for (let id = chunk.firstSentence; id < chunk.firstSentence + chunk.sentenceCount; id++) sum += dot(queryVector, index.sentenceVectors, id * dimension);
      chunkCosine.set(view.chunk, sum / chunk.sentenceCount);
      chunkCoverage.set(view.chunk, coverage(index, terms, cachedStems(index, `c${view.chunk}`, () => `${view.article.title}\n${view.article.text.slice(chunk.start, chunk.end)}`)));
    }
    const lemmas = cached(index, `l${view.id}`, () => new Set(view.annotated.tokens.map((t) => t.lemma)));
    const sentencePrefixes = cached(index, `p${view.id}`, () => prefixes(view.annotated.tokens.map((t) => t.text)));
    const fresh = view.candidates.filter((c) => namedByQuestion(view, c, question) < 0.5);
    const missing = [...termSet].filter((t) => !present.has(t)).map((t) => index.lexical.idf(t));
    const maxIdf = Math.max(1e-6, ...[...termSet].map((t) => index.lexical.idf(t)));
    return {
      cov: coverage(index, terms, present),
      covLemma: question.lemmas.size === 0 ? 0 : [...question.lemmas].filter((l) => lemmas.has(l)).length / question.lemmas.size,
      covPrefix: questionPrefixes.size === 0 ? 0 : [...questionPrefixes].filter((p) => sentencePrefixes.has(p)).length / questionPrefixes.size,
      covContext: coverage(index, terms, neighbourStems(index, view)),
      covTitle: coverage(index, terms, cachedStems(index, `t${view.article.id}`, () => view.article.title)),
      covChunk: chunkCoverage.get(view.chunk)!,
      matched: [...termSet].filter((t) => present.has(t)).length,
      maxMissingIdf: missing.length === 0 ? 0 : Math.max(...missing) / maxIdf,
      bigrams: bigramShare(view, terms),
      grams: gramCosine(questionGrams, cached(index, `g${view.id}`, () => charGrams(view.text))),
      proximity: proximity(view, termSet),
      cosine: dot(queryVector, index.sentenceVectors, view.id * dimension),
      chunkCosine: chunkCosine.get(view.chunk)!,
      chunkRank: cap(view.chunkRank, 30),
      articleRank: cap(view.articleRank, 30),
      tokens: cap(view.annotated.tokens.length, 100),
      firstInArticle: view.id === 0 || index.sentences[view.id - 1]!.articleId !== view.article.id ? 1 : 0,
      freshCandidates: cap(fresh.length, 30),
      expectedKind: expected.length === 0 ? -1 : fresh.some((c) => expected.includes(c.kind)) ? 1 : 0,
      hasDate: fresh.some((c) => c.kind === 'DATE') ? 1 : 0,
      hasNumber: fresh.some((c) => c.kind === 'CARDINAL') ? 1 : 0,
      hasMoney: fresh.some((c) => c.kind === 'MONEY' || c.kind === 'PERCENT') ? 1 : 0,
      freshProper: cap(fresh.filter((c) => c.kind === 'PROPER').length, 10),
      focus: question.focus === undefined ? -1 : present.has(question.focus) ? 1 : 0,
    };
  });
  // Relative to the other candidates: the best sentence of a passage is what matters, not an absolute level.
  const best = (key: keyof (typeof raw)[number]) => Math.max(...raw.map((r) => r[key]));
  const rankOf = (key: keyof (typeof raw)[number], value: number) => raw.filter((r) => r[key] > value).length;
  const maxima = { cov: best('cov'), cosine: best('cosine'), covContext: best('covContext'), proximity: best('proximity'), covLemma: best('covLemma'), grams: best('grams') };
  const questionType = oneHot('q', QUESTION_TYPES, question.type);
  return raw.map((r) =>
    row(
      r,
      {
        covRel: r.cov - maxima.cov,
        covRank: cap(rankOf('cov', r.cov), 20),
        cosineRel: r.cosine - maxima.cosine,
        cosineRank: cap(rankOf('cosine', r.cosine), 20),
        covContextRel: r.covContext - maxima.covContext,
        proximityRel: r.proximity - maxima.proximity,
        covLemmaRel: r.covLemma - maxima.covLemma,
        gramsRel: r.grams - maxima.grams,
      },
      questionType,
    ),
  );
}

/** Features of each candidate answer of a sentence; `sentenceScore` is the reader's score of the sentence. */
export function spanFeatures(context: ReadingContext, view: SentenceView, sentenceScore: number, sentenceRank: number): Record<string, number>[] {
  const { question } = context;
  const tokens = view.annotated.tokens;
  const termSet = new Set(question.terms);
  const matched = view.stems.map((s, i) => (s !== null && termSet.has(s) ? i : -1)).filter((i) => i >= 0);
  const expected = EXPECTED_KINDS[question.type] ?? [];
  const lastContent = tokens.map((t) => t.pos !== 'PUNCT').lastIndexOf(true);
  const focusAt = question.focus === undefined ? [] : view.stems.map((s, i) => (s === question.focus ? i : -1)).filter((i) => i >= 0);
  const questionType = oneHot('q', QUESTION_TYPES, question.type);
  const kinds = new Map(CANDIDATE_KINDS.map((kind) => [kind, oneHot('kind', CANDIDATE_KINDS, kind)]));
  return view.candidates.map((c) => {
    const previous = tokens[c.first - 1];
    const next = tokens[c.last + 1];
    const distance = matched.length === 0 ? 50 : Math.min(...matched.map((i) => (i < c.first ? c.first - i : i > c.last ? i - c.last : 0)));
    const span = tokens.slice(c.first, c.last + 1);
    const nested = view.candidates.some((o) => o !== c && o.first <= c.first && o.last >= c.last);
    return row(kinds.get(c.kind)!, questionType, {
      expectedKind: expected.length === 0 ? -1 : expected.includes(c.kind) ? 1 : 0,
      named: namedByQuestion(view, c, question),
      length: cap(c.last - c.first + 1, 20),
      capitalised: span.filter((t) => /^\p{Lu}/u.test(t.text)).length / span.length,
      distance: cap(distance, 50),
      matchedBefore: matched.filter((i) => i < c.first).length,
      matchedAfter: matched.filter((i) => i > c.last).length,
      matchedInside: matched.filter((i) => i >= c.first && i <= c.last).length,
      previousAdp: previous?.pos === 'ADP' ? 1 : 0,
      previousPlace: previous && /^(in|at|near|from|to|into|across)$/i.test(previous.text) ? 1 : 0,
      previousBy: previous && /^by$/i.test(previous.text) ? 1 : 0,
      previousVerb: previous?.pos === 'VERB' || previous?.pos === 'AUX' ? 1 : 0,
      previousDet: previous?.pos === 'DET' ? 1 : 0,
      previousPunct: !previous || previous.pos === 'PUNCT' ? 1 : 0,
      nextPunct: !next || next.pos === 'PUNCT' ? 1 : 0,
      nextVerb: next?.pos === 'VERB' || next?.pos === 'AUX' ? 1 : 0,
      nextAdp: next?.pos === 'ADP' ? 1 : 0,
      atEnd: c.last >= lastContent ? 1 : 0,
      position: c.first / Math.max(1, tokens.length),
      focusInside: focusAt.some((i) => i >= c.first && i <= c.last) ? 1 : 0,
      focusNear: focusAt.some((i) => i >= c.first - 3 && i <= c.last + 3) ? 1 : 0,
      nested: nested ? 1 : 0,
      headProper: tokens[c.last]!.pos === 'PROPN' ? 1 : 0,
      headNumber: tokens[c.last]!.pos === 'NUM' ? 1 : 0,
      candidates: cap(view.candidates.length, 60),
      sentenceScore,
      sentenceRank: cap(sentenceRank, 10),
    });
  });
}

/**
 * Features of the question as a whole, given the sentences ordered by the reader's score (best first)
 * and their features. The span model's two best scores are added by the caller (`withSpanScores`).
 */
export function answerFeatures(context: ReadingContext, order: number[], scores: number[], features: Record<string, number>[]): Record<string, number> {
  const { index, question } = context;
  const top = features[order[0]!]!;
  const view = context.sentences[order[0]!]!;
  const terms = [...new Set(question.terms)];
  const totalIdf = terms.reduce((sum, t) => sum + index.lexical.idf(t), 0) || 1;
  const unknown = terms.filter((t) => index.lexical.documentFrequency(t) === 0).reduce((sum, t) => sum + index.lexical.idf(t), 0);
  const articleStems = cachedStems(index, `a${view.article.id}`, () => `${view.article.title}\n${view.article.text}`);
  const missingInArticle = terms.filter((t) => !articleStems.has(t)).reduce((sum, t) => sum + index.lexical.idf(t), 0);
  const s = order.map((i) => scores[i]!);
  return {
    top: s[0] ?? 0,
    second: s[1] ?? 0,
    margin: (s[0] ?? 0) - (s[1] ?? 0),
    topFiveSum: s.slice(0, 5).reduce((a, b) => a + b, 0),
    topCov: top.cov!,
    topCovContext: top.covContext!,
    topCovChunk: top.covChunk!,
    topCosine: top.cosine!,
    topChunkCosine: top.chunkCosine!,
    topChunkRank: top.chunkRank!,
    topMaxMissingIdf: top.maxMissingIdf!,
    topExpectedKind: top.expectedKind!,
    topProximity: top.proximity!,
    topFocus: top.focus!,
    bestCov: Math.max(...features.map((f) => f.cov!)),
    bestCosine: Math.max(...features.map((f) => f.cosine!)),
    unknownShare: unknown / totalIdf,
    missingInArticle: missingInArticle / totalIdf,
    terms: cap(terms.length, 20),
    candidates: cap(features.length, 100),
    ...oneHot('q', QUESTION_TYPES, question.type),
  };
}

/** The answer features with the span model's best two scores (0 when the sentence has no candidate). */
export function withSpanScores(features: Record<string, number>, spanScores: number[]): Record<string, number> {
  const sorted = [...spanScores].sort((a, b) => b - a);
  return row(features, { spanTop: sorted[0] ?? 0, spanSecond: sorted[1] ?? 0 });
}
