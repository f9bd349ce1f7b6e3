/**
 * The Postgres store's connections on their less travelled paths: the embed lock given back however taking
 * it ends, and connections of the pool that do not collect a listener per use. PGlite on 127.0.0.1, `pg`.
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCoverageStore } from '../src/coverage-store.js';
import { startDevDatabase, type DevDatabase } from '../src/db/dev-server.js';
import { EMBED_LOCK_KEY } from '../src/db/lock.js';
import type { CoverageStore } from '../src/index/coverage.js';
import { testConfig } from './helpers.js';

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
