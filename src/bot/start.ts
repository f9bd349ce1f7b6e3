/**
 * The Discord bot, started by `npm start` through the entry file `commands/start.ts`, which hands it the
 * command list (src/ never imports commands/: imports point one way). Loads the configuration and the index (it never builds one: run
 * `npm run embed` first), warms the model up, logs in, and answers /ask and /source. A new index written by
 * `npm run embed` is picked up while running (index-watch.ts); questions in flight keep the index they started with. With
 * FEEDS set, the feeds are read and the index refreshed every FEED_REFRESH_MINUTES (refresh.ts).
 * SIGINT/SIGTERM stop taking interactions, finish those in flight, and log out. With SHARDS set, or when
 * Discord recommends more than one shard, `runBot` starts a sharding manager instead, whose shard processes
 * run this same entry file and each start one bot (shards.ts).
 */
import { Client, DiscordjsErrorCodes, Events, GatewayIntentBits, Options, Partials, type ClientOptions } from 'discord.js';
import { loadConfig, type Config } from '../config.js';
import { exitWithError, urlPasswordForms, UserFacingError } from '../errors.js';
import { IndexMissingError } from '../index/store.js';
import { openPipeline, type Pipeline } from '../pipeline.js';
import type { Command } from './command.js';
import type { MessageHandler } from './message-handler.js';
import { createContext, type BotContext } from './context.js';
import { describeIndex, watchIndex } from './index-watch.js';
import { FeedRefresher, refreshesFeeds } from './refresh.js';
import { consoleLogger, redact, registerSecret } from './log.js';
import { Router } from './router.js';
import { planShards, recommendedShardCount, restFor, runShardingManager, STOP_MESSAGE } from './shards.js';
import { titleSearchFor } from './title-search.js';

const SWEEP_EVERY_MS = 30_000;
/** On shutdown, removing the buttons of live messages may take this long at most. */
const SHUTDOWN_CLEANUP_MS = 5_000;
/**
 * Users, and members of each server, the client keeps (the first cached let go first; the bot's own always
 * kept). Every member who posts where the bot can see, or uses a command, arrives with them, and discord.js
 * would keep each one for the life of the process (about half a kilobyte a member); the bot reads only its own.
 */
export const MAX_CACHED_USERS = 1_000;
export const MAX_CACHED_MEMBERS = 200;
/**
 * Messages the client keeps per channel: none. discord.js keeps the last 200 of every channel it sees messages in
 * (the GuildMessages intent delivers every one), and the bot never reads them back: it answers the message it is
 * handed, finds a conversation by its own store (conversations.ts), and edits the messages it sent through the
 * objects `send` returned.
 */
export const MAX_CACHED_MESSAGES = 0;

const log = consoleLogger;

class StartupError extends UserFacingError {
  override name = 'StartupError';
}

/** A bot token is three dot-separated base64url parts; anything else was pasted wrong. */
export function checkToken(token: string | undefined): string {
  if (!token) {
    throw new StartupError(
      'DISCORD_TOKEN is not set. Put your bot token in .env (Developer Portal → your application → Bot → Reset Token); see docs/DISCORD.md.',
    );
  }
  const bare = token.replace(/^(Bot|Bearer)\s+/i, '');
  if (!/^[\w-]+\.[\w-]+\.[\w-]+$/.test(bare)) {
    throw new StartupError(
      'DISCORD_TOKEN does not look like a bot token (three parts separated by dots). Copy it again from the Developer Portal → Bot → Reset Token. (Not the client secret or the application id.)',
    );
  }
  return bare;
}

async function openIndex(config: Config): Promise<Pipeline> {
  try {
    return await openPipeline(config);
  } catch (error) {
    if (error instanceof IndexMissingError) {
      throw new StartupError(`There is no index in ${config.embeddingsDir} yet. Run \`npm run embed\` first, then \`npm start\` again.`);
    }
    throw error;
  }
}

function loginFailure(error: unknown): StartupError {
  const code = (error as { code?: unknown }).code;
  if (code === DiscordjsErrorCodes.TokenInvalid || (error as { status?: number }).status === 401) {
    return new StartupError('Discord refused DISCORD_TOKEN (invalid or reset). Copy a fresh token from the Developer Portal → Bot → Reset Token into .env.');
  }
  if (code === DiscordjsErrorCodes.DisallowedIntents) {
    return new StartupError(
      'Discord refused the gateway intents: DISCORD_MESSAGE_CONTENT=true needs the Message Content intent turned on in the Developer Portal → Bot → Privileged Gateway Intents (or set it to false).',
    );
  }
  return new StartupError(`Could not connect to Discord: ${redact(error instanceof Error ? error.message : String(error))}`);
}

/**
 * Guilds for the commands, guild messages for follow-ups and channel modes, direct messages for follow-ups
 * in a DM's reply chain (their text needs no privileged intent), message content when granted.
 */
export function intentsFor(config: Config): GatewayIntentBits[] {
  const intents = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages];
  if (config.discord.messageContent) intents.push(GatewayIntentBits.MessageContent);
  return intents;
}

