/**
 * The coverage in Postgres (DATABASE_URL): the store behind the same interface as the local index. A
 * version's articles, term frequencies and vocabulary are kept in memory (the bot's titles and pages, the
 * spelling, the reader's idf); chunks are searched by the database (pgvector HNSW, cosine; BM25 by
 * pg_textsearch, or ts_rank without it), and only the retrieved chunks' records are fetched for reading (and
 * BM25's first chunks', when its queries come back before the question's vector: lean-coverage.ts).
 */
import type pg from 'pg';
import type { HnswConfig } from '../config.js';
import { isUnreachable, VersionGoneError, type Coverage, type CoverageStore, type Retrieval } from '../index/coverage.js';
import { leanCoverage, type ChunkHit } from '../index/lean-coverage.js';
import { TermTable, TITLE_BOOST, type ArticleHit } from '../index/lexical-index.js';
import type { ChunkRow, SentenceRow } from '../index/rows.js';
import { IndexMissingError } from '../index/store.js';
import { createPool, describeDatabase, QUESTION_TIMEOUT_MS, timedQueries, userFacing } from './connect.js';
import { lockDatabase } from './lock.js';
import { migrate } from './migrate.js';
import { vectorParam } from './binary-params.js';
import { liveVersion, readArticles, readKnownArticles, readPrevious, writeVersion, type LiveVersion } from './pg-write.js';

/**
 * BM25 by pg_textsearch over one field, through the version's own index (an ordered index scan: scoring
 * rows one by one instead would cost far more). Text and title are ranked apart and summed below with the
 * title's weight, as MiniSearch does (a chunk outside one field's list counts 0 there). Each row comes with its
 * terms, in either field: the local BM25 multiplies a row's score by the number of distinct searched terms it
 * holds (MiniSearch's, src/index/bm25.ts), and so does `sumFields` (counted here, `matchedTerms`: counted in SQL,
 * the rows' texts searched once per term cost PGlite about 5 ms a question over the four lists at 100k chunks).
 *
 * A row's score is the one the index scan ranked it by, read with pg_textsearch's `bm25_get_current_score()`
 * (`scanScore`). Written as the `<@>` operator again, it is computed afresh for each row returned, the row's
 * text tokenized again: at 100k chunks in PGlite that was most of BM25's time (an article list 9.6 ms p50
 * against 1.3 ms; docs/SCALING.md). The function is right only under the index scan (`readsScanScore`).
 */
export const bm25 = (table: 'chunks' | 'articles', key: string, field: 'terms' | 'title_terms', versionId: string, scanScore: boolean) => {
  // The version is written into the statement, not passed as a parameter: a plan made for any version (a
  // generic plan) could not use that version's partial index, and would rank by a sort (`readsScanScore`).
  if (!/^\d+$/.test(versionId)) throw new Error(`a coverage version id is a number, not "${versionId}"`);
  const query = `to_bm25query($1, '${bm25Index(table, field, versionId)}')`;
  return `
  SELECT ${key}, ${scanScore ? '-bm25_get_current_score()' : `-(${field} <@> ${query})`} AS score, terms, title_terms
  FROM ${table}
  WHERE version_id = ${versionId} ORDER BY ${field} <@> ${query} LIMIT $2`;
};
/** A row of a BM25 list: its key columns, its score, and its terms (`termText`: joined by spaces). */
export interface Bm25Row {
  score: number;
  terms: string;
  title_terms: string;
}
/** How many of the distinct searched terms a row holds, in its text or its title. */
export function matchedTerms(row: Pick<Bm25Row, 'terms' | 'title_terms'>, distinct: readonly string[]): number {
  const words = ` ${row.terms} ${row.title_terms} `;
  return distinct.reduce((n, term) => (words.includes(` ${term} `) ? n + 1 : n), 0);
}
/** The four BM25 lists a question's terms are searched in: chunks and whole articles, by text and by title. */
export const BM25_LISTS = [
  ['chunks', 'label, article_id', 'terms'],
  ['chunks', 'label, article_id', 'title_terms'],
  ['articles', 'id', 'terms'],
  ['articles', 'id', 'title_terms'],
] as const;
export const bm25Index = (table: string, field: string, versionId: string) => `${table}_${field}_bm25_v${versionId}`;

