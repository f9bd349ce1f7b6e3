/**
 * The Postgres store when things go wrong: no server, no pgvector, no pg_textsearch, an older or a newer
 * schema, a second embed, a question asked while an embed writes. Real PGlite servers on 127.0.0.1 (random
 * ports), the real `pg` driver, the shipped model.
 */
import { promises as fs } from 'node:fs';
import net from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Config } from '../src/config.js';
import { openCoverageStore } from '../src/coverage-store.js';
import { databaseFailure } from '../src/db/connect.js';
import { describeFailure } from '../src/errors.js';
import { startDevDatabase, type DevDatabase } from '../src/db/dev-server.js';
import { migrate, readMigrations } from '../src/db/migrate.js';
import { DENSE } from '../src/db/pg-store.js';
import type { Article } from '../src/corpus/types.js';
import { buildIndex } from '../src/index/build.js';
import { isUnreachable } from '../src/index/coverage.js';
import { openPipeline } from '../src/pipeline.js';
import { answerQuestion } from '../src/answer-question.js';
import { runScript, sharedEmbedder, shippedArticles, tempDir, testConfig } from './helpers.js';

async function build(config: Config, articles: Article[]) {
  const store = await openCoverageStore(config);
  try {
    return await buildIndex({ articles, embedder: await sharedEmbedder(), dir: config.embeddingsDir, target: store.target, chunking: config.chunking, hnsw: config.hnsw });
  } finally {
    await store.close();
  }
}

