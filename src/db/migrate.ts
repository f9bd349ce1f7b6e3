/**
 * The schema, as plain SQL files in src/db/migrations (NNN_name.sql), applied in order on start, each once:
 * schema_migrations records what was applied, so running them again does nothing, and an older database is
 * brought up to date. A migration whose first lines say `-- requires: <extension>` waits until that
 * extension can be created. pgvector is required; pg_textsearch is optional (built-in full-text search
 * stands in for its BM25).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { DatabaseError, describeDatabase, holdConnection } from './connect.js';

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
/** Keeps two processes starting at once from applying the same migration twice. */
const MIGRATION_LOCK = 0x636f7601;

export interface Migration {
  version: number;
  name: string;
  sql: string;
  requires?: string;
}

export interface SchemaState {
  /** Whether pg_textsearch's BM25 indexes are there (else lexical search uses ts_rank). */
  bm25: boolean;
  applied: number[];
}

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await fs.readdir(dir)).filter((name) => /^\d{3}_[\w-]+\.sql$/.test(name)).sort();
  return Promise.all(
    files.map(async (file) => {
      const sql = await fs.readFile(path.join(dir, file), 'utf8');
      const requires = /^-- requires: (\w+)/m.exec(sql)?.[1];
      return { version: Number(file.slice(0, 3)), name: file.replace(/\.sql$/, ''), sql, ...(requires ? { requires } : {}) };
    }),
  );
}

/** Creates an extension if it is missing; false when the server does not have it (or it may not be created). */
async function ensureExtension(client: pg.ClientBase, name: string): Promise<boolean> {
  const { rowCount } = await client.query('SELECT 1 FROM pg_extension WHERE extname = $1', [name]);
  if (rowCount) return true;
  try {
    await client.query(`CREATE EXTENSION IF NOT EXISTS ${name}`);
    return true;
  } catch {
    // Another process starting at the same moment may have created it (the two creations collide), and a
    // connection lost here must say so rather than "not installed": look again.
    return ((await client.query('SELECT 1 FROM pg_extension WHERE extname = $1', [name])).rowCount ?? 0) > 0;
  }
}

/**
 * Every version kept has an HNSW index of its own (migration 005). One written by an older coverage-bot whose
 * embed was still running while that migration replaced the index over every version has none, and its dense
 * search would read every row: each start builds what is missing (in memory, as the migration does), so the
 * next start heals it. Nothing is built when every version has its index.
 */
async function buildMissingVectorIndexes(client: pg.ClientBase): Promise<void> {
  if (!(await client.query("SELECT 1 WHERE to_regprocedure('coverage_vectors(bigint, boolean)') IS NOT NULL")).rowCount) return;
  const missing = await client.query<{ id: string }>("SELECT id FROM coverage_versions WHERE to_regclass(format('chunks_embedding_v%s', id)) IS NULL");
  if (missing.rows.length === 0) return;
  await client.query("SET LOCAL maintenance_work_mem = '512MB'");
  for (const { id } of missing.rows) {
    // A build that fails here (too little shared memory, a role that does not own the table) must not stop
    // the bot from starting: that version is searched without its index until its next write or start.
    await client.query('SAVEPOINT vector_index');
    try {
      await client.query('SELECT coverage_vectors($1, true)', [id]);
      await client.query('RELEASE SAVEPOINT vector_index');
    } catch (error) {
      await client.query('ROLLBACK TO SAVEPOINT vector_index');
      console.warn(`The HNSW index of coverage version ${id} is missing and could not be built (${(error as Error).message}); its dense search reads every row until it is.`);
    }
  }
}

/** Brings the schema up to date; throws DatabaseError when pgvector is missing or the schema is newer than this code. */
export async function migrate(pool: pg.Pool, url: string, migrations?: Migration[]): Promise<SchemaState> {
  const all = migrations ?? (await readMigrations());
  const client = await holdConnection(pool);
  try {
    if (!(await ensureExtension(client, 'vector'))) {
      throw new DatabaseError(
        `pgvector is not installed in the ${describeDatabase(url)}: install it on the server (https://github.com/pgvector/pgvector), then run CREATE EXTENSION vector; as a superuser.`,
      );
    }
    const available = new Set(['vector']);
    if (await ensureExtension(client, 'pg_textsearch')) available.add('pg_textsearch');

    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
      const applied = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
      const newest = Math.max(0, ...all.map((m) => m.version));
      const unknown = [...applied].filter((v) => v > newest);
      if (unknown.length > 0) {
        throw new DatabaseError(
          `The ${describeDatabase(url)} has schema version ${Math.max(...unknown)}, newer than this coverage-bot knows (${newest}). Update coverage-bot, or point DATABASE_URL at another database.`,
        );
      }
      for (const migration of all) {
        if (applied.has(migration.version) || (migration.requires && !available.has(migration.requires))) continue;
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
        applied.add(migration.version);
      }
      await buildMissingVectorIndexes(client);
      await client.query('COMMIT');
      const bm25 = all.some((m) => m.requires === 'pg_textsearch' && applied.has(m.version));
      return { bm25, applied: [...applied].sort((a, b) => a - b) };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    }
  } finally {
    client.release();
  }
}