async function hasBm25Indexes(db: Pick<pg.ClientBase, 'query'>, versionId: string): Promise<boolean> {
  return (await db.query('SELECT to_regclass($1) IS NOT NULL AS found', [bm25Index('chunks', 'terms', versionId)])).rows[0].found === true;
}

/**
 * Whether the BM25 lists may read each row's score from the index scan: pg_textsearch has the function (a
 * database that got pg_textsearch 1.x by `ALTER EXTENSION … UPDATE` may lack it), and the planner, with the
 * pool's settings (`createPool`: enable_sort off), ranks each list by its version's BM25 index. The function
 * returns the score the scan last computed, kept in one variable of the server process: under another plan (the
 * rows read in turn and sorted, as a small table's can be without enable_sort off) it returns a stale value, with
 * no error. The store then scores each row again with the operator: slower, right under any plan. The settings
 * are the session's, as `hnsw.ef_search` is: a pooler between the bot and Postgres must keep sessions (PgBouncer's
 * session mode, not its transaction mode; docs/SCALING.md).
 */
export async function readsScanScore(db: Pick<pg.ClientBase, 'query'>, versionId: string): Promise<boolean> {
  if (!(await db.query("SELECT to_regprocedure('bm25_get_current_score()') IS NOT NULL AS found")).rows[0].found) return false;
  for (const [table, key, field] of BM25_LISTS) {
    const index = bm25Index(table, field, versionId);
    const { rows } = await db.query(`EXPLAIN (FORMAT JSON) ${bm25(table, key, field, versionId, true)}`, ['news', 50]);
    const nodes: { 'Node Type': string; 'Index Name'?: string }[] = [];
    const walk = (node: { 'Node Type': string; Plans?: unknown[] }) => (nodes.push(node), node.Plans?.forEach((child) => walk(child as typeof node)));
    walk(rows[0]['QUERY PLAN'][0].Plan);
    if (nodes.some((n) => n['Node Type'] === 'Sort') || !nodes.some((n) => n['Node Type'] === 'Index Scan' && n['Index Name'] === index)) return false;
  }
  return true;
}

interface FieldHit<K> {
  key: K;
  score: number;
  /** Distinct searched terms the row holds, in either field. */
  matched: number;
}

/**
 * Sums a field's BM25 list and the title's, weighted, times the number of searched terms the row holds, into one
 * ranking (ties: the smaller key first).
 */
function sumFields<K extends string | number>(text: FieldHit<K>[], title: FieldHit<K>[], limit: number) {
  const scores = new Map<K, number>();
  const matched = new Map<K, number>();
  for (const hit of text) if (hit.score > 0) (scores.set(hit.key, hit.score), matched.set(hit.key, hit.matched));
  for (const hit of title) if (hit.score > 0) (scores.set(hit.key, (scores.get(hit.key) ?? 0) + TITLE_BOOST * hit.score), matched.set(hit.key, hit.matched));
  return [...scores]
    .map(([key, score]) => [key, score * matched.get(key)!] as const)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, limit)
    .map(([key, score]) => ({ key, score }));
}

/** The fallback: built-in full-text search, title terms weighted B (0.5) against the text's A (1). */
const fulltext = (table: 'chunks' | 'articles', key: string) => `
  SELECT ${key}, ts_rank('{0.1, 0.2, ${TITLE_BOOST}, 1}', tsv, query) AS score
  FROM ${table}, to_tsquery('simple', $1) query
  WHERE version_id = $2 AND tsv @@ query ORDER BY score DESC, ${key.split(',')[0]} LIMIT $3`;

/** Dense search in one version, through that version's own HNSW index (migrations/005_vectors_per_version.sql). */
export const DENSE = `
  SELECT label, article_id, 1 - (embedding <=> $1::vector) AS score FROM chunks
  WHERE version_id = $2 ORDER BY embedding <=> $1::vector LIMIT $3`;

