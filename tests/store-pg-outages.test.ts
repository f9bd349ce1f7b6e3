/**
 * The Postgres store while its server is out of reach or busy, as a bot meets it: votes on a connection gone
 * silent, a new version found while the server goes away. PGlite on 127.0.0.1 behind a proxy the test starts
 * (pg-proxy.ts), the real `pg` driver.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedbackTable, type FeedbackEntry } from '../src/bot/feedback.js';
import { startDevDatabase, type DevDatabase } from '../src/db/dev-server.js';
import { openPostgresStore, type PostgresStore } from '../src/db/pg-store.js';
import { buildIndex } from '../src/index/build.js';
import { isUnreachable } from '../src/index/coverage.js';
import { openPipeline } from '../src/pipeline.js';
import { sharedEmbedder, shippedArticles, testConfig } from './helpers.js';
import { startPgProxy, within, type PgProxy } from './pg-proxy.js';

let server: DevDatabase;
let proxy: PgProxy;
let store: PostgresStore;

beforeAll(async () => {
  server = await startDevDatabase({ port: 0 });
  proxy = await startPgProxy(server.port);
  store = await openPostgresStore(proxy.url, testConfig().hnsw, { questionTimeoutMs: 1_000 });
}, 60_000);

afterAll(async () => {
  await within(store?.close() ?? Promise.resolve(), 2_000);
  await proxy?.close();
  await server?.stop();
});

const vote = (userHash: string): FeedbackEntry => ({
  timestamp: new Date().toISOString(),
  vote: 'up',
  found: true,
  citations: [],
  articleIds: [],
  settings: { passages: 3, retrievalMode: 'hybrid', indexVersion: 'v-test', model: 'm', private: true },
  userHash,
});

describe('a vote on a connection that went silent', () => {
  it("fails in the question timeout with one line, instead of holding the vote and one of the pool's connections without end", async () => {
    const votes = new FeedbackTable(store.sql!);
    const userHash = await votes.hashUser('123456789012345678');
    await votes.append(vote(userHash));
    proxy.silence();
    const saving = await within(votes.append(vote(userHash)).then(() => 'saved', (error: Error) => error), 15_000);
    expect(saving).toBeInstanceOf(Error);
    expect((saving as Error).message).toMatch(/^The database postgres on 127\.0\.0\.1:\d+ did not answer in time\. .*try again/);
    // The silent connection is dropped when its query gives up: the next votes reach the server.
    let again: unknown = new Error('not saved');
    for (let i = 0; i < 6 && again instanceof Error; i++) again = await within(votes.append(vote(userHash)).then(() => 'saved', (error: Error) => error), 15_000);
    expect(again).toBe('saved');
    const { rows } = await store.sql!.query<{ n: number }>('SELECT count(*)::int AS n FROM feedback WHERE user_hash = $1', [userHash]);
    expect(rows[0]!.n).toBeGreaterThanOrEqual(2);
  }, 120_000);
});

describe('a new version found as the database goes away', () => {
  it('is opened at the next poll once the database answers, not left aside for minutes as a version that cannot be used', async () => {
    const config = testConfig({ DATABASE_URL: proxy.url });
    const articles = await shippedArticles();
    const embedder = await sharedEmbedder();
    // Written straight to the server (the proxy's connections are the bot's).
    const writer = await openPostgresStore(server.url, config.hnsw);
    const build = (count: number) => buildIndex({ articles: articles.slice(0, count), embedder, dir: config.embeddingsDir, target: writer.target, chunking: config.chunking, hnsw: config.hnsw });
    await build(2);
    const pipeline = await openPipeline(config, { warmUp: false });
    try {
      const first = pipeline.index.version;
      const { version: second } = await build(3);
      // The poll finds the new version; the server goes away (every connection closed) as the version opens.
      const open = pipeline.store.open;
      pipeline.store.open = () => (proxy.drop(true), open());
      const failed = await pipeline.reload().then(() => 'opened', (error: Error) => error);
      pipeline.store.open = open;
      proxy.drop(false);
      expect(failed).toBeInstanceOf(Error);
      expect((failed as Error).message).toMatch(/^The database postgres on 127\.0\.0\.1:\d+ closed the connection\./);
      expect(isUnreachable(failed)).toBe(true);
      expect(pipeline.index.version).toBe(first);
      // The server is back: the next poll opens the version.
      expect(await pipeline.reload()).toBe(true);
      expect(pipeline.index.version).toBe(second);
    } finally {
      proxy.drop(false);
      await pipeline.close();
      await writer.close();
    }
  }, 180_000);
});
