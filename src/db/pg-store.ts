/**
 * The coverage in Postgres (DATABASE_URL): the store behind the same interface as the local index. A
 * version's articles, term frequencies and vocabulary are kept in memory (the bot's titles and pages, the
 * spelling, the reader's idf); chunks are searched by the database (pgvector HNSW, cosine; BM25 by
 * pg_textsearch, or ts_rank without it), and only the retrieved chunks' records are fetched for reading.
 */
import type pg from 'pg';
import type { HnswConfig } from '../config.js';
import type { Coverage, CoverageStore, Retrieval } from '../index/coverage.js';
import { TermTable, TITLE_BOOST, type ArticleHit } from '../index/lexical-index.js';
import { IndexMissingError, type ChunkRecord, type ReadingIndex, type SentenceRecord } from '../index/store.js';
import type { SentenceAnnotation } from '../reader/annotate.js';
import { fuseLists, searchDepth, type RetrievedChunk, type RetrieveOptions, type SearchLists } from '../retrieve.js';
import { createPool, describeDatabase, userFacing } from './connect.js';
import { lockDatabase } from './lock.js';
import { migrate } from './migrate.js';
import { bytesVector, liveVersion, readArticles, readPrevious, vectorLiteral, writeVersion, type LiveVersion } from './pg-write.js';

interface Hit {
  label: number;
  article_id: string;
  score: number;
}

/** BM25 by pg_textsearch: text and title scored apart and summed with the title's weight, as MiniSearch does. */
const bm25 = (table: 'chunks' | 'articles', key: string) => `
  SELECT ${key}, score FROM (
    SELECT ${key}, -((terms <@> to_bm25query($1, '${table}_text_bm25')) + ${TITLE_BOOST} * (title_terms <@> to_bm25query($1, '${table}_title_bm25'))) AS score
    FROM ${table} WHERE version_id = $2
  ) scored WHERE score > 0 ORDER BY score DESC, ${key.split(',')[0]} LIMIT $3`;

/** The fallback: built-in full-text search, title terms weighted B (0.5) against the text's A (1). */
const fulltext = (table: 'chunks' | 'articles', key: string) => `
  SELECT ${key}, ts_rank('{0.1, 0.2, ${TITLE_BOOST}, 1}', tsv, query) AS score
  FROM ${table}, to_tsquery('simple', $1) query
  WHERE version_id = $2 AND tsv @@ query ORDER BY score DESC, ${key.split(',')[0]} LIMIT $3`;

const DENSE = `
  SELECT label, article_id, 1 - (embedding <=> $1::vector) AS score FROM chunks
  WHERE version_id = $2 ORDER BY embedding <=> $1::vector LIMIT $3`;

/** The retrieved chunks, and their sentences with one more on each side (the reader looks at neighbours). */
const VIEW_CHUNKS = 'SELECT label, article_id, start_offset, end_offset, first_sentence, sentence_count FROM chunks WHERE version_id = $1 AND label = ANY($2::int[])';
const VIEW_SENTENCES = `
  SELECT DISTINCT ON (s.id) s.id, s.article_id, s.start_offset, s.end_offset, s.annotation, s.embedding
  FROM chunks c JOIN sentences s ON s.version_id = c.version_id AND s.id BETWEEN c.first_sentence - 1 AND c.first_sentence + c.sentence_count
  WHERE c.version_id = $1 AND c.label = ANY($2::int[]) ORDER BY s.id`;

interface SentenceRow {
  id: number;
  article_id: string;
  start_offset: number;
  end_offset: number;
  annotation: SentenceAnnotation;
  embedding: Buffer;
}

