/**
 * The Postgres store's connections on their less travelled paths: the embed lock given back however taking
 * it ends, and connections of the pool that do not collect a listener per use. PGlite on 127.0.0.1, `pg`.
 */
import net from 'node:net';
import { once } from 'node:events';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevDatabase, type DevDatabase } from '../src/db/dev-server.js';
import { EMBED_LOCK_KEY } from '../src/db/lock.js';
import { migrate } from '../src/db/migrate.js';
import { bm25, BM25_LISTS, matchedTerms, openPostgresStore, readsScanScore } from '../src/db/pg-store.js';
import { byteaArrayParam, vectorArrayParam, vectorFromSend, vectorParam } from '../src/db/binary-params.js';
import { liveVersion, vectorLiteral } from '../src/db/pg-write.js';
import { TermTable } from '../src/index/lexical-index.js';
import { buildIndex } from '../src/index/build.js';
import type { CoverageStore } from '../src/index/coverage.js';
import { sharedEmbedder, shippedArticles, testConfig } from './helpers.js';
import { startPgProxy, within } from './pg-proxy.js';

let server: DevDatabase;
let store: CoverageStore;
let pool: pg.Pool;

beforeAll(async () => {
  server = await startDevDatabase({ port: 0 });
  const opened = await openPostgresStore(server.url, testConfig().hnsw);
  [store, pool] = [opened, opened.pool];
}, 60_000);

afterAll(async () => {
  await store?.close();
  await server?.stop();
});

/** Sessions holding the embed lock's advisory lock. */
async function advisoryHolds(): Promise<number> {
  const { rows } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = $1", [EMBED_LOCK_KEY]);
  return rows[0]!.n;
}

describe('the embed lock', () => {
  it('is given back when taking it fails after the advisory lock was granted', async () => {
    expect(await advisoryHolds()).toBe(0);
    await pool.query('ALTER TABLE embed_lock ADD CONSTRAINT refuse_claims CHECK (holder IS NULL)');
    try {
      await expect(store.target.lock()).rejects.toThrow(/refuse_claims/);
    } finally {
      await pool.query('ALTER TABLE embed_lock DROP CONSTRAINT refuse_claims');
    }
    // Left held, the connection back in the pool would keep every later embed out (on a real server, until
    // this process ends).
    expect(await advisoryHolds()).toBe(0);
    const lock = await store.target.lock();
    await lock.release();
    expect(await advisoryHolds()).toBe(0);
  });
});

describe('connections of the pool', () => {
  it('do not gather an error listener per lock taken', async () => {
    for (let i = 0; i < 12; i++) await (await store.target.lock()).release();
    const clients = await Promise.all(Array.from({ length: 4 }, () => pool.connect()));
    try {
      for (const client of clients) expect(client.listenerCount('error')).toBeLessThanOrEqual(1);
    } finally {
      for (const client of clients) client.release();
    }
  });
});

describe('a question on a connection that goes silent', () => {
  it('ends in a polite error to try again, instead of waiting without end', async () => {
    const config = testConfig({ DATABASE_URL: server.url });
    await buildIndex({ articles: (await shippedArticles()).slice(0, 2), embedder: await sharedEmbedder(), dir: config.embeddingsDir, target: store.target, chunking: config.chunking, hnsw: config.hnsw });
    // A proxy that stops passing bytes on, as a network that drops a connection without a word does.
    const proxy = await startPgProxy(server.port);
    const silenced = await openPostgresStore(proxy.url, { efSearch: 40 }, { questionTimeoutMs: 1_000 });
    try {
      const coverage = await silenced.open();
      proxy.silence();
      const vector = new Float32Array(512).fill(1 / Math.sqrt(512));
      await expect(coverage.search('Putin', vector, { mode: 'dense', limit: 5 })).rejects.toThrow(/^The database postgres on 127\.0\.0\.1:\d+ did not answer in time\. .*try again/);
    } finally {
      await within(silenced.close(), 1_000);
      await proxy.close();
    }
  }, 60_000);
});