/** A port on 127.0.0.1 where nothing listens. */
async function closedPort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('a database that cannot be used', () => {
  it('unreachable: one line naming the cause and the fix, no password, exit 1, nothing written', async () => {
    const port = await closedPort();
    const embeddings = testConfig().embeddingsDir;
    const result = await runScript('src/cli/ask.ts', ['Where did Kim and Putin meet?'], {
      DATABASE_URL: `postgres://bot:s3cret-pw@127.0.0.1:${port}/coverage`,
      EMBEDDINGS_DIR: embeddings,
    });
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^Error: Cannot connect to the database coverage on 127\\.0\\.0\\.1:${port}: the connection was refused .*npm run db:dev.*DATABASE_URL`));
    expect(result.stdout + result.stderr).not.toContain('s3cret-pw');
    await expect(fs.readdir(embeddings)).resolves.toEqual([]);
  }, 60_000);

  it('SSL asked of a server without it, or a certificate not trusted: one line with the fix, not a bug report', async () => {
    const database = await startDevDatabase({ port: 0 });
    try {
      const result = await runScript('src/cli/ask.ts', ['Where did Kim and Putin meet?'], { DATABASE_URL: `${database.url}?ssl=true`, EMBEDDINGS_DIR: tempDir() });
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toMatch(/^Error: The database \S+ on 127\.0\.0\.1:\d+ does not accept SSL connections, and DATABASE_URL asks for one \(ssl or sslmode\)\. Remove sslmode \(or set sslmode=disable\)/);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    } finally {
      await database.stop();
    }
    const selfSigned = Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    expect(databaseFailure(selfSigned, 'postgres://bot:pw@db.example/news')?.message).toBe(
      'Cannot connect to the database news on db.example:5432 securely: its certificate is not trusted (self-signed certificate). Give the server\'s CA with sslrootcert=/path/to/ca.pem in DATABASE_URL, or fix the certificate.',
    );
  }, 60_000);

  it('a refused password or a missing database: the cause and the fix, without the password', () => {
    const url = 'postgres://bot:s3cret-pw@db.example:5433/news';
    const refused = databaseFailure(Object.assign(new Error('password authentication failed for user "bot"'), { code: '28P01' }), url);
    expect(refused?.message).toBe('The database news on db.example:5433 refused the password of user bot. Correct the password in DATABASE_URL.');
    expect(databaseFailure(Object.assign(new Error('database "news" does not exist'), { code: '3D000' }), url)?.message).toMatch(/does not exist\. Create it \(CREATE DATABASE news\)/);
    const denied = databaseFailure(Object.assign(new Error('permission denied for schema public'), { code: '42501' }), url);
    expect(denied?.message).toMatch(/^User bot lacks a privilege in the database news on db\.example:5433 \(permission denied for schema public\)\. .*GRANT CREATE ON SCHEMA public TO bot/);
    expect(databaseFailure(new Error('syntax error'), url)).toBeUndefined();
    // A name Postgres would fold or split is quoted in the advice; a percent-encoded one is shown decoded, a bad one as written.
    expect(databaseFailure(Object.assign(new Error('database "my news" does not exist'), { code: '3D000' }), 'postgres://bot@db.example/my%20news')?.message).toMatch(/^The database my news on db\.example:5432 does not exist\. Create it \(CREATE DATABASE "my news"\)/);
    expect(databaseFailure(Object.assign(new Error('database "News" does not exist'), { code: '3D000' }), 'postgres://bot@db.example/News')?.message).toMatch(/CREATE DATABASE "News"/);
    expect(databaseFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'postgres://bot@db.example/db%zz')?.message).toMatch(/^Cannot connect to the database db%zz on db\.example:5432/);
    expect(databaseFailure(Object.assign(new Error('password authentication failed'), { code: '28P01' }), 'postgres://bot%40corp:pw@db.example/news')?.message).toMatch(/of user bot@corp\./);
    // Ordinary network failures are said as such, and are passing (the bot's poll logs them as an outage).
    for (const [code, said] of [['EHOSTUNREACH', /the host cannot be reached/], ['ENETUNREACH', /its network cannot be reached/]] as const) {
      const failure = databaseFailure(Object.assign(new Error(`connect ${code} 192.0.2.77:5432`), { code }), url);
      expect(failure?.message).toMatch(said);
      expect(isUnreachable(failure)).toBe(true);
    }
    expect(databaseFailure(Object.assign(new Error('connect ENOENT /run/pg/.s.PGSQL.5432'), { code: 'ENOENT', syscall: 'connect' }), 'postgres:///news?host=/run/pg')?.message).toMatch(/^Cannot connect to the database news at the socket in \/run\/pg: there is no server's socket there/);
    // A file the URL names that is missing (sslrootcert) is no socket, and no passing outage.
    const certificate = databaseFailure(Object.assign(new Error("ENOENT: no such file or directory, open '/nonexistent/ca.pem'"), { code: 'ENOENT', syscall: 'open' }), 'postgres://bot@db.example/news?sslrootcert=/nonexistent/ca.pem');
    expect(certificate?.message ?? '').not.toMatch(/socket/);
    expect(isUnreachable(certificate)).toBe(false);
    expect(databaseFailure(new Error('SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string'), 'postgres://bot@db.example/news')?.message).toMatch(/asks for a password, and DATABASE_URL gives none for user bot/);
    // A server that refused to let this user in is not one out of reach (the bot's poll tells them apart, index-watch.ts).
    expect(isUnreachable(refused)).toBe(false);
    expect(isUnreachable(databaseFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), url))).toBe(true);
    expect(isUnreachable(databaseFailure(new Error('Query read timeout'), url))).toBe(true);
    // A server stopping or restarting ends its sessions with 57P01: passing, like one that is not there.
    const stopping = databaseFailure(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }), url);
    expect(stopping?.message).toBe('The database news on db.example:5433 ended the connection (the server is shutting down or restarting, or an administrator ended it). Try again in a moment.');
    expect(isUnreachable(stopping)).toBe(true);
    const recovering = databaseFailure(Object.assign(new Error('terminating connection because of crash of another server process'), { code: '57P02' }), url);
    expect(recovering?.message).toMatch(/ended the connection: it is recovering from a crash\. Try again in a moment\.$/);
    expect(isUnreachable(recovering)).toBe(true);
  });

  it('an unexpected failure prints its stack without the DATABASE_URL password', () => {
    // vi.stubEnv's values are put back after each test (vitest.config.ts: unstubEnvs).
    vi.stubEnv('DATABASE_URL', 'postgres://bot:s3cret-pw@db.example:5433/news');
    const printed = describeFailure(new Error('startup failed for postgres://bot:s3cret-pw@db.example:5433/news'));
    expect(printed).toMatch(/^Unexpected error: this is a bug/);
    expect(printed).toContain('postgres://bot:***@db.example:5433/news');
    expect(printed).not.toContain('s3cret-pw');
    // A password with characters that must be percent-encoded in the address, printed as written there.
    vi.stubEnv('DATABASE_URL', 'postgres://bot:s3cret%40pw%2F1@db.example:5433/news');
    const encoded = describeFailure(new Error('startup failed for postgres://bot:s3cret%40pw%2F1@db.example:5433/news (s3cret@pw/1)'));
    expect(encoded).toContain('postgres://bot:***@db.example:5433/news (***)');
    expect(encoded).not.toMatch(/s3cret/);
    // A short or common password is masked in the address only: elsewhere it would mangle the words around it.
    vi.stubEnv('DATABASE_URL', 'postgres://postgres:postgres@127.0.0.1:1/postgres');
    expect(describeFailure(new Error('no pool for postgres://postgres:postgres@127.0.0.1:1/postgres (openPipeline)'))).toContain(
      'no pool for postgres://postgres:***@127.0.0.1:1/postgres (openPipeline)',
    );
    vi.stubEnv('DATABASE_URL', 'postgres://bot:p@127.0.0.1:1/news');
    expect(describeFailure(new Error('at openPipeline for postgres://bot:p@127.0.0.1:1/news'))).toContain('at openPipeline for postgres://bot:***@127.0.0.1:1/news');
  });

  it('without pgvector: says so and how to install it', async () => {
    const server = await startDevDatabase({ port: 0, extensions: { vector: false } });
    try {
      await expect(openCoverageStore(testConfig({ DATABASE_URL: server.url }))).rejects.toThrow(
        new RegExp(`^pgvector is not installed in the database postgres on 127\\.0\\.0\\.1:${server.port}: .*CREATE EXTENSION vector`),
      );
    } finally {
      await server.stop();
    }
  }, 60_000);
});

describe('without pg_textsearch', () => {
  it('ranks lexically with the built-in full-text search, and still answers from the coverage', async () => {
    const dataDir = tempDir();
    let server = await startDevDatabase({ port: 0, dataDir, extensions: { pg_textsearch: false } });
    const articles = (await shippedArticles()).slice(0, 8);
    try {
      const config = testConfig({ DATABASE_URL: server.url });
      await build(config, articles);
      const pipeline = await openPipeline(config);
      try {
        expect(pipeline.store.lexical).toBe('fulltext');
        const vector = await pipeline.embedder.embedQuery('Vostochny cosmodrome');
        const { retrieved, view } = await pipeline.index.search('Vostochny cosmodrome', vector, { mode: 'lexical', limit: 5 });
        expect(retrieved.length).toBeGreaterThan(0);
        for (const { label } of retrieved) {
          const chunk = view.chunks[label]!;
          expect(view.articles.get(chunk.articleId)!.text.slice(chunk.start, chunk.end)).toMatch(/Vostochny|cosmodrome/i);
        }
        const answer = await pipeline.ask('What did Kamala Harris say about a possible Russia–North Korea arms deal?');
        expect(answer.found).toBe(true);
        expect(answer.passages[0]!.quote).toMatch(/huge mistake/);
      } finally {
        await pipeline.close();
      }

      // pg_textsearch installed later: the same articles are written again, with the BM25 indexes, though
      // nothing changed in them.
      await server.stop();
      server = await startDevDatabase({ port: 0, dataDir });
      const withBm25 = testConfig({ DATABASE_URL: server.url });
      expect(await build(withBm25, articles)).toMatchObject({ vectorIndex: 'built', embeddedTexts: 0 });
      const upgraded = await openPipeline(withBm25);
      try {
        expect(upgraded.store.lexical).toBe('bm25');
      } finally {
        await upgraded.close();
      }
      expect(await build(withBm25, articles)).toMatchObject({ vectorIndex: 'unchanged' });
    } finally {
      await server.stop();
    }
  }, 180_000);
});

describe('the schema', () => {
  let server: DevDatabase;
  beforeAll(async () => {
    server = await startDevDatabase({ port: 0 });
  });
  afterAll(() => server?.stop());

  it('brings an older schema up to date, and running the migrations again changes nothing', async () => {
    const pool = new pg.Pool({ connectionString: server.url, max: 1 });
    try {
      const all = await readMigrations();
      expect(await migrate(pool, server.url, all.slice(0, 1))).toMatchObject({ applied: [1], bm25: false });
      await expect(pool.query('SELECT 1 FROM feedback')).rejects.toThrow(/does not exist/);
      const store = await openCoverageStore(testConfig({ DATABASE_URL: server.url }));
      expect(store.lexical).toBe('bm25');
      await store.close();
      expect((await pool.query('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) => r.version)).toEqual(all.map((m) => m.version));
      expect(await migrate(pool, server.url)).toEqual({ applied: all.map((m) => m.version), bm25: true });
      await pool.query('INSERT INTO schema_migrations (version, name) VALUES (999, $1)', ['999_from_the_future']);
      await expect(openCoverageStore(testConfig({ DATABASE_URL: server.url }))).rejects.toThrow(/has schema version 999, newer than this coverage-bot knows \(\d+\)\. Update coverage-bot/);
      await pool.query('DELETE FROM schema_migrations WHERE version = 999');
    } finally {
      await pool.end();
    }
  }, 60_000);

  it('gives each version written before migration 005 an HNSW index of its own, and builds one that is missing on the next start', async () => {
    const upgraded = await startDevDatabase({ port: 0 });
    const pool = new pg.Pool({ connectionString: upgraded.url, max: 1 });
    const indexes = async () =>
      (await pool.query<{ indexname: string }>("SELECT indexname FROM pg_indexes WHERE tablename = 'chunks' AND indexdef LIKE '%hnsw%' ORDER BY indexname")).rows.map((r) => r.indexname);
    try {
      const all = await readMigrations();
      const before = all.filter((m) => m.version < 5);
      expect(await migrate(pool, upgraded.url, before)).toMatchObject({ applied: before.map((m) => m.version) });
      // Two versions as the code before migration 005 wrote them: their vectors in the index over every version.
      const ids: string[] = [];
      for (const name of ['v-old', 'v-live']) {
        const { rows } = await pool.query<{ id: string }>("INSERT INTO coverage_versions (name, manifest, terms) VALUES ($1, '{}', '') RETURNING id", [name]);
        ids.push(rows[0]!.id);
        for (let label = 0; label < 3; label++) {
          const vector = `[${Array.from({ length: 512 }, (_, i) => (i === label ? 1 : 0)).join(',')}]`;
          await pool.query("INSERT INTO chunks (version_id, label, article_id, start_offset, end_offset, first_sentence, sentence_count, terms, title_terms, embedding) VALUES ($1, $2, 'a', 0, 1, 0, 1, '', '', $3)", [rows[0]!.id, label, vector]);
        }
      }
      await pool.query('INSERT INTO coverage_current (version_id) VALUES ($1)', [ids[1]]);
      expect(await indexes()).toEqual(['chunks_embedding']);

      await migrate(pool, upgraded.url, all);
      expect(await indexes()).toEqual(ids.map((id) => `chunks_embedding_v${id}`).sort());
      const query = `[${Array.from({ length: 512 }, (_, i) => (i === 2 ? 1 : 0)).join(',')}]`;
      await pool.query('SET enable_sort = off');
      const plan = (await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${DENSE}`, [query, ids[1], 2])).rows.map((r) => r['QUERY PLAN']).join('\n');
      expect(plan).toContain(`Index Scan using chunks_embedding_v${ids[1]}`);
      expect((await pool.query<{ label: number }>(DENSE, [query, ids[1], 1])).rows[0]!.label).toBe(2);

      // A version whose index went missing (an older coverage-bot's embed committed while 005 ran) gets it back.
      await pool.query(`DROP INDEX chunks_embedding_v${ids[1]}`);
      await pool.query('RESET enable_sort');
      await migrate(pool, upgraded.url, all);
      expect(await indexes()).toEqual(ids.map((id) => `chunks_embedding_v${id}`).sort());
    } finally {
      await pool.end();
      await upgraded.stop();
    }
  }, 120_000);
});

