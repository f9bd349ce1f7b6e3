/**
 * The Postgres store while its server is out of reach or busy, as a bot meets it: votes on a connection gone
 * silent, a new version found while the server goes away, a version deleted under the bot, connections kept
 * waiting by a busy server or by a full pool. PGlite on 127.0.0.1 (behind a proxy the test starts, pg-proxy.ts), the real `pg` driver.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FeedbackTable, type FeedbackEntry } from '../src/bot/feedback.js';
import { watchIndex } from '../src/bot/index-watch.js';
import { createPool, databaseFailure, POOL_SIZE, userFacing } from '../src/db/connect.js';
import { startDevDatabase, type DevDatabase } from '../src/db/dev-server.js';
import { openPostgresStore, type PostgresStore } from '../src/db/pg-store.js';
import { buildIndex } from '../src/index/build.js';
import { isUnreachable } from '../src/index/coverage.js';
import { IndexError } from '../src/index/store.js';
import { openPipeline } from '../src/pipeline.js';
import { memoryLogger } from './bot-helpers.js';
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


/**
 * A listener that never accepts: a process stopped (SIGSTOP) after listening with a backlog of 1, the backlog then
 * filled, so the kernel drops the next connection's SYN (Linux's default): a server that is not there, without a refusal.
 */
async function unacceptingListener(): Promise<{ port: number; close: () => void }> {
  const stopped = spawn(process.execPath, ['-e', "const s = require('net').createServer(); s.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => console.log(s.address().port)); setTimeout(() => {}, 60000)"], { stdio: ['ignore', 'pipe', 'ignore'] });
  const port = Number(await new Promise<string>((resolve) => stopped.stdout!.once('data', (data) => resolve(String(data).trim()))));
  stopped.kill('SIGSTOP');
  const fillers = Array.from({ length: 4 }, () => net.connect(port, '127.0.0.1').on('error', () => {}));
  return {
    port,
    close: () => {
      for (const socket of fillers) socket.destroy();
      stopped.kill('SIGKILL');
    },
  };
}

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

describe('a version deleted under a bot (the database keeps the live version and the one before it)', () => {
  it('is replaced by the live version at the next question, which is answered from it; one that cannot be loaded is said, with its cause', async () => {
    const config = testConfig({ DATABASE_URL: proxy.url });
    const articles = await shippedArticles();
    const embedder = await sharedEmbedder();
    const writer = await openPostgresStore(server.url, config.hnsw);
    const build = (count: number) => buildIndex({ articles: articles.slice(0, count), embedder, dir: config.embeddingsDir, target: writer.target, chunking: config.chunking, hnsw: config.hnsw });
    /** A version written by an embed of another model: this bot refuses it. */
    const otherModel = async (count: number) => {
      const { version } = await build(count);
      await writer.pool.query(`UPDATE coverage_versions SET manifest = jsonb_set(manifest, '{model,id}', '"another/model"') WHERE name = $1`, [version]);
      return version;
    };
    await build(2);
    const pipeline = await openPipeline(config, { warmUp: false });
    const logger = memoryLogger();
    let timer: NodeJS.Timeout | undefined;
    try {
      const first = pipeline.index.version;
      const question = `What does the coverage say about ${articles[0]!.title}?`;
      // Two embeds within one poll: the bot's version is deleted while a poll that looked before them is under way.
      const check = pipeline.store.currentVersion;
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let looked = false;
      pipeline.store.currentVersion = async () => {
        if (looked) return check();
        looked = true;
        const seen = await check();
        await gate;
        return seen;
      };
      timer = watchIndex(pipeline, logger, 5);
      await vi.waitFor(() => expect(looked).toBe(true));
      await build(3);
      const { version: third } = await build(2);
      const reload = pipeline.reload;
      let reloads = 0;
      pipeline.reload = () => (reloads++, reload.call(pipeline));
      const asking = pipeline.ask(question);
      // The question waits for the poll under way (which found no new version), then looks again.
      await vi.waitFor(() => expect(reloads).toBe(1));
      release();
      const answer = await asking;
      pipeline.reload = reload;
      pipeline.store.currentVersion = check;
      expect(answer.found).toBe(true);
      expect(answer.passages.length).toBeGreaterThan(0);
      expect(pipeline.index.version).toBe(third);
      expect(pipeline.answeredFrom(answer).version).toBe(third);
      expect(third).not.toBe(first);
      // The poll says the version a question loaded is in use, once.
      await vi.waitFor(() => expect(logger.lines.map((l) => l.message)).toEqual([expect.stringMatching(new RegExp(`^Loaded the new index: .*, index ${third}$`))]), { timeout: 10_000 });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(logger.lines).toHaveLength(1);
      clearInterval(timer);
      // Two embeds of another model: the first one refused by this bot, the second deletes the version it is on.
      const refused = await otherModel(3);
      await expect(pipeline.reload()).rejects.toThrow(/was built with the model "another\/model"/);
      const live = await otherModel(2);
      expect(live).not.toBe(refused);
      const failure = await pipeline.ask(question).then(() => undefined, (error: Error) => error);
      expect(failure).toBeInstanceOf(IndexError);
      expect(failure!.message).toMatch(new RegExp(`^The coverage version ${third} was deleted by a newer embed \\(the database keeps the live version and the one before it\\)\\. The live version cannot be loaded: The index in database postgres on 127\\.0\\.0\\.1:\\d+ cannot be used: it was built with the model "another/model", and the configured model is "[^"]+"\\. Run \`npm run embed\` to rebuild it\\.$`));
      expect(failure!.message).not.toMatch(/\n/);
      expect(pipeline.index.version).toBe(third);
      // An embed with this bot's model again: the next question is answered from it.
      const { version: mended } = await build(3);
      const again = await pipeline.ask(question);
      expect(again.found).toBe(true);
      expect(pipeline.answeredFrom(again).version).toBe(mended);
    } finally {
      clearInterval(timer);
      await pipeline.close();
      await writer.close();
    }
  }, 180_000);
});