/** Opens the live version: its articles and term tables in memory, the rest searched where it is. */
async function openVersion(pool: pg.Pool, url: string, live: LiveVersion, useBm25: boolean): Promise<Coverage> {
  const articleList = await readArticles(pool, live.id);
  const articles = new Map(articleList.map((a) => [a.id, a]));
  const terms = TermTable.fromJSON(JSON.parse(live.terms), live.manifest.counts.chunks);
  const dimension = live.manifest.model.dimension;
  const cacheKey = {};
  const lexicalSql = useBm25 ? { chunks: bm25('chunks', 'label, article_id'), articles: bm25('articles', 'id') } : { chunks: fulltext('chunks', 'label, article_id'), articles: fulltext('articles', 'id') };

  async function lexical(searched: string[], depth: number): Promise<{ chunks: Hit[]; articles: ArticleHit[] }> {
    if (searched.length === 0) return { chunks: [], articles: [] };
    const query = useBm25 ? searched.join(' ') : searched.join(' | ');
    const [chunks, found] = await Promise.all([
      pool.query<Hit>(lexicalSql.chunks, [query, live.id, depth]),
      pool.query<{ id: string; score: number }>(lexicalSql.articles, [query, live.id, depth]),
    ]);
    return { chunks: chunks.rows, articles: found.rows.map((r) => ({ articleId: r.id, score: r.score })) };
  }

  async function view(retrieved: RetrievedChunk[]): Promise<ReadingIndex> {
    const labels = retrieved.map((r) => r.label);
    const [chunkRows, sentenceRows] = await Promise.all([pool.query(VIEW_CHUNKS, [live.id, labels]), pool.query<SentenceRow>(VIEW_SENTENCES, [live.id, labels])]);
    const chunks: ChunkRecord[] = [];
    for (const r of chunkRows.rows) chunks[r.label] = { articleId: r.article_id, start: r.start_offset, end: r.end_offset, firstSentence: r.first_sentence, sentenceCount: r.sentence_count };
    const sentences: SentenceRecord[] = [];
    const annotations: SentenceAnnotation[] = [];
    const slots = new Map<number, number>();
    const sentenceVectors = new Float32Array(sentenceRows.rows.length * dimension);
    sentenceRows.rows.forEach((r, slot) => {
      sentences[r.id] = { articleId: r.article_id, start: r.start_offset, end: r.end_offset };
      annotations[r.id] = r.annotation;
      slots.set(r.id, slot);
      sentenceVectors.set(bytesVector(r.embedding), slot * dimension);
    });
    return { version: live.name, manifest: live.manifest, articles, chunks, sentences, annotations, sentenceVectors, vectorOffset: (id) => slots.get(id)! * dimension, lexical: terms, cacheKey };
  }

  return {
    backend: 'postgres',
    version: live.name,
    manifest: live.manifest,
    articles,
    terms,
    search: (question, queryVector, options) => userFacing(url, () => search(question, queryVector, options)),
  };

  async function search(question: string, queryVector: Float32Array, options: RetrieveOptions): Promise<Retrieval> {
      const depth = searchDepth(options);
      const [dense, found] = await Promise.all([
        options.mode === 'lexical' ? { rows: [] as Hit[] } : pool.query<Hit>(DENSE, [vectorLiteral(queryVector), live.id, depth]),
        options.mode === 'dense' ? { chunks: [], articles: [] } : lexical(terms.searchTerms(question), depth),
      ]);
      const articleOf = new Map<number, string>();
      for (const hit of [...dense.rows, ...found.chunks]) articleOf.set(hit.label, hit.article_id);
      const lists: SearchLists = {
        dense: dense.rows.map((h) => ({ label: h.label, score: Number(h.score) })),
        lexical: found.chunks.map((h) => ({ label: h.label, score: Number(h.score) })),
        articles: found.articles,
      };
      const retrieved = fuseLists(lists, (label) => articleOf.get(label)!, options);
      return { retrieved, view: await view(retrieved) };
  }
}

/** Connects to DATABASE_URL and brings its schema up to date; throws a one-line DatabaseError when it cannot. */
export async function openPostgresStore(url: string, hnsw: Pick<HnswConfig, 'efSearch'>): Promise<CoverageStore> {
  const pool = createPool(url, hnsw.efSearch);
  const location = describeDatabase(url);
  let useBm25: boolean;
  try {
    useBm25 = (await userFacing(url, () => migrate(pool, url))).bm25;
  } catch (error) {
    await pool.end().catch(() => {});
    throw error;
  }
  const live = async () => {
    const version = await liveVersion(pool);
    if (!version) throw new IndexMissingError(`No coverage has been embedded in the ${location} yet. Run \`npm run embed\` to build it.`);
    return version;
  };
  return {
    backend: 'postgres',
    location,
    lexical: useBm25 ? 'bm25' : 'fulltext',
    currentVersion: () => userFacing(url, async () => (await liveVersion(pool))?.name),
    open: () => userFacing(url, async () => openVersion(pool, url, await live(), useBm25)),
    target: {
      lock: () => userFacing(url, () => lockDatabase(pool, location)),
      previous: () => userFacing(url, async () => readPrevious(pool, await live())),
      write: (contents, signal) => userFacing(url, () => writeVersion(pool, contents, signal)),
    },
    close: () => pool.end(),
  };
}
