/**
 * Sharding for large bots: `npm start` runs a discord.js `ShardingManager` when SHARDS is set (a number, or
 * `auto` for Discord's recommendation) or when Discord recommends more than one shard (GET /gateway/bot);
 * otherwise the bot runs in this process, as before. Each shard is a child process running the same entry
 * file (commands/start.ts), which sees discord.js's SHARDING_MANAGER variable and starts one bot for its
 * shard; every shard loads the same index folder, so all answer from the same index.
 * On SIGINT/SIGTERM the manager asks each shard to stop (they finish what is in flight) and waits for them;
 * a shard whose manager is gone stops by itself (start.ts).
 */
import { REST, Routes, ShardingManager, type RESTGetAPIGatewayBotResult } from 'discord.js';
import { UserFacingError } from '../errors.js';
import type { Logger } from './log.js';

export type ShardPlan = { sharded: false } | { sharded: true; totalShards: number };

/** What the manager sends a shard to stop it (the shard's own signal handler does the rest). */
export const STOP_MESSAGE = { type: 'coverage-bot:stop' } as const;

/** Longest wait for one shard to log in when starting (it loads the index and warms the model up first). */
const SHARD_READY_MS = 180_000;
/** Longest wait for the shards to finish in-flight work on shutdown. */
const SHARD_STOP_MS = 20_000;

export class ShardingError extends UserFacingError {
  override name = 'ShardingError';
}

/** Discord's recommended shard count for the bot (GET /gateway/bot). */
export async function recommendedShardCount(rest: REST): Promise<number> {
  const gateway = (await rest.get(Routes.gatewayBot())) as RESTGetAPIGatewayBotResult;
  return gateway.shards;
}

/** A REST client for `token`, on Discord's API unless `api` names another (a proxy). */
export function restFor(token: string, api?: string): REST {
  return new REST({ retries: 1, timeout: 15_000, ...(api ? { api } : {}) }).setToken(token);
}

/**
 * One process unless SHARDS is set or Discord recommends more than one shard. When Discord cannot be asked,
 * one process: logging in then says what is wrong (a bad token, no network). SHARDS=auto asks here, through
 * DISCORD_API_URL (discord.js's own 'auto' would ask discord.com directly), and fails when it cannot.
 */
export async function planShards(setting: number | 'auto' | undefined, recommended: () => Promise<number>, log: Logger): Promise<ShardPlan> {
  if (typeof setting === 'number') return { sharded: true, totalShards: setting };
  if (setting === 'auto') {
    try {
      return { sharded: true, totalShards: await recommended() };
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      throw new ShardingError(
        `SHARDS=auto: could not ask Discord for the recommended shard count (${why}). Set SHARDS to a number, or check DISCORD_TOKEN and the network.`,
        { cause: error },
      );
    }
  }
  let count: number;
  try {
    count = await recommended();
  } catch (error) {
    log.warn('Could not ask Discord for the recommended shard count; starting one process', { error: error instanceof Error ? error.message : String(error) });
    return { sharded: false };
  }
  return count > 1 ? { sharded: true, totalShards: count } : { sharded: false };
}

export interface ManagerOptions {
  /** The entry file each shard runs (the one `npm start` runs). */
  file: string;
  token: string;
  totalShards: number | 'auto';
  log: Logger;
  /** Node options for the shards; default: this process's (the TypeScript loader included). */
  execArgv?: string[];
}

/**
 * Spawns the shards and keeps them running (a shard that dies after starting is started again). From the
 * first shard on, SIGINT/SIGTERM stop every shard started so far and exit 0, even while others still start.
 */
export async function runShardingManager(options: ManagerOptions): Promise<ShardingManager> {
  const { log } = options;
  const manager = new ShardingManager(options.file, {
    token: options.token,
    totalShards: options.totalShards,
    execArgv: options.execArgv ?? process.execArgv,
    respawn: false, // until every shard has started once: a shard that cannot start would restart forever
    mode: 'process',
  });
  manager.on('shardCreate', (shard) => {
    log.info(`Starting shard ${shard.id + 1} of ${manager.totalShards}…`);
    shard.on('death', () => log.warn(`Shard ${shard.id} exited${manager.respawn ? '; starting it again' : ''}`));
    shard.on('ready', () => log.info(`Shard ${shard.id} is ready`));
    // A shard restarted after dying that cannot start again: said here (discord.js emits it as an error).
    shard.on('error', (error) => log.error(`Shard ${shard.id} could not start again`, { error }));
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: stopping the shards…`);
    void stopShards(manager).then(() => process.exit(0));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  try {
    await manager.spawn({ timeout: SHARD_READY_MS });
  } catch (error) {
    if (stopping) return new Promise<never>(() => undefined); // stopped by a signal: exiting
    await stopShards(manager);
    throw new ShardingError(`A shard could not start (its error is above): ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  manager.respawn = true;
  log.info(`All ${manager.totalShards} shards are ready.`);
  return manager;
}

/** Asks every shard to stop, waits for them (or kills them after a while). */
export async function stopShards(manager: ShardingManager): Promise<void> {
  manager.respawn = false;
  const exits = [...manager.shards.values()].map((shard) => {
    const child = shard.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      // A shard not ready yet may still be loading, before it listens for STOP_MESSAGE: a signal stops it.
      if (shard.ready) shard.send(STOP_MESSAGE).catch(() => child.kill('SIGTERM'));
      else child.kill('SIGTERM');
      setTimeout(() => {
        child.kill('SIGKILL');
        resolve();
      }, SHARD_STOP_MS).unref();
    });
  });
  await Promise.all(exits);
}