describe('a connection lost during an embed', () => {
  it('leaves the previous coverage serving, and the next run picks up from it', async () => {
    const dataDir = tempDir('coverage-bot-pgdata-');
    const articles = await shippedArticles();
    let server = await startDevDatabase({ port: 0, dataDir });
    try {
      await build(testConfig({ DATABASE_URL: server.url }), articles.slice(0, 3));
      const store = await openCoverageStore(testConfig({ DATABASE_URL: server.url }));
      const before = await store.currentVersion();
      let stopping: Promise<void> | undefined;
      const config = testConfig({ DATABASE_URL: server.url });
      const running = buildIndex({
        articles: articles.slice(0, 8),
        embedder: await sharedEmbedder(),
        dir: config.embeddingsDir,
        target: store.target,
        chunking: config.chunking,
        hnsw: config.hnsw,
        // The server goes away while the new articles are being embedded.
        onProgress: ({ embedded }) => void (embedded > 0 && (stopping ??= server.stop())),
      });
      await expect(running).rejects.toThrow(/^(The connection to the database postgres on .* was lost during the embed|Cannot connect to the database postgres on .*|The database postgres on .* closed the connection)/);
      await stopping;
      await store.close().catch(() => {});

      server = await startDevDatabase({ port: 0, dataDir });
      const again = testConfig({ DATABASE_URL: server.url });
      const reopened = await openCoverageStore(again);
      expect(await reopened.currentVersion()).toBe(before);
      expect([...(await reopened.open()).articles.keys()]).toEqual(articles.slice(0, 3).map((a) => a.id));
      await reopened.close();
      expect(await build(again, articles.slice(0, 8))).toMatchObject({ unchanged: 3, added: articles.slice(3, 8).map((a) => a.id) });
    } finally {
      await server.stop();
    }
  }, 180_000);
});