describe('BM25 lists', () => {
  it('count the distinct searched terms a row holds as whole words, in its text or its title', () => {
    const row = { terms: 'cell grow tumour cell', title_terms: 'cancer' };
    expect(matchedTerms(row, ['cell', 'cancer', 'grow'])).toBe(3);
    expect(matchedTerms(row, ['cel', 'ell', 'tumor', 'cancer grow'])).toBe(0);
    expect(matchedTerms(row, [])).toBe(0);
  });

  it("read each row's score from the index scan that ranked it, only where the plan is that scan", async () => {
    const config = testConfig({ DATABASE_URL: server.url });
    await buildIndex({ articles: (await shippedArticles()).slice(0, 8), embedder: await sharedEmbedder(), dir: config.embeddingsDir, target: store.target, chunking: config.chunking, hnsw: config.hnsw });
    const live = (await liveVersion(pool))!;
    const terms = TermTable.fromJSON(JSON.parse(live.terms), live.manifest.counts.chunks);
    // With the pool's settings every list is that version's BM25 index scan: its scores are the operator's.
    expect(await readsScanScore(pool, live.id)).toBe(true);
    let compared = 0;
    for (const question of ['How many people were evacuated after the flood?', 'Who won the election in the city council?', 'What did the central bank say about inflation rates?']) {
      const searched = terms.searchTerms(question);
      for (const [table, key, field] of BM25_LISTS) {
        const values = [searched.join(' '), 20];
        const fromScan = (await pool.query(bm25(table, key, field, live.id, true), values)).rows;
        const again = (await pool.query(bm25(table, key, field, live.id, false), values)).rows;
        expect(fromScan.map((r) => r.label ?? r.id)).toEqual(again.map((r) => r.label ?? r.id));
        // The scan keeps a score in single precision.
        fromScan.forEach((r, i) => expect(Number(r.score)).toBeCloseTo(Number(again[i].score), 4));
        // The terms counted in the process, as the SQL they replace counted them.
        const distinct = [...new Set(searched)];
        const counted = await pool.query<{ matched: number }>(
          `SELECT (SELECT count(*) FROM unnest($2::text[]) term WHERE position(' ' || term || ' ' IN ' ' || terms || ' ' || title_terms || ' ') > 0)::int AS matched
           FROM unnest($1::text[], $3::text[]) AS row_terms(terms, title_terms)`,
          [fromScan.map((r) => r.terms), distinct, fromScan.map((r) => r.title_terms)],
        );
        expect(fromScan.map((r) => matchedTerms(r, distinct))).toEqual(counted.rows.map((r) => r.matched));
        compared += fromScan.length;
      }
    }
    expect(compared).toBeGreaterThan(20);

    // A connection whose planner sorts (a small table's rows read by its primary key, then sorted): the function's
    // value there is stale, so the store reads the operator's.
    const client = await pool.connect();
    try {
      await client.query('SET enable_sort = on');
      expect(await readsScanScore(client, live.id)).toBe(false);
    } finally {
      // db:dev serves one PGlite session to every connection: a setting is every connection's until set back.
      await client.query('SET enable_sort = off');
      client.release(true);
    }
    // A plan made for any parameter values (a generic plan) still ranks by the version's index: the version is in
    // the statement, not a parameter.
    const generic = await pool.connect();
    try {
      await generic.query('SET plan_cache_mode = force_generic_plan');
      expect(await readsScanScore(generic, live.id)).toBe(true);
      const searched = terms.searchTerms('Who won the election in the city council?');
      const named = { name: 'bm25-generic', text: bm25('chunks', 'label', 'terms', live.id, true), values: [searched.join(' '), 10] };
      const fromScan = (await generic.query(named)).rows;
      const again = (await generic.query(bm25('chunks', 'label', 'terms', live.id, false), [searched.join(' '), 10])).rows;
      expect(fromScan.length).toBeGreaterThan(1);
      fromScan.forEach((r, i) => expect(Number(r.score)).toBeCloseTo(Number(again[i].score), 4));
    } finally {
      await generic.query('RESET plan_cache_mode');
      generic.release(true);
    }
  }, 60_000);
});

describe('a version written now', () => {
  it("gets an HNSW graph of its own, built with pgvector's default effort (migration 006)", async () => {
    const config = testConfig({ DATABASE_URL: server.url });
    await buildIndex({ articles: (await shippedArticles()).slice(0, 2), embedder: await sharedEmbedder(), dir: config.embeddingsDir, target: store.target, chunking: config.chunking, hnsw: config.hnsw });
    const live = (await liveVersion(pool))!;
    const { rows } = await pool.query<{ indexdef: string }>('SELECT indexdef FROM pg_indexes WHERE indexname = $1', [`chunks_embedding_v${live.id}`]);
    expect(rows[0]?.indexdef).toMatch(/USING hnsw \(embedding vector_cosine_ops\) WITH \(m='?16'?, ef_construction='?64'?\) WHERE \(version_id = '?\d+'?(::bigint)?\)/);
  }, 60_000);
});

