/**
 * The Postgres store's connections on their less travelled paths: the embed lock given back however taking
 * it ends, and connections of the pool that do not collect a listener per use. PGlite on 127.0.0.1, `pg`.
 */
import net from 'node:net';
import { once } from 'node:events';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCoverageStore } from '../src/coverage-store.js';
import { startDevDatabase, type DevDatabase } from '../src/db/dev-server.js';
import { EMBED_LOCK_KEY } from '../src/db/lock.js';
import { migrate } from '../src/db/migrate.js';
import { bm25, BM25_LISTS, bm25Index, matchedTerms, openPostgresStore } from '../src/db/pg-store.js';
import { liveVersion } from '../src/db/pg-write.js';
import { TermTable } from '../src/index/lexical-index.js';
import { buildIndex } from '../src/index/build.js';
import type { CoverageStore } from '../src/index/coverage.js';
import { sharedEmbedder, shippedArticles, testConfig } from './helpers.js';

let server: DevDatabase;
let store: CoverageStore;
let pool: pg.Pool;

beforeAll(async () => {
  server = await startDevDatabase({ port: 0 });
  store = await openCoverageStore(testConfig({ DATABASE_URL: server.url }));
  pool = store.sql as pg.Pool;
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
    let silent = false;
    const proxy = net.createServer((socket) => {
      const upstream = net.connect(server.port, '127.0.0.1');
      socket.on('data', (data) => void (silent || upstream.write(data)));
      upstream.on('data', (data) => void (silent || socket.write(data)));
      for (const s of [socket, upstream]) s.on('error', () => {});
      socket.on('close', () => upstream.destroy());
      upstream.on('close', () => socket.destroy());
    });
    proxy.listen(0, '127.0.0.1');
    await once(proxy, 'listening');
    const url = `postgres://postgres@127.0.0.1:${(proxy.address() as net.AddressInfo).port}/postgres`;
    const silenced = await openPostgresStore(url, { efSearch: 40 }, { questionTimeoutMs: 1_000 });
    try {
      const coverage = await silenced.open();
      silent = true;
      const vector = new Float32Array(512).fill(1 / Math.sqrt(512));
      await expect(coverage.search('Putin', vector, { mode: 'dense', limit: 5 })).rejects.toThrow(/^The database postgres on 127\.0\.0\.1:\d+ did not answer in time\. .*try again/);
    } finally {
      await Promise.race([silenced.close(), new Promise((resolve) => setTimeout(resolve, 1_000))]);
      proxy.close();
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

  it("read each row's score from the index scan that ranked it: the same rows, order and scores as scoring each row again", async () => {
    const config = testConfig({ DATABASE_URL: server.url });
    await buildIndex({ articles: (await shippedArticles()).slice(0, 8), embedder: await sharedEmbedder(), dir: config.embeddingsDir, target: store.target, chunking: config.chunking, hnsw: config.hnsw });
    const live = (await liveVersion(pool))!;
    const terms = TermTable.fromJSON(JSON.parse(live.terms), live.manifest.counts.chunks);
    let compared = 0;
    for (const question of ['How many people were evacuated after the flood?', 'Who won the election in the city council?', 'What did the central bank say about inflation rates?']) {
      const searched = terms.searchTerms(question);
      for (const [table, key, field] of BM25_LISTS) {
        const values = [searched.join(' '), live.id, 20, bm25Index(table, field, live.id)];
        const fromScan = (await pool.query(bm25(table, key, field, true), values)).rows;
        const again = (await pool.query(bm25(table, key, field, false), values)).rows;
        expect(fromScan.map((r) => [r.label ?? r.id, r.terms])).toEqual(again.map((r) => [r.label ?? r.id, r.terms]));
        // The scan keeps a score in single precision.
        fromScan.forEach((r, i) => expect(Number(r.score)).toBeCloseTo(Number(again[i].score), 4));
        compared += fromScan.length;
      }
    }
    expect(compared).toBeGreaterThan(20);
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
