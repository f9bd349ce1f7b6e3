/**
 * A version served the lean way, by both backends (the local SQLite file and Postgres): its articles and term
 * statistics are kept in memory; chunks are ranked where they are stored (dense, BM25 over chunks and whole
 * articles), the lists fused here, and only the retrieved chunks' records, their sentences (with one more on
 * each side: the reader looks at neighbours), the sentences' vectors and annotations are read per question into
 * a small `ReadingIndex` view (which may hold a few more: those of BM25's first chunks, read while the question
 * was embedded, that the fused ranking left out).
 */
import type { Article } from '../corpus/types.js';
import type { SentenceAnnotation } from '../reader/annotate.js';
import { fuseLists, searchDepth, type RetrievedChunk, type RetrieveOptions, type SearchLists } from '../retrieve.js';
import type { Backend, Coverage, Retrieval } from './coverage.js';
import type { ArticleHit, TermTable } from './lexical-index.js';
import { setVectorBytes, type ChunkRow, type SentenceRow } from './rows.js';
import type { ChunkRecord, IndexManifest, ReadingIndex, SentenceRecord } from './store.js';

/** A chunk a search found, with its article (fusion filters and groups by article). */
export interface ChunkHit {
  label: number;
  article_id: string;
  score: number;
}

type Maybe<T> = T | Promise<T>;

/** What a backend does for a question: its searches and the rows of the chunks retrieved. */
export interface VersionSearch {
  dense(queryVector: Float32Array, depth: number): Maybe<ChunkHit[]>;
  /** BM25 for the question's searched terms (TermTable.searchTerms), over chunks and over whole articles. */
  lexical(searched: string[], depth: number): Maybe<{ chunks: ChunkHit[]; articles: ArticleHit[] }>;
  rows(labels: number[]): Maybe<{ chunks: ChunkRow[]; sentences: SentenceRow[] }>;
}

/** What a version keeps in memory. */
export interface VersionInMemory {
  backend: Backend;
  version: string;
  manifest: IndexManifest;
  articles: ReadonlyMap<string, Article>;
  terms: TermTable;
}

/** The sentences a view of some chunks reads: each chunk's, with one more on each side. */
export function viewSentenceIds(chunks: readonly ChunkRow[]): number[] {
  const ids = new Set<number>();
  for (const c of chunks) for (let id = Math.max(0, c.first_sentence - 1); id <= c.first_sentence + c.sentence_count; id++) ids.add(id);
  return [...ids].sort((a, b) => a - b);
}

/** Rows read for a view, with more rows (a sentence read twice is kept once). */
function withRows(read: { chunks: ChunkRow[]; sentences: SentenceRow[] }, more: { chunks: ChunkRow[]; sentences: SentenceRow[] }) {
  const ids = new Set(read.sentences.map((r) => r.id));
  return { chunks: [...read.chunks, ...more.chunks], sentences: [...read.sentences, ...more.sentences.filter((r) => !ids.has(r.id))] };
}

/** The fused ranking of a backend's hits (the dense list empty while the vector is on its way). */
function fuse(denseHits: ChunkHit[], found: { chunks: ChunkHit[]; articles: ArticleHit[] }, options: RetrieveOptions): RetrievedChunk[] {
  const articleOf = new Map<number, string>();
  for (const hit of [...denseHits, ...found.chunks]) articleOf.set(hit.label, hit.article_id);
  const lists: SearchLists = {
    dense: denseHits.map((h) => ({ label: h.label, score: Number(h.score) })),
    lexical: found.chunks.map((h) => ({ label: h.label, score: Number(h.score) })),
    articles: found.articles,
  };
  return fuseLists(lists, (label) => articleOf.get(label)!, options);
}

/** A Coverage over a backend's searches, with its articles and term statistics in memory. */
export function leanCoverage(version: VersionInMemory, backend: VersionSearch): Coverage {
  const { manifest, terms } = version;
  const dimension = manifest.model.dimension;
  /** What reading caches is kept per version. */
  const cacheKey = {};

  function view(rows: { chunks: ChunkRow[]; sentences: SentenceRow[] }): ReadingIndex {
    const chunks: ChunkRecord[] = [];
    for (const r of rows.chunks) chunks[r.label] = { articleId: r.article_id, start: r.start_offset, end: r.end_offset, firstSentence: r.first_sentence, sentenceCount: r.sentence_count };
    const sentences: SentenceRecord[] = [];
    const annotations: SentenceAnnotation[] = [];
    const slots = new Map<number, number>();
    const sentenceVectors = new Float32Array(rows.sentences.length * dimension);
    rows.sentences.forEach((r, slot) => {
      sentences[r.id] = { articleId: r.article_id, start: r.start_offset, end: r.end_offset };
      annotations[r.id] = r.annotation;
      slots.set(r.id, slot);
      setVectorBytes(sentenceVectors, slot, dimension, r.embedding);
    });
    return { version: version.version, manifest, articles: version.articles, chunks, sentences, annotations, sentenceVectors, vectorOffset: (id) => slots.get(id)! * dimension, lexical: terms, cacheKey };
  }

  return {
    backend: version.backend,
    version: version.version,
    manifest,
    articles: version.articles,
    terms,
    async search(question, queryVector, options): Promise<Retrieval> {
      const depth = searchDepth(options);
      // BM25 first (the local backend runs it here and now, Postgres has it in flight), while the question is
      // embedded on its own thread; then the dense search, which needs the vector.
      const lexical = options.mode === 'dense' ? { chunks: [], articles: [] } : backend.lexical(terms.searchTerms(question), depth);
      const dense = options.mode === 'lexical' ? [] : Promise.resolve(queryVector).then((vector) => backend.dense(vector, depth));
      let vectorCame = false;
      const came = () => (vectorCame = true);
      Promise.resolve(queryVector).then(came, came);
      // The wait for the vector, given to the caller with BM25's first chunks and their rows, which the view
      // below reuses (they are most of the fused ranking's). A failure here is not the question's: the rows
      // are then read below, and what `use` works out is worked out by the read.
      const { whileEmbedded } = options;
      let earlyLabels: number[] | undefined;
      const early =
        whileEmbedded && options.mode !== 'dense'
          ? Promise.resolve(lexical)
              .then(async (found) => {
                if (vectorCame) return undefined;
                const ranked = fuse([], found, { ...options, limit: whileEmbedded.chunks });
                earlyLabels = ranked.map((r) => r.label);
                const rows = await backend.rows(earlyLabels);
                if (!vectorCame) Promise.resolve({ retrieved: ranked, view: view(rows) }).then((given) => whileEmbedded.use(given)).catch(() => undefined);
                return rows;
              })
              .catch(() => undefined)
          : undefined;
      const [denseHits, found] = await Promise.all([dense, lexical]);
      const retrieved = fuse(denseHits, found, options);
      const labels = retrieved.map((r) => r.label);
      if (!earlyLabels) return { retrieved, view: view(await backend.rows(labels)) };
      // The chunks the early rows lack are read meanwhile (with Postgres, while that query may still run).
      const have = new Set(earlyLabels);
      const missing = labels.filter((label) => !have.has(label));
      const [read, more] = await Promise.all([early, missing.length > 0 ? backend.rows(missing) : undefined]);
      if (!read) return { retrieved, view: view(await backend.rows(labels)) };
      return { retrieved, view: view(more ? withRows(read, more) : read) };
    },
  };
}
