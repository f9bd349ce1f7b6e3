/**
 * Sharding: when `npm start` shards (planShards, config), Discord's recommended count read through the
 * REST API, and two shards logged in to a fake gateway on 127.0.0.1, each answering the interaction
 * dispatched to it through the fake REST API, from the same index.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { Client, Events, GatewayIntentBits, REST } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { commands } from '../commands/index.js';
import { createContext } from '../src/bot/context.js';
import type { QuestionEntry } from '../src/bot/question-log.js';
import { Router } from '../src/bot/router.js';
import { planShards, recommendedShardCount } from '../src/bot/shards.js';
import { configFromEnv, ConfigError, PROJECT_ROOT } from '../src/config.js';
import { buildTestIndex, chatInput, FAKE_BOT_TOKEN, FakeDiscord, memoryLogger, type TestIndex } from './bot-helpers.js';
import { FakeGateway } from './fake-gateway.js';
import { scriptCommand, TSX } from './helpers.js';

let index: TestIndex;
beforeAll(async () => {
  index = await buildTestIndex();
}, 120_000);
afterAll(() => index?.cleanup());

describe('when to shard', () => {
  const logger = memoryLogger();
  const never = () => Promise.reject(new Error('must not ask Discord'));

  it('shards as SHARDS says, without asking Discord', async () => {
    expect(await planShards(3, never, logger)).toEqual({ sharded: true, totalShards: 3 });
  });

  it("asks for SHARDS=auto's count through DISCORD_API_URL (not discord.js, which asks Discord itself), and says when it cannot", async () => {
    expect(await planShards('auto', async () => 3, logger)).toEqual({ sharded: true, totalShards: 3 });
    await expect(planShards('auto', () => Promise.reject(new Error('503: Service Unavailable')), logger)).rejects.toThrow(
      /SHARDS=auto: could not ask Discord for the recommended shard count \(503: Service Unavailable\)/,
    );
  });

  it("otherwise follows Discord's recommendation, and runs one process when it cannot be had", async () => {
    expect(await planShards(undefined, async () => 4, logger)).toEqual({ sharded: true, totalShards: 4 });
    expect(await planShards(undefined, async () => 1, logger)).toEqual({ sharded: false });
    expect(await planShards(undefined, () => Promise.reject(new Error('401: Unauthorized')), logger)).toEqual({ sharded: false });
    expect(logger.lines.at(-1)?.message).toMatch(/Could not ask Discord for the recommended shard count/);
  });

  it('reads SHARDS as a number or auto, and ignores it inside a shard (where discord.js sets it to the shard id)', () => {
    expect(configFromEnv({}).discord).toMatchObject({ shards: undefined, inShard: false });
    expect(configFromEnv({ SHARDS: '2' }).discord.shards).toBe(2);
    expect(configFromEnv({ SHARDS: 'AUTO' }).discord.shards).toBe('auto');
    expect(() => configFromEnv({ SHARDS: 'many' })).toThrow(new ConfigError('SHARDS must be auto or a whole number from 1 to 1000 (got "many").'));
    expect(() => configFromEnv({ SHARDS: '0' })).toThrow('SHARDS must be auto or a whole number from 1 to 1000 (got "0").');
    expect(configFromEnv({ SHARDS: '0', SHARD_COUNT: '2', SHARDING_MANAGER: 'true' }).discord).toMatchObject({ shards: undefined, inShard: true });
  });
});

describe('two shards', () => {
  const api = new FakeDiscord();
  const gateway = new FakeGateway();
  const clients: Client[] = [];
  const routers: Router[] = [];
  const answered: [number, string | undefined][] = [];

  beforeAll(async () => {
    const apiUrl = await api.start();
    api.gateway = { url: await gateway.start(), shards: 2 };
    expect(await recommendedShardCount(new REST({ api: apiUrl, retries: 0 }).setToken(FAKE_BOT_TOKEN))).toBe(2);
    for (const shard of [0, 1]) {
      const client = new Client({ intents: [GatewayIntentBits.Guilds], shards: shard, shardCount: 2, rest: { api: apiUrl, retries: 0 }, allowedMentions: { parse: [] } });
      // Every shard answers from the same index; each records which shard answered.
      const ctx = createContext(index.pipeline, index.config, {
        logger: memoryLogger(),
        questions: { append: async (e: QuestionEntry) => void answered.push([shard, e.question]) },
      });
      const router = new Router(commands, ctx);
      router.attach(client);
      const ready = once(client, Events.ClientReady);
      await client.login(FAKE_BOT_TOKEN);
      await ready;
      clients.push(client);
      routers.push(router);
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.destroy()));
    await gateway.stop();
    await api.stop();
  });

  it('identify as shard 0 and shard 1 of 2', () => {
    expect(gateway.identified).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(clients.map((c) => c.ws.shards.map((s) => s.id))).toEqual([[0], [1]]);
  });

  it('each answer the interaction dispatched to it, through the REST API', async () => {
    const questions = ['What will Kim discuss with Putin?', 'Who is Prigozhin?'];
    const raws = questions.map((question, i) => chatInput('ask', { question }, `74000000000000000${i}`));
    raws.forEach((raw, shard) => gateway.dispatch(shard, 'INTERACTION_CREATE', raw));
    for (const raw of raws) {
      await vi.waitFor(() => expect(api.forInteraction(raw).some((r) => r.method === 'PATCH')).toBe(true), { timeout: 30_000, interval: 50 });
    }
    await Promise.all(routers.map((r) => r.idle()));
    expect([...answered].sort((a, b) => a[0] - b[0])).toEqual([
      [0, questions[0]],
      [1, questions[1]],
    ]);
    for (const raw of raws) {
      const edit = api.forInteraction(raw).find((r) => r.method === 'PATCH')!;
      expect(edit.body.embeds[0].fields.length).toBeGreaterThan(0);
    }
  });
});

/** What `npm start` is given in these tests: the fake Discord API and the test index. */
function botEnv(apiUrl: string): NodeJS.ProcessEnv {
  const { config } = index;
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DISCORD_TOKEN: FAKE_BOT_TOKEN,
    DISCORD_API_URL: apiUrl,
    EMBEDDINGS_DIR: config.embeddingsDir,
    FEEDBACK_LOG: config.discord.feedbackLog,
    QUESTION_LOG: config.discord.questionLog,
    CHANNEL_SETTINGS_FILE: config.discord.channelSettingsFile,
  };
}