/**
 * The bot's client: its intents, the Channel partial (a DM channel is not cached until used: without it its
 * messages would be dropped), no pings, bounded caches of users and members (MAX_CACHED_USERS), and no cache of messages.
 */
export function clientOptions(config: Config): ClientOptions {
  const own = (entry: { id: string; client: Client }) => entry.id === entry.client.user?.id;
  return {
    intents: intentsFor(config),
    partials: [Partials.Channel],
    allowedMentions: { parse: [] },
    makeCache: Options.cacheWithLimits({
      ...Options.DefaultMakeCacheSettings,
      UserManager: { maxSize: MAX_CACHED_USERS, keepOverLimit: own },
      GuildMemberManager: { maxSize: MAX_CACHED_MEMBERS, keepOverLimit: own },
      MessageManager: MAX_CACHED_MESSAGES,
    }),
    ...(config.discord.apiUrl ? { rest: { api: config.discord.apiUrl } } : {}),
  };
}

function handleSignals(client: Client, router: Router, ctx: BotContext, timers: NodeJS.Timeout[]): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping && !signal.startsWith('SIG')) return; // the terminal's signal reached the shard first
    if (stopping) {
      log.warn(`${signal} again: exiting now.`);
      process.exit(1);
    }
    stopping = true;
    timers.forEach(clearInterval);
    log.info(`${signal}: no new interactions; finishing ${router.pending} in flight.`);
    await router.stop();
    const cleanup = Promise.allSettled([ctx.answers.endAll(), ctx.pages.endAll()]);
    await Promise.race([cleanup, new Promise((resolve) => setTimeout(resolve, SHUTDOWN_CLEANUP_MS).unref())]);
    await client.destroy();
    log.info('Logged out. Bye.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('message', (message: { type?: unknown } | null) => {
    if (message?.type === STOP_MESSAGE.type) void stop('the sharding manager');
  });
  // A shard whose manager is gone (killed, crashed, stopped before every shard was ready) stops too, rather
  // than run on unmanaged, answering with no one to stop or restart it.
  if (process.send) process.once('disconnect', () => void stop('the sharding manager is gone'));
}

/** Loads everything, logs in and serves `commands` until SIGINT/SIGTERM. */
export async function startBot(commands: readonly Command[], messageHandlers: readonly MessageHandler[] = []): Promise<void> {
  const config = await loadConfig();
  const token = checkToken(config.discord.token);
  registerSecret(token);
  for (const form of [...urlPasswordForms(config.databaseUrl), ...urlPasswordForms(config.ingest.fetch.proxy?.url)]) registerSecret(form);

  log.info('Loading the model and the index…');
  const pipeline = await openIndex(config);
  await pipeline.ask('What does the coverage say?', { passages: 1 }); // warm-up: the first inference is the slow one
  titleSearchFor(pipeline.index);

  const ctx = createContext(pipeline, config, { logger: log });
  const client = new Client(clientOptions(config));
  const router = new Router(commands, ctx, messageHandlers);
  router.attach(client);
  client.on(Events.Error, (error) => log.error('Discord client error', { error }));
  client.on(Events.Warn, (message) => log.warn(message));
  client.once(Events.ClientReady, (ready) => {
    log.info(`Ready as ${ready.user.tag} in ${ready.guilds.cache.size} server(s): ${describeIndex(pipeline)}.`);
  });

  const sweeper = setInterval(() => {
    ctx.conversations.sweep();
    void Promise.all([ctx.answers.sweep(), ctx.pages.sweep()]);
  }, SWEEP_EVERY_MS);
  sweeper.unref();
  handleSignals(client, router, ctx, [watchIndex(pipeline, log), sweeper]);
  if (refreshesFeeds(config.discord.inShard, client.options.shards)) {
    new FeedRefresher({ config, pipeline, logger: log, onReloaded: () => titleSearchFor(pipeline.index) }).start();
  }

  try {
    await client.login(token);
  } catch (error) {
    throw loginFailure(error);
  }
}

/**
 * One bot in this process, or a sharding manager whose shards run the entry file that `npm start` ran
 * (process.argv[1], commands/start.ts), each one bot.
 */
async function launch(commands: readonly Command[], messageHandlers: readonly MessageHandler[]): Promise<void> {
  const config = await loadConfig();
  if (config.discord.inShard) return startBot(commands, messageHandlers);
  const token = checkToken(config.discord.token);
  registerSecret(token);
  const plan = await planShards(config.discord.shards, () => recommendedShardCount(restFor(token, config.discord.apiUrl)), log);
  if (!plan.sharded) return startBot(commands, messageHandlers);
  log.info(`Sharding: ${plan.totalShards} shards, one process each.`);
  await runShardingManager({ file: process.argv[1]!, token, totalShards: plan.totalShards, log }); // SIGINT/SIGTERM stop the shards
}

/** The entry point's whole job: start the bot, and on failure print one line (or a bug's stack) and exit 1. */
export function runBot(commands: readonly Command[], messageHandlers: readonly MessageHandler[] = []): void {
  process.on('unhandledRejection', (error) => log.error('Unhandled rejection', { error }));
  launch(commands, messageHandlers).catch((error: unknown) => exitWithError(error, { redact }));
}