/**
 * The retrieved chunks, and their sentences with one more on each side (the reader looks at neighbours).
 * The sentences are looked up by id, the ids listed first: written as a join on `id BETWEEN` the chunk's
 * bounds, the planner read every sentence of the version and filtered the pairs (a nested loop over 173,837
 * rows at 100k chunks, 0.3-1.3 s a question in PGlite, against 6 ms p50 by id, the rows' annotations and
 * vectors sent included; docs/SCALING.md). A version's tables are not ANALYZEd after a write, so a planner may
 * lack their statistics: the query is written so that it needs none.
 */
export const VIEW_CHUNKS = 'SELECT label, article_id, start_offset, end_offset, first_sentence, sentence_count FROM chunks WHERE version_id = $1 AND label = ANY($2::int[])';
export const VIEW_SENTENCES = `
  SELECT s.id, s.article_id, s.start_offset, s.end_offset, s.annotation, s.embedding FROM sentences s
  WHERE s.version_id = $1 AND s.id = ANY(ARRAY(
    SELECT DISTINCT generate_series(c.first_sentence - 1, c.first_sentence + c.sentence_count)
    FROM chunks c WHERE c.version_id = $1 AND c.label = ANY($2::int[])))
  ORDER BY s.id`;

/**
 * Opens the live version: its articles and term tables in memory, the rest searched where it is. `db` gives up a
 * query after the question timeout: opening and every question's query.
 */
async function openVersion(db: Pick<pg.Pool, 'query'>, url: string, live: LiveVersion, bm25Available: boolean): Promise<Coverage> {
  const ask = <R extends pg.QueryResultRow = any>(text: string, values: unknown[]) => db.query<R>(text, values);
  const articleList = await readArticles(db, live.id);
  // A version written before pg_textsearch was installed has no BM25 indexes: it is searched by ts_rank.
  const useBm25 = bm25Available && (await hasBm25Indexes(db, live.id));
  const scanScore = useBm25 && (await readsScanScore(db, live.id));
  const articles = new Map(articleList.map((a) => [a.id, a]));
  const terms = TermTable.fromJSON(JSON.parse(live.terms), live.manifest.counts.chunks);

  async function lexical(searched: string[], depth: number): Promise<{ chunks: ChunkHit[]; articles: ArticleHit[] }> {
    if (searched.length === 0) return { chunks: [], articles: [] };
    if (!useBm25) {
      const query = searched.join(' | ');
      const [chunks, found] = await Promise.all([
        ask<ChunkHit>(fulltext('chunks', 'label, article_id'), [query, live.id, depth]),
        ask<{ id: string; score: number }>(fulltext('articles', 'id'), [query, live.id, depth]),
      ]);
      return { chunks: chunks.rows, articles: found.rows.map((r) => ({ articleId: r.id, score: r.score })) };
    }
    const query = searched.join(' ');
    const distinct = [...new Set(searched)];
    const [chunkText, chunkTitle, articleText, articleTitle] = await Promise.all(
      BM25_LISTS.map(([table, key, field]) => ask<Bm25Row & ChunkHit & { id: string }>(bm25(table, key, field, live.id, scanScore), [query, depth])),
    );
    const articleOf = new Map<number, string>();
    const chunkHits = (rows: (Bm25Row & ChunkHit)[]) => rows.map((r) => (articleOf.set(r.label, r.article_id), { key: r.label, score: Number(r.score), matched: matchedTerms(r, distinct) }));
    const articleHits = (rows: (Bm25Row & { id: string })[]) => rows.map((r) => ({ key: r.id, score: Number(r.score), matched: matchedTerms(r, distinct) }));
    const chunks = sumFields(chunkHits(chunkText!.rows), chunkHits(chunkTitle!.rows), depth).map((h) => ({ label: h.key, article_id: articleOf.get(h.key)!, score: h.score }));
    const found = sumFields(articleHits(articleText!.rows), articleHits(articleTitle!.rows), depth).map((h) => ({ articleId: h.key, score: h.score }));
    return { chunks, articles: found };
  }

  const coverage = leanCoverage(
    { backend: 'postgres', version: live.name, manifest: live.manifest, articles, terms },
    {
      dense: async (queryVector, depth) => (await ask<ChunkHit>(DENSE, [vectorParam(queryVector), live.id, depth])).rows,
      lexical,
      rows: async (labels) => {
        const [chunks, sentences] = await Promise.all([ask<ChunkRow>(VIEW_CHUNKS, [live.id, labels]), ask<SentenceRow>(VIEW_SENTENCES, [live.id, labels])]);
        return { chunks: chunks.rows, sentences: sentences.rows };
      },
    },
  );
  // A version deleted under its questions (VersionGoneError) is searched as an empty one, or fails on its BM25
  // indexes: a search that failed, found nothing, or lacks a chunk's rows asks whether the version is still there
  // (one more round trip for a question that finds nothing, in a period with no article for instance).
  const gone = () => db.query('SELECT 1 FROM coverage_versions WHERE id = $1', [live.id]).then((r) => r.rowCount === 0, () => false);
  return {
    ...coverage,
    async search(question, queryVector, options) {
      let found: Retrieval;
      try {
        found = await userFacing(url, () => coverage.search(question, queryVector, options));
      } catch (error) {
        if (!isUnreachable(error) && (await gone())) throw new VersionGoneError(live.name);
        throw error;
      }
      if (lacksRows(found) && (await gone())) throw new VersionGoneError(live.name);
      return found;
    },
  };
}