describe('npm start with a sharding manager', () => {
  const api = new FakeDiscord();
  const gateway = new FakeGateway();
  let manager: ChildProcess | undefined;
  let shard: ChildProcess | undefined;
  let apiUrl = '';
  let output = '';

  afterAll(async () => {
    for (const child of [manager, shard]) if (child && child.exitCode === null) child.kill('SIGKILL');
    await gateway.stop();
    await api.stop();
  });

  it('starts the two shards Discord recommends, each answers, and all stop on SIGTERM', async () => {
    apiUrl = await api.start();
    api.gateway = { url: await gateway.start(), shards: 2 };
    const [file, ...args] = scriptCommand('commands/start.ts'); // what `npm start` runs
    manager = spawn(file!, args, { cwd: PROJECT_ROOT, env: botEnv(apiUrl) });
    manager.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    manager.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    await vi.waitFor(() => expect(output).toContain('All 2 shards are ready.'), { timeout: 150_000, interval: 200 });
    expect(gateway.identified).toEqual([
      [0, 2],
      [1, 2],
    ]);

    const raws = ['What will Kim discuss with Putin?', 'Who is Prigozhin?'].map((question, i) => chatInput('ask', { question }, `75000000000000000${i}`));
    raws.forEach((raw, shard) => gateway.dispatch(shard, 'INTERACTION_CREATE', raw));
    for (const raw of raws) {
      await vi.waitFor(() => expect(api.forInteraction(raw).some((r) => r.method === 'PATCH')).toBe(true), { timeout: 60_000, interval: 100 });
      expect(api.forInteraction(raw).find((r) => r.method === 'PATCH')!.body.embeds[0].fields.length).toBeGreaterThan(0);
    }

    const exited = once(manager, 'exit');
    manager.kill('SIGTERM');
    const [code] = await exited;
    expect(code).toBe(0);
    expect(output.match(/Logged out\. Bye\./g)).toHaveLength(2);
    expect(output).not.toMatch(/Unexpected error|Unhandled/);
  }, 240_000);

  it('has each shard stop (finishing its work, logging out) when the IPC channel to its manager closes: never left running unmanaged', async () => {
    output = '';
    // As ShardingManager starts a shard: node with the TypeScript loader, an IPC channel, discord.js's variables.
    shard = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'commands/start.ts')], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...botEnv(apiUrl), SHARDING_MANAGER: 'true', SHARDING_MANAGER_MODE: 'process', SHARDS: '0', SHARD_COUNT: '1' },
    });
    shard.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    shard.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    await vi.waitFor(() => expect(output).toContain('Ready as'), { timeout: 150_000, interval: 200 });
    const exited = once(shard, 'exit');
    shard.disconnect(); // what the shard sees when its manager dies, however it dies
    const [code] = await Promise.race([exited, new Promise<[string]>((resolve) => setTimeout(() => resolve(['still running']), 30_000))]);
    expect(code).toBe(0);
    expect(output).toContain('Logged out. Bye.');
    expect(output).not.toContain(FAKE_BOT_TOKEN);
  }, 240_000);
});

describe('the sharding manager stopped while its shards start', () => {
  it('stops the shards already started and exits 0 on SIGTERM', async () => {
    const manager = spawn(TSX, [path.join(PROJECT_ROOT, 'tests/fixtures/shard-manager.ts')], { cwd: PROJECT_ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME } });
    let output = '';
    manager.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    manager.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    try {
      await vi.waitFor(() => expect(output).toMatch(/shard 0 pid \d+/), { timeout: 60_000, interval: 100 });
      const pid = Number(/shard 0 pid (\d+)/.exec(output)![1]);
      const exited = once(manager, 'exit');
      manager.kill('SIGTERM');
      const [code] = await exited;
      expect(code).toBe(0);
      const alive = () => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      };
      await vi.waitFor(() => expect(alive()).toBe(false), { timeout: 10_000, interval: 100 });
      expect(output).toContain('SIGTERM: stopping the shards');
    } finally {
      if (manager.exitCode === null) manager.kill('SIGKILL');
    }
  }, 120_000);
});