describe('embeds and questions at once', () => {
  let server: DevDatabase;
  let config: Config;
  let articles: Article[];
  beforeAll(async () => {
    server = await startDevDatabase({ port: 0 });
    config = testConfig({ DATABASE_URL: server.url });
    articles = await shippedArticles();
  }, 60_000);
  afterAll(() => server?.stop());

  it('refuses a second embed while one holds the lock, naming the holder', async () => {
    const holder = await openCoverageStore(config);
    const lock = await holder.target.lock();
    try {
      await expect(build(config, articles.slice(0, 2))).rejects.toThrow(new RegExp(`another embed is running \\(pid ${process.pid}, started at .*\\) and writing the coverage in the database postgres`));
    } finally {
      await lock.release();
      await holder.close();
    }
  }, 60_000);

  it('a question asked during an embed sees the old coverage or the new one, never a mix', async () => {
    const before = articles.slice(0, 12);
    const after = articles.slice(12);
    await build(config, before);
    const pipeline = await openPipeline(config);
    try {
      const oldIds = new Set(before.map((a) => a.id));
      const newIds = new Set(after.map((a) => a.id));
      const origin = (ids: string[]) => (ids.every((id) => oldIds.has(id)) ? 'old' : ids.every((id) => newIds.has(id)) ? 'new' : 'mixed');
      const oldCoverage = pipeline.index;
      let done = false;
      const embedding = build(config, after).finally(() => (done = true));
      const seen: string[] = [];
      while (!done) {
        await pipeline.reload();
        const answer = await pipeline.ask('What did Russia and North Korea agree about weapons?', { passages: 3 });
        seen.push(`${origin(answer.passages.map((p) => p.articleId))}@${pipeline.index.version}`);
      }
      await embedding;
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.filter((s) => s.startsWith('mixed'))).toEqual([]);
      // A question that started on the old version still reads it after the switch (it is kept until the next build).
      const late = await answerQuestion({ index: oldCoverage, embedder: pipeline.embedder, reader: pipeline.reader }, 'What did Russia and North Korea agree about weapons?', { mode: 'hybrid', passages: 3 });
      expect(origin(late.passages.map((p) => p.articleId))).toBe('old');
      await pipeline.reload();
      expect(pipeline.index.version).not.toBe(oldCoverage.version);
      const answer = await pipeline.ask('What did Russia and North Korea agree about weapons?');
      expect(origin(answer.passages.map((p) => p.articleId))).toBe('new');
    } finally {
      await pipeline.close();
    }
  }, 180_000);
});