describe("the bot's poll, when the look for a new version fails other than for an outage", () => {
  it('says the index could not be checked, once per cause (throttled), not at every poll that a new index was found but cannot be loaded', async () => {
    const config = testConfig({ DATABASE_URL: proxy.url });
    const articles = await shippedArticles();
    const writer = await openPostgresStore(server.url, config.hnsw);
    await buildIndex({ articles: articles.slice(0, 2), embedder: await sharedEmbedder(), dir: config.embeddingsDir, target: writer.target, chunking: config.chunking, hnsw: config.hnsw });
    const pipeline = await openPipeline(config, { warmUp: false });
    const logger = memoryLogger();
    let timer: NodeJS.Timeout | undefined;
    try {
      // The password rotated, then the database dropped: the store's check for a new version fails as it would then.
      const failure = (code: string, message: string) => databaseFailure(Object.assign(new Error(message), { code }), proxy.url)!;
      const check = pipeline.store.currentVersion;
      let checks = 0;
      pipeline.store.currentVersion = () => {
        checks++;
        if (checks <= 20) return Promise.reject(failure('28P01', 'password authentication failed for user "postgres"'));
        if (checks <= 40) return Promise.reject(failure('3D000', 'database "postgres" does not exist'));
        return check();
      };
      timer = watchIndex(pipeline, logger, 5);
      await vi.waitFor(() => expect(checks).toBeGreaterThan(45), { timeout: 20_000 });
      const version = pipeline.index.version;
      expect(logger.lines.map((l) => `${l.level} ${l.message}`)).toEqual([
        expect.stringMatching(
          new RegExp(`^warn The index could not be checked for a new version: The database postgres on 127\\.0\\.0\\.1:\\d+ refused the password of user postgres\\. Correct the password in DATABASE_URL; still answering from index ${version}$`),
        ),
        expect.stringMatching(new RegExp(`^warn The index could not be checked for a new version: The database postgres on 127\\.0\\.0\\.1:\\d+ does not exist\\. .*; still answering from index ${version}$`)),
      ]);
    } finally {
      clearInterval(timer);
      await pipeline.close();
      await writer.close();
    }
  }, 180_000);
});

