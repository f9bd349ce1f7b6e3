/**
 * The project's terms (English stemming, stop words) and what is kept of them in memory: the chunks'
 * document frequencies and the vocabulary (TermTable), so callers can tell how much of a question's
 * information a passage covers, and which query terms BM25 searches. The shipped BM25 index, at two levels
 * (chunks, and whole articles: evidence spread over an article counts there), is postings tables in each version's
 * SQLite file (sqlite-file.ts); the MiniSearch index here is the one it replaced, kept for the experiments.
 */
import MiniSearch, { type Options, type SearchResult } from 'minisearch';
import { stemmer } from 'stemmer';
import { Vocabulary } from './spelling.js';

export interface ChunkDocument {
  label: number;
  title: string;
  text: string;
}

export interface ArticleDocument {
  id: string;
  title: string;
  text: string;
}

export interface LexicalHit {
  label: number;
  score: number;
}

export interface ArticleHit {
  articleId: string;
  score: number;
}

export interface Bm25Params {
  k: number;
  b: number;
  d: number;
}

/** Anserini's BM25 defaults for BEIR (k1 0.9, b 0.4), without BM25+'s floor. */
export const DEFAULT_BM25: Bm25Params = { k: 0.9, b: 0.4, d: 0 };
/** Weight of the title field against the text's 1 (both backends). */
export const TITLE_BOOST = 0.5;
/**
 * Query terms in more than `share` of the chunks (and more than `minDocuments` of them) are left out of the
 * search: they say little about relevance and cost the most (every chunk holding them is scored). Measured
 * with scripts/experiments/term-selection.ts (chunk BM25 → documents, nDCG@10; CPU ms per question, both
 * searches): share 0.1 → 0.03 gave SciFact 0.640 → 0.651, NFCorpus 0.316 → 0.321, NQ-UTD 0.808 → 0.808
 * (its 1.6k chunks stay under minDocuments), and at 100k chunks p50 / p95 109 / 288 → 35 / 102 ms. But the
 * shipped ranking (hybrid: chunks and articles, fused) on SciFact is 0.663 with 0.03 (0.05: 0.662) against
 * 0.670 with 0.1 (`npm run eval`, 2026-11-30), under the 0.665 it must keep (BM25's own published figure), so
 * the share is 0.1 again. Its cost with packed postings (index format 5; both searches timed over 200 SciFact
 * queries by a profiling harness): 27k chunks 0.8 / 1.8 → 1.5 / 2.7 ms p50 / p95, 100k 2.3 / 5.0 → 9.3 / 17.4 ms.
 */
export const COMMON_TERM = { share: 0.1, minDocuments: 1000 };

const STOP_WORDS = new Set(
  `a about above after again against all am an and any are as at be because been before being below between both but by
  can could did do does doing down during each few for from further had has have having he her here hers herself him
  himself his how i if in into is it its itself just me more most my myself no nor not now of off on once only or other
  our ours ourselves out over own same she should so some such than that the their theirs them themselves then there
  these they this those through to too under until up very was we were what when where which while who whom why will
  with would you your yours yourself yourselves s t said says say tell told`.split(/\s+/),
);

/**
 * Terms already normalised, by the word as written: stemming is the costliest step of reading a text's
 * terms, and a coverage's words repeat. Cleared when full, so memory stays bounded whatever the coverage.
 */
const normalized = new Map<string, string | null>();
const NORMALIZED_MAX = 200_000;
/**
 * V8 keeps a string of 13 characters or more cut from a text as a pointer into that text: such a word (or
 * stem) is copied before it is kept, or the memo would keep whole articles of a replaced coverage alive.
 */
const own = (text: string) => (text.length < 13 ? text : Buffer.from(text).toString());

/** A word as it is stemmed: lower-cased, without a possessive or apostrophes. */
const unstemmed = (term: string) => term.toLowerCase().replace(/['’]s$/, '').replace(/['’]/g, '');

/** Whether an unstemmed word has no term: nothing left of it, or a stop word. */
const termless = (word: string) => word.length === 0 || STOP_WORDS.has(word);