/** Whether a search found no chunk, or a chunk it found has no rows in its view (its version deleted in between). */
function lacksRows({ retrieved, view }: Retrieval): boolean {
  return retrieved.length === 0 || retrieved.some(({ label }) => view.chunks[label] === undefined || view.sentences[view.chunks[label]!.firstSentence] === undefined);
}

/** The Postgres store, with its pool (for tests, and what reads or writes the database outside the store's calls). */
export interface PostgresStore extends CoverageStore {
  readonly pool: pg.Pool;
}

/** Connects to DATABASE_URL and brings its schema up to date; throws a one-line DatabaseError when it cannot. */
export async function openPostgresStore(url: string, hnsw: Pick<HnswConfig, 'efSearch'>, options: { questionTimeoutMs?: number } = {}): Promise<PostgresStore> {
  const pool = createPool(url, hnsw.efSearch);
  const location = describeDatabase(url);
  let useBm25: boolean;
  try {
    useBm25 = (await userFacing(url, () => migrate(pool, url))).bm25;
  } catch (error) {
    await pool.end().catch(() => {});
    throw error;
  }
  // What serves questions, the bot's poll for a new version and its votes (`sql`) is given up after the question
  // timeout: a connection gone silent would otherwise hold a reload (and with it every later poll), or a vote and
  // one of the pool's POOL_SIZE connections, without end.
  const reads = timedQueries(pool, options.questionTimeoutMs ?? QUESTION_TIMEOUT_MS);
  const live = async () => {
    const version = await liveVersion(reads);
    if (!version) throw new IndexMissingError(`No coverage has been embedded in the ${location} yet. Run \`npm run embed\` to build it.`);
    return version;
  };
  return {
    backend: 'postgres',
    location,
    lexical: useBm25 ? 'bm25' : 'fulltext',
    currentVersion: () => userFacing(url, async () => (await liveVersion(reads))?.name),
    open: () => userFacing(url, async () => openVersion(reads, url, await live(), useBm25)),
    knownArticles: () => userFacing(url, () => readKnownArticles(pool)),
    target: {
      lock: () => userFacing(url, () => lockDatabase(pool, location)),
      previous: () =>
        userFacing(url, async () => {
          const version = await live();
          // A version written before pg_textsearch was installed lacks the BM25 indexes a write now builds.
          return { ...(await readPrevious(pool, version)), stale: useBm25 && !(await hasBm25Indexes(pool, version.id)) };
        }),
      write: (contents, signal) => userFacing(url, () => writeVersion(pool, contents, { bm25: useBm25, signal })),
    },
    sql: { query: (text, values) => userFacing(url, () => reads.query(text, values)) },
    pool,
    close: () => pool.end(),
  };
}