describe('a connection kept waiting', () => {
  const busy = /^The database postgres on 127\.0\.0\.1:\d+ accepted the connection but did not let it in within 5 s: it may be busy \(an embed writing, or no connection free\)\. Try again shortly\.$/;

  it('by `npm run db:dev` serving an embed\'s transaction: says the server is busy, not to start it', async () => {
    // db:dev runs one transaction at a time: while an embed writes, a new connection's startup waits its turn.
    const embed = new pg.Client(server.url);
    await embed.connect();
    await embed.query('BEGIN');
    try {
      const opening = await within(openPostgresStore(server.url, testConfig().hnsw).then((opened) => (void opened.close(), 'opened'), (error: Error) => error), 30_000);
      expect(opening).toBeInstanceOf(Error);
      expect((opening as Error).message).toMatch(busy);
      expect(isUnreachable(opening)).toBe(true);
    } finally {
      await embed.query('ROLLBACK');
      await embed.end();
    }
  }, 60_000);

  it("by a full pool (this process's connections all held by queries that hang): says none came free", async () => {
    const hanging = await startPgProxy(server.port);
    const held = await openPostgresStore(hanging.url, testConfig().hnsw, { questionTimeoutMs: 60_000 });
    try {
      // POOL_SIZE connections made, then silent: their queries hang, and one more waits for a free connection.
      await Promise.all(Array.from({ length: 4 }, () => held.sql!.query('SELECT 1')));
      hanging.silence();
      for (let i = 0; i < 4; i++) held.sql!.query('SELECT 1').catch(() => {});
      const waited = await within(held.sql!.query('SELECT 1').then(() => 'answered', (error: Error) => error), 30_000);
      expect(waited).toBeInstanceOf(Error);
      expect((waited as Error).message).toMatch(/^No connection to the database postgres on 127\.0\.0\.1:\d+ came free within 5 s: this process's 4 are all busy \(slow queries, or a busy server\)\. Try again shortly\.$/);
    } finally {
      await hanging.close();
      await within(held.close(), 2_000);
    }
  }, 60_000);

  it("by a server that does not answer, with more callers than the pool's connections: the one left waiting is told what the others are, not that they are all busy", async () => {
    /** The messages of POOL_SIZE + 1 queries made at once on a new pool for `url`. */
    const callers = async (url: string) => {
      const pool = createPool(url, 40);
      try {
        const asked = Array.from({ length: POOL_SIZE + 1 }, () => userFacing(url, () => pool.query('SELECT 1')).then(() => 'answered', (error: Error) => error.message));
        return await within(Promise.all(asked), 30_000);
      } finally {
        void within(pool.end(), 1_000).catch(() => {});
      }
    };
    // A server that accepts connections and says nothing; one that never accepts.
    const mute = net.createServer((socket) => void socket.on('error', () => {}));
    mute.listen(0, '127.0.0.1');
    await once(mute, 'listening');
    const { port, close } = await unacceptingListener();
    try {
      const mutePort = (mute.address() as net.AddressInfo).port;
      const [unanswered, kept] = await Promise.all([callers(`postgres://postgres@127.0.0.1:${port}/postgres`), callers(`postgres://postgres@127.0.0.1:${mutePort}/postgres`)]);
      const start = `Cannot connect to the database postgres on 127.0.0.1:${port}: no answer within 5 s. Start it (\`npm run db:dev\` starts a local one) or correct DATABASE_URL.`;
      expect(unanswered).toEqual(Array.from({ length: POOL_SIZE + 1 }, () => start));
      expect(kept).toEqual(Array.from({ length: POOL_SIZE + 1 }, () => expect.stringMatching(busy)));
    } finally {
      close();
      mute.close();
    }
  }, 60_000);

  it('by no server at all (the connection never made): still says to start it or correct DATABASE_URL', async () => {
    const { port, close } = await unacceptingListener();
    try {
      const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
      const opening = await within(openPostgresStore(url, testConfig().hnsw).then((opened) => (void opened.close(), 'opened'), (error: Error) => error), 30_000);
      expect((opening as Error).message).toBe(`Cannot connect to the database postgres on 127.0.0.1:${port}: no answer within 5 s. Start it (\`npm run db:dev\` starts a local one) or correct DATABASE_URL.`);
    } finally {
      close();
    }
  }, 60_000);
});