describe('vectors sent in binary', () => {
  // Floats whose text form is easy to get wrong: a negative zero, the smallest normal and largest float32s, a
  // third, and a subnormal.
  const awkward = Float32Array.from([-0, 1.1754943508222875e-38, 3.4028234663852886e38, -1 / 3, 1e-45, 0.1, -2.5, 7]);
  const random = (seed: number) => Float32Array.from({ length: 8 }, (_, k) => Math.sin(seed * 31 + k * 7) * 10 ** ((k % 5) - 2));

  it('arrive exactly as they were, as vectors and as byte strings, and read back exactly by vector_send', async () => {
    const client = await pool.connect();
    try {
      await client.query('CREATE TEMP TABLE wire (id int, v vector(8), b bytea)');
      const vectors = [awkward, ...Array.from({ length: 40 }, (_, i) => random(i))];
      const oid = (await client.query<{ oid: number }>("SELECT 'vector'::regtype::oid::int AS oid")).rows[0]!.oid;
      const packed = new Float32Array(vectors.length * 8 + 3).subarray(3);
      vectors.forEach((v, i) => packed.set(v, i * 8));
      await client.query('INSERT INTO wire SELECT * FROM unnest($1::int[], $2::vector[], $3::bytea[])', [
        vectors.map((_, i) => i),
        vectorArrayParam(oid, vectors),
        // Views into one shared buffer, at offsets other than 0, as a version's sentence vectors are.
        byteaArrayParam(vectors.map((_, i) => new Uint8Array(packed.buffer, packed.byteOffset + i * 32, 32))),
      ]);
      const { rows } = await client.query<{ id: number; text: string; sent: Buffer; b: Buffer }>('SELECT id, v::text AS text, vector_send(v) AS sent, b FROM wire ORDER BY id');
      expect(rows).toHaveLength(vectors.length);
      for (const row of rows) {
        const want = vectors[row.id]!;
        expect(Array.from(vectorFromSend(row.sent, 8))).toEqual(Array.from(want));
        expect(Float32Array.from(JSON.parse(row.text) as number[])).toEqual(want);
        expect(new Float32Array(row.b.buffer.slice(row.b.byteOffset, row.b.byteOffset + row.b.byteLength))).toEqual(want);
      }
      expect(Object.is(vectorFromSend(rows[0]!.sent, 8)[0], -0)).toBe(true);
      expect(() => vectorFromSend(rows[0]!.sent, 512)).toThrow(/says 8 dimensions, not the 512/);
      // A question's vector as one binary parameter: the same distances as its text.
      const question = random(99);
      const [binary, text] = await Promise.all(
        [vectorParam(question), vectorLiteral(question)].map(async (param) => (await client.query<{ d: number }>('SELECT v <=> $1::vector AS d FROM wire ORDER BY id', [param])).rows.map((r) => r.d)),
      );
      expect(binary).toEqual(text);
    } finally {
      client.release(true);
    }
  });

  it('keep an unchanged article\'s chunk vectors bit for bit through an incremental build, read back and written again', async () => {
    const config = testConfig({ DATABASE_URL: server.url });
    const articles = (await shippedArticles()).slice(0, 3);
    const embedder = await sharedEmbedder();
    const build = (list: typeof articles) => buildIndex({ articles: list, embedder, dir: config.embeddingsDir, target: store.target, chunking: config.chunking, hnsw: config.hnsw });
    await build(articles);
    const before = (await liveVersion(pool))!;
    const report = await build(articles.map((a, i) => (i === 2 ? { ...a, text: `${a.text}\n\nA line added later.` } : a)));
    expect(report).toMatchObject({ changed: [articles[2]!.id], unchanged: 2 });
    const after = (await liveVersion(pool))!;
    const { rows } = await pool.query<{ kept: number; same: number }>(
      `SELECT count(*)::int AS kept, count(*) FILTER (WHERE vector_send(a.embedding) = vector_send(b.embedding))::int AS same
       FROM chunks a JOIN chunks b ON b.article_id = a.article_id AND b.start_offset = a.start_offset AND b.end_offset = a.end_offset
       WHERE a.version_id = $1 AND b.version_id = $2 AND a.article_id <> $3`,
      [before.id, after.id, articles[2]!.id],
    );
    expect(rows[0]!.kept).toBeGreaterThan(0);
    expect(rows[0]!.same).toBe(rows[0]!.kept);
    // And their sentences' vectors, written again as bytes.
    const sentences = await pool.query<{ kept: number; same: number }>(
      `SELECT count(*)::int AS kept, count(*) FILTER (WHERE a.embedding = b.embedding)::int AS same
       FROM sentences a JOIN sentences b ON b.article_id = a.article_id AND b.start_offset = a.start_offset AND b.end_offset = a.end_offset
       WHERE a.version_id = $1 AND b.version_id = $2 AND a.article_id <> $3`,
      [before.id, after.id, articles[2]!.id],
    );
    expect(sentences.rows[0]!.kept).toBeGreaterThan(0);
    expect(sentences.rows[0]!.same).toBe(sentences.rows[0]!.kept);
  }, 60_000);
});

