/**
 * A build written to Postgres: every row of the new version inserted, the live pointer switched to it and
 * the versions before the previous one deleted, all in one transaction, so a question sees the old coverage
 * or the new one, never a mix, and a build that fails or loses its connection leaves the old one serving.
 * Also reads the live version back for an incremental build: its articles, to tell what changed, and its
 * records, to reuse those of the articles that did not.
 */
import type pg from 'pg';
import type { Article, KnownArticle } from '../corpus/types.js';
import type { PreviousCoverage, PreviousRecords } from '../index/coverage.js';
import { holdConnection } from './connect.js';
import { FORMAT_VERSION, IndexError, type ChunkRecord, type IndexContents, type IndexManifest, type SentenceRecord, type WrittenVersion } from '../index/store.js';
import type { SentenceAnnotation } from '../reader/annotate.js';
import { setVectorBytes, termText, vectorBytes } from '../index/rows.js';
import { byteaArrayParam, vectorArrayParam, vectorFromSend } from './binary-params.js';

/** The width of the `vector` column (migrations/001_coverage.sql): the shipped model's. */
export const STORED_DIMENSION = 512;
/** Rows per INSERT (each column passed as one array parameter). */
const BATCH_ROWS = 2_000;

/**
 * A vector as pgvector reads it as text (nine significant digits give back the very float32), for the scripts
 * that write SQL by hand; the store sends vectors in binary (binary-params.ts).
 */
export const vectorLiteral = (vector: Float32Array): string => `[${Array.from(vector, (x) => x.toPrecision(9)).join(',')}]`;

/** A column of a batch of rows: one array parameter, from the rows' positions. */
type Column = (rows: number[]) => unknown;
/** A column whose rows' values are passed as a plain array (sent as text). */
const each = (value: (i: number) => unknown): Column => (rows) => rows.map(value);

/** Inserts rows in batches, one array parameter per column. */
async function insertColumns(client: pg.ClientBase, sql: string, versionId: string, count: number, columns: Column[], signal?: AbortSignal): Promise<void> {
  for (let from = 0; from < count; from += BATCH_ROWS) {
    signal?.throwIfAborted();
    const rows = Array.from({ length: Math.min(BATCH_ROWS, count - from) }, (_, i) => from + i);
    await client.query(sql, [versionId, ...columns.map((column) => column(rows))]);
  }
}

/**
 * Memory for pgvector to build a version's HNSW graph in (about 3 kB a 512-d chunk, vectors and links, so 4 kB
 * and 16 MB more for headroom): a graph that does not fit is built on disk, several times slower. Set for the
 * embed's own transaction only; at most 2047 MB (the largest a 32-bit server, PGlite's, accepts).
 */
export const buildMemoryMb = (chunks: number) => Math.min(2047, Math.max(64, 16 + Math.ceil((chunks * 4) / 1024)));

/** Postgres's "out of shared memory" class (53100: could not resize shared memory segment). */
const SHARED_MEMORY_FULL = '53100';

/**
 * Builds a version's HNSW index. A parallel build takes `maintenance_work_mem` of shared memory, more than a
 * container's default /dev/shm (64 MB in Docker) holds past about 20k chunks: then it is built again by one
 * process, in the server's own memory.
 */
async function buildVectorIndex(client: pg.ClientBase, versionId: string, chunks: number): Promise<void> {
  await client.query(`SET LOCAL maintenance_work_mem = '${buildMemoryMb(chunks)}MB'`);
  await client.query('SAVEPOINT vector_index');
  try {
    await client.query('SELECT coverage_vectors($1, true)', [versionId]);
  } catch (error) {
    if ((error as { code?: string }).code !== SHARED_MEMORY_FULL) throw error;
    await client.query('ROLLBACK TO SAVEPOINT vector_index');
    await client.query('SET LOCAL max_parallel_maintenance_workers = 0');
    await client.query('SELECT coverage_vectors($1, true)', [versionId]);
  }
  await client.query('RELEASE SAVEPOINT vector_index');
}

/**
 * Writes a build as a new version and makes it live, in one transaction. pgvector builds the version's own
 * HNSW index once its chunks are in (migrations/005_vectors_per_version.sql).
 */