/** Whether normalizeTerm gives a word a term (it is not a stop word), without stemming it or looking it up. */
export const hasTerm = (term: string) => !termless(unstemmed(term));

/** Lower-cased, possessive-free, stemmed term; null for stop words. */
export function normalizeTerm(term: string): string | null {
  const known = normalized.get(term);
  if (known !== undefined) return known;
  const word = unstemmed(term);
  const result = termless(word) ? null : own(stemmer(word));
  if (normalized.size >= NORMALIZED_MAX) normalized.clear();
  normalized.set(own(term), result);
  return result;
}

/** Words: letters and digits, with apostrophes inside (possessives are dropped by normalizeTerm). */
const WORD = /[\p{L}\p{N}'’]+/gu;
const words = (text: string): string[] => text.match(WORD) ?? [];

function searchOptions<T>(idField: keyof T & string): Options<T> {
  return { idField, fields: ['title', 'text'], storeFields: [], tokenize: words, processTerm: (term) => normalizeTerm(term) };
}
const CHUNK_OPTIONS = searchOptions<ChunkDocument>('label');
const ARTICLE_OPTIONS = searchOptions<ArticleDocument>('id');

/** What reading needs of the coverage's terms: their chunk frequencies, and the vocabulary for spelling. */
export interface TermStatistics {
  readonly vocabulary: Vocabulary;
  /** How many chunks hold a normalized term. */
  documentFrequency(term: string): number;
  /** Inverse document frequency of a normalized term (BM25's, floored at a small positive value). */
  idf(term: string): number;
}

/** The chunks' document frequencies and the vocabulary: all a backend that searches elsewhere keeps in memory. */
export class TermTable implements TermStatistics {
  constructor(
    /** Document frequency of every normalized term in the chunk texts. */
    private readonly chunkDocumentFrequency: Map<string, number>,
    readonly chunkCount: number,
    /** Every word of the chunks and titles, for reading misspelt questions (src/index/spelling.ts). */
    readonly vocabulary: Vocabulary,
  ) {}

  /** From the chunks' texts and their terms (`LexicalIndex.terms` of each text, when the caller has them already). */
  static build(chunks: readonly { text: string }[], articles: readonly { title: string }[], chunkTerms: readonly (readonly string[])[] = chunks.map((c) => LexicalIndex.terms(c.text))): TermTable {
    const documentFrequency = new Map<string, number>();
    for (const terms of chunkTerms) {
      for (const term of new Set(terms)) {
        documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
      }
    }
    const vocabulary = Vocabulary.of([...chunks.map((c) => c.text), ...articles.map((a) => a.title)]);
    return new TermTable(documentFrequency, chunks.length, vocabulary);
  }

  static fromJSON(stored: { documentFrequency: [string, number][]; vocabulary: [string, number, number][] }, chunkCount: number): TermTable {
    if (!Array.isArray(stored.documentFrequency) || !Array.isArray(stored.vocabulary)) throw new Error('the term tables are missing');
    return new TermTable(new Map(stored.documentFrequency), chunkCount, Vocabulary.fromJSON(stored.vocabulary));
  }

  toJSON(): { documentFrequency: [string, number][]; vocabulary: [string, number, number][] } {
    return { documentFrequency: [...this.chunkDocumentFrequency], vocabulary: this.vocabulary.toJSON() };
  }

  documentFrequency(term: string): number {
    return this.chunkDocumentFrequency.get(term) ?? 0;
  }

  idf(term: string): number {
    const n = this.chunkCount;
    const df = this.documentFrequency(term);
    return Math.max(0.01, Math.log(1 + (n - df + 0.5) / (df + 0.5)));
  }

  /**
   * The terms worth searching: one found in a large share of a large collection says little about relevance
   * and costs the most (every chunk holding it is scored), so common terms are left out, as long as a term
   * that does occur in the chunks remains to search. Chunk frequencies decide for the article query too.
   */
  searchTerms(text: string, commonTermShare = COMMON_TERM.share): string[] {
    const terms = LexicalIndex.terms(text);
    const limit = Math.max(COMMON_TERM.minDocuments, commonTermShare * this.chunkCount);
    const frequency = (term: string) => this.documentFrequency(term);
    const kept = terms.filter((term) => frequency(term) <= limit);
    return kept.some((term) => frequency(term) > 0) ? kept : terms;
  }
}

/** A lexical index as the in-memory tools use it: the shipped one is in the version's SQLite file (SqliteLexical in local-version.ts). */
export interface LexicalSearch extends TermStatistics {
  readonly terms: TermTable;
  readonly chunkCount: number;
  readonly articleCount: number;
  /** The k chunks that best match a text. */
  query(text: string, k: number): LexicalHit[];
  /** The k whole articles that best match a text. */
  queryArticles(text: string, k: number): ArticleHit[];
}

/** BM25 with MiniSearch in memory: the index before SQLite, kept for the experiments that compare engines. */
export class LexicalIndex implements LexicalSearch {
  private constructor(
    private readonly chunks: MiniSearch<ChunkDocument>,
    private readonly articles: MiniSearch<ArticleDocument>,
    readonly terms: TermTable,
    private readonly bm25: Bm25Params,
    /** The share of chunks above which a query term is left out (COMMON_TERM; experiments compare others). */
    private readonly commonTermShare = COMMON_TERM.share,
  ) {}

  static build(chunks: ChunkDocument[], articles: ArticleDocument[], bm25: Bm25Params = DEFAULT_BM25, commonTermShare = COMMON_TERM.share): LexicalIndex {
    const chunkSearch = new MiniSearch<ChunkDocument>(CHUNK_OPTIONS);
    chunkSearch.addAll(chunks);
    const articleSearch = new MiniSearch<ArticleDocument>(ARTICLE_OPTIONS);
    articleSearch.addAll(articles);
    return new LexicalIndex(chunkSearch, articleSearch, TermTable.build(chunks, articles), bm25, commonTermShare);
  }

  static fromJSON(json: string, bm25: Bm25Params = DEFAULT_BM25): LexicalIndex {
    const stored = JSON.parse(json) as { chunks: unknown; articles: unknown; documentFrequency: [string, number][]; vocabulary: [string, number, number][] };
    if (!Array.isArray(stored.documentFrequency) || !Array.isArray(stored.vocabulary)) throw new Error('lexical.json lacks its term tables');
    const chunks = MiniSearch.loadJS(stored.chunks as never, CHUNK_OPTIONS);
    return new LexicalIndex(chunks, MiniSearch.loadJS(stored.articles as never, ARTICLE_OPTIONS), TermTable.fromJSON(stored, chunks.documentCount), bm25);
  }

  toJSON(): string {
    return JSON.stringify({ chunks: this.chunks.toJSON(), articles: this.articles.toJSON(), ...this.terms.toJSON() });
  }

  /** The normalized terms of a text, in order, stop words removed. */
  static terms(text: string): string[] {
    return words(text).map(normalizeTerm).filter((t): t is string => t !== null);
  }

  get vocabulary(): Vocabulary {
    return this.terms.vocabulary;
  }

  get chunkCount(): number {
    return this.chunks.documentCount;
  }

  get articleCount(): number {
    return this.articles.documentCount;
  }

  documentFrequency(term: string): number {
    return this.terms.documentFrequency(term);
  }

  idf(term: string): number {
    return this.terms.idf(term);
  }

  private search<T>(index: MiniSearch<T>, text: string, k: number): SearchResult[] {
    // Terms are already normalized here, so MiniSearch must not process them again.
    const query = this.terms.searchTerms(text, this.commonTermShare).join(' ');
    return index.search(query, { combineWith: 'OR', boost: { title: TITLE_BOOST, text: 1 }, bm25: this.bm25, processTerm: (term) => term }).slice(0, k);
  }

  /** The k chunks that best match a text. */
  query(text: string, k: number): LexicalHit[] {
    return this.search(this.chunks, text, k).map((result) => ({ label: Number(result.id), score: result.score }));
  }

  /** The k whole articles that best match a text. */
  queryArticles(text: string, k: number): ArticleHit[] {
    return this.search(this.articles, text, k).map((result) => ({ articleId: String(result.id), score: result.score }));
  }
}