describe('migrations started by two processes at once', () => {
  it('a CREATE EXTENSION that collides with the other process creating it is not "pgvector is not installed"', async () => {
    // The collision needs two server sessions, which PGlite does not have: a connection that plays it.
    let created = false;
    const client = {
      on() {},
      listeners: () => [],
      release() {},
      async query(sql: string) {
        if (/^CREATE EXTENSION/.test(sql)) {
          created = true; // the other process won
          throw Object.assign(new Error('duplicate key value violates unique constraint "pg_extension_name_index"'), { code: '23505' });
        }
        if (/FROM pg_extension/.test(sql)) return { rows: created ? [{}] : [], rowCount: created ? 1 : 0 };
        return { rows: [], rowCount: 0 };
      },
    };
    const fake = { connect: async () => client } as unknown as pg.Pool;
    await expect(migrate(fake, 'postgres://bot@db.example/news', [])).resolves.toMatchObject({ applied: [] });
  });
});

describe('a server that lets a connection in, then never answers', () => {
  it('ends the start of every command with one line, instead of waiting without end', async () => {
    // The handshake done (authentication ok, ready for query), then silence: a hung server, or a pooler with no
    // server free. The connect timeout covers the handshake only.
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => {
      sockets.push(socket);
      socket.on('error', () => {});
      socket.once('data', () => socket.write(Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 0, 0x5a, 0, 0, 0, 5, 0x49])));
    });
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const url = `postgres://postgres@127.0.0.1:${(silent.address() as net.AddressInfo).port}/postgres`;
    try {
      const opening = openPostgresStore(url, { efSearch: 40 }).then((opened) => (void opened.close(), 'opened'), (error: Error) => error);
      const outcome = await within(opening, 30_000);
      expect(outcome).toBeInstanceOf(Error);
      expect((outcome as Error).message).toMatch(/^The database postgres on 127\.0\.0\.1:\d+ did not answer in time\. .*try again/);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  }, 60_000);
});

describe("the bot's poll for a new version on connections that went silent", () => {
  it('fails in time instead of holding the poll (and every later one) without end, and the next polls get through', async () => {
    const config = testConfig({ DATABASE_URL: server.url });
    await buildIndex({ articles: (await shippedArticles()).slice(0, 2), embedder: await sharedEmbedder(), dir: config.embeddingsDir, target: store.target, chunking: config.chunking, hnsw: config.hnsw });
    // The connections open now go silent, as a firewall or NAT that forgot them does; new ones get through.
    const proxy = await startPgProxy(server.port);
    const polled = await openPostgresStore(proxy.url, { efSearch: 40 }, { questionTimeoutMs: 1_000 });
    try {
      const live = await polled.currentVersion();
      expect(live).toMatch(/^v-/);
      proxy.silence();
      const poll = await within(polled.currentVersion().catch((error: Error) => error), 15_000);
      expect(poll).toBeInstanceOf(Error);
      expect((poll as Error).message).toMatch(/^The database postgres on 127\.0\.0\.1:\d+ did not answer in time\. .*try again/);
      // Opening the version (a reload) is bounded as well.
      const opening = await within(polled.open().then(() => 'opened', (error: Error) => error), 15_000);
      expect(opening === 'opened' || (opening instanceof Error && /did not answer in time/.test(opening.message))).toBe(true);
      // A silent connection is dropped when its query gives up: the polls after it reach the server again.
      let again: string | undefined | Error = new Error('not polled');
      for (let i = 0; i < 6 && again instanceof Error; i++) again = await within(polled.currentVersion().catch((error: Error) => error), 15_000).then((r) => (r === 'still waiting' ? new Error(r) : r));
      expect(again).toBe(live);
    } finally {
      await within(polled.close(), 2_000);
      await proxy.close();
    }
  }, 120_000);
});