export async function writeVersion(pool: pg.Pool, contents: IndexContents, options: { bm25: boolean; signal?: AbortSignal }): Promise<WrittenVersion> {
  const { signal } = options;
  const { dimension } = contents.manifest.model;
  if (dimension !== STORED_DIMENSION) {
    throw new IndexError(`The database stores ${STORED_DIMENSION}-d vectors and the model gives ${dimension}-d: use the shipped model with DATABASE_URL, or the local index (unset DATABASE_URL).`);
  }
  const builtAt = new Date().toISOString();
  const manifest: IndexManifest = { formatVersion: FORMAT_VERSION, builtAt, ...contents.manifest, files: {} };
  const name = `v-${builtAt.replace(/[:.]/g, '-')}-${process.pid}`;
  const articles = new Map(contents.articles.map((a) => [a.id, a]));
  const { chunks, sentences, sentenceVectors, annotations } = contents;

  const client = await holdConnection(pool);
  try {
    await client.query('BEGIN');
    const previous = (await client.query<{ version_id: string }>('SELECT version_id FROM coverage_current')).rows[0]?.version_id;
    const { rows } = await client.query<{ id: string }>('INSERT INTO coverage_versions (name, manifest, terms) VALUES ($1, $2, $3) RETURNING id', [
      name,
      JSON.stringify(manifest),
      JSON.stringify(contents.terms.toJSON()),
    ]);
    const versionId = rows[0]!.id;
    // The vector type's id in this database, for the chunks' vectors sent as a binary array.
    const vectorOid = (await client.query<{ oid: number }>("SELECT 'vector'::regtype::oid::int AS oid")).rows[0]!.oid;
    const list = contents.articles;
    await insertColumns(
      client,
      `INSERT INTO articles (version_id, id, position, doc, terms, title_terms)
       SELECT $1, * FROM unnest($2::text[], $3::int[], $4::json[], $5::text[], $6::text[])`,
      versionId,
      list.length,
      [each((i) => list[i]!.id), each((i) => i), each((i) => JSON.stringify(list[i])), each((i) => termText(list[i]!.text)), each((i) => termText(list[i]!.title))],
      signal,
    );
    await insertColumns(
      client,
      `INSERT INTO chunks (version_id, label, article_id, start_offset, end_offset, first_sentence, sentence_count, terms, title_terms, embedding)
       SELECT $1, * FROM unnest($2::int[], $3::text[], $4::int[], $5::int[], $6::int[], $7::int[], $8::text[], $9::text[], $10::vector[])`,
      versionId,
      chunks.length,
      [
        each((i) => i),
        each((i) => chunks[i]!.articleId),
        each((i) => chunks[i]!.start),
        each((i) => chunks[i]!.end),
        each((i) => chunks[i]!.firstSentence),
        each((i) => chunks[i]!.sentenceCount),
        each((i) => contents.chunkTerms[i]!.join(' ')),
        each((i) => termText(articles.get(chunks[i]!.articleId)!.title)),
        (rows) => vectorArrayParam(vectorOid, rows.map((i) => contents.chunkVector(i))),
      ],
      signal,
    );
    await insertColumns(
      client,
      `INSERT INTO sentences (version_id, id, article_id, start_offset, end_offset, annotation, embedding)
       SELECT $1, * FROM unnest($2::int[], $3::text[], $4::int[], $5::int[], $6::json[], $7::bytea[])`,
      versionId,
      sentences.length,
      [
        each((i) => i),
        each((i) => sentences[i]!.articleId),
        each((i) => sentences[i]!.start),
        each((i) => sentences[i]!.end),
        each((i) => JSON.stringify(annotations[i])),
        (rows) => byteaArrayParam(rows.map((i) => vectorBytes(sentenceVectors.subarray(i * dimension, (i + 1) * dimension)))),
      ],
      signal,
    );
    // The version's vector index, then its BM25 indexes (migrations/003_bm25.sql), built before it goes live.
    await buildVectorIndex(client, versionId, chunks.length);
    signal?.throwIfAborted();
    if (options.bm25) await client.query('SELECT coverage_bm25($1, true)', [versionId]);
    signal?.throwIfAborted();
    await client.query('INSERT INTO coverage_current (version_id) VALUES ($1) ON CONFLICT (singleton) DO UPDATE SET version_id = EXCLUDED.version_id', [versionId]);
    // The previous version stays for questions still reading it; older ones go (with their rows), then their
    // indexes: dropping an index locks its table until the commit, so it comes last, after the long delete.
    const old = (await client.query<{ id: string }>('DELETE FROM coverage_versions WHERE id <> $1 AND id IS DISTINCT FROM $2 RETURNING id', [versionId, previous ?? null])).rows.map((r) => r.id);
    if (old.length > 0) {
      await client.query('SELECT coverage_vectors(id, false) FROM unnest($1::bigint[]) AS id', [old]);
      if (options.bm25) await client.query('SELECT coverage_bm25(id, false) FROM unnest($1::bigint[]) AS id', [old]);
    }
    await client.query('COMMIT');
    return { version: name, vectorIndexUpdated: false };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

export interface LiveVersion {
  id: string;
  name: string;
  manifest: IndexManifest;
  terms: string;
}

/** The live version's row, or undefined when nothing was built yet. */
export async function liveVersion(client: Pick<pg.ClientBase, 'query'>): Promise<LiveVersion | undefined> {
  const { rows } = await client.query<LiveVersion>('SELECT v.id, v.name, v.manifest, v.terms FROM coverage_current c JOIN coverage_versions v ON v.id = c.version_id');
  return rows[0];
}

export async function readArticles(client: Pick<pg.ClientBase, 'query'>, versionId: string): Promise<Article[]> {
  const { rows } = await client.query<{ doc: Article }>('SELECT doc FROM articles WHERE version_id = $1 ORDER BY position', [versionId]);
  return rows.map((r) => r.doc);
}

/** The live version's articles' ids, source files and text hashes (none before a first build). */
export async function readKnownArticles(client: pg.Pool): Promise<KnownArticle[]> {
  const version = await liveVersion(client);
  if (!version) return [];
  const { rows } = await client.query<{ id: string; source: string }>("SELECT id, doc->>'source' AS source FROM articles WHERE version_id = $1 ORDER BY position", [version.id]);
  return rows.map((r) => ({ ...r, hash: version.manifest.articles[r.id] ?? '' }));
}

/** The live version for a build: its articles now, its records (vectors, annotations) when the build reads them. */
export async function readPrevious(pool: pg.Pool, version: LiveVersion): Promise<PreviousCoverage> {
  const articles = await readArticles(pool, version.id);
  let records: Promise<PreviousRecords> | undefined;
  return { version: version.name, manifest: version.manifest, articles: new Map(articles.map((a) => [a.id, a])), records: () => (records ??= readRecords(pool, version)) };
}

/** The live version's records whole, for a build to reuse what did not change. */
async function readRecords(pool: pg.Pool, version: LiveVersion): Promise<PreviousRecords> {
  const dimension = version.manifest.model.dimension;
  const [chunkRows, sentenceRows] = await Promise.all([
    pool.query<{ article_id: string; start_offset: number; end_offset: number; first_sentence: number; sentence_count: number; embedding: Buffer }>(
      'SELECT article_id, start_offset, end_offset, first_sentence, sentence_count, vector_send(embedding) AS embedding FROM chunks WHERE version_id = $1 ORDER BY label',
      [version.id],
    ),
    pool.query<{ article_id: string; start_offset: number; end_offset: number; annotation: SentenceAnnotation; embedding: Buffer }>(
      'SELECT article_id, start_offset, end_offset, annotation, embedding FROM sentences WHERE version_id = $1 ORDER BY id',
      [version.id],
    ),
  ]);
  const { counts } = version.manifest;
  if (chunkRows.rows.length !== counts.chunks || sentenceRows.rows.length !== counts.sentences) {
    // Versions are deleted only by a write, under the embed lock this build holds: not a user's error.
    throw new Error(`The live version ${version.name} holds ${chunkRows.rows.length} chunks and ${sentenceRows.rows.length} sentences where its manifest counts ${counts.chunks} and ${counts.sentences}.`);
  }
  const chunks: ChunkRecord[] = chunkRows.rows.map((r) => ({ articleId: r.article_id, start: r.start_offset, end: r.end_offset, firstSentence: r.first_sentence, sentenceCount: r.sentence_count }));
  const sentences: SentenceRecord[] = sentenceRows.rows.map((r) => ({ articleId: r.article_id, start: r.start_offset, end: r.end_offset }));
  const sentenceVectors = new Float32Array(sentences.length * dimension);
  sentenceRows.rows.forEach((r, i) => setVectorBytes(sentenceVectors, i, dimension, r.embedding));
  const chunkVectors = chunkRows.rows.map((r) => r.embedding);
  return {
    chunks,
    sentences,
    sentenceVectors,
    annotations: sentenceRows.rows.map((r) => r.annotation),
    chunkVector: (label) => vectorFromSend(chunkVectors[label]!, dimension),
  };
}
