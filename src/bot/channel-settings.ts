/**
 * How the bot answers in each channel, set by a server's admins with /coverage-settings:
 * - `slash-only` (the default): only /ask;
 * - `mention`: also a message that mentions the bot;
 * - `auto`: every new message of the channel (every new post of a forum), only when the reader is confident.
 * Kept behind `ChannelSettingsStore` so that a database can replace the JSON file (`JsonChannelSettings`).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { ensureDir, writeFileAtomic } from '../files.js';

export const CHANNEL_MODES = ['slash-only', 'mention', 'auto'] as const;
export type ChannelMode = (typeof CHANNEL_MODES)[number];
export const DEFAULT_CHANNEL_MODE: ChannelMode = 'slash-only';

export function isChannelMode(value: unknown): value is ChannelMode {
  return (CHANNEL_MODES as readonly unknown[]).includes(value);
}

export interface ChannelSettingsStore {
  /** The channel's mode (the default when never set). */
  mode(guildId: string, channelId: string): Promise<ChannelMode>;
  setMode(guildId: string, channelId: string, mode: ChannelMode): Promise<void>;
  /** Every channel of the guild whose mode is not the default. */
  list(guildId: string): Promise<{ channelId: string; mode: ChannelMode }[]>;
}

type Stored = Record<string, Record<string, ChannelMode>>;

/**
 * The settings as one JSON file `{ "<guild id>": { "<channel id>": "<mode>" } }`, read once and rewritten
 * whole (atomically) on each change; changes are applied one at a time, each on the file as it is on disk
 * then and under a lock file, so shards sharing the file keep each other's changes (a server's settings are changed and read only
 * by the shard that serves it). A damaged file is not overwritten: reading it fails with its path, so
 * nothing an admin set is lost silently.
 */
export class JsonChannelSettings implements ChannelSettingsStore {
  private data?: Promise<Stored>;
  private queue: Promise<void> = Promise.resolve();

  constructor(readonly file: string) {}

  async mode(guildId: string, channelId: string): Promise<ChannelMode> {
    return (await this.load())[guildId]?.[channelId] ?? DEFAULT_CHANNEL_MODE;
  }

  setMode(guildId: string, channelId: string, mode: ChannelMode): Promise<void> {
    const change = this.queue.then(() =>
      withSettingsLock(this.file, async () => {
        const current = await readSettings(this.file);
        const next: Stored = { ...current, [guildId]: { ...current[guildId] } };
        if (mode === DEFAULT_CHANNEL_MODE) delete next[guildId]![channelId];
        else next[guildId]![channelId] = mode;
        if (Object.keys(next[guildId]!).length === 0) delete next[guildId];
        await writeFileAtomic(this.file, `${JSON.stringify(next, null, 2)}\n`);
        this.data = Promise.resolve(next);
      }),
    );
    this.queue = change.catch(() => undefined);
    return change;
  }

  async list(guildId: string): Promise<{ channelId: string; mode: ChannelMode }[]> {
    return Object.entries((await this.load())[guildId] ?? {}).map(([channelId, mode]) => ({ channelId, mode }));
  }

  private load(): Promise<Stored> {
    this.data ??= readSettings(this.file);
    this.data.catch(() => (this.data = undefined)); // read again next time
    return this.data;
  }
}

/**
 * Runs a read-modify-write of the file while holding `<file>.lock` (proper-lockfile, as the embed lock), so
 * that two processes (shards) changing it at the same moment do not lose one change. A lock left by a killed
 * process is stale after a few seconds.
 */
async function withSettingsLock(file: string, change: () => Promise<void>): Promise<void> {
  await ensureDir(path.dirname(file));
  const release = await lockfile.lock(file, {
    lockfilePath: `${file}.lock`,
    realpath: false,
    stale: 10_000,
    // At most about 1.5 s of waiting, so /coverage-settings still replies within Discord's 3 seconds.
    retries: { retries: 8, minTimeout: 10, maxTimeout: 150, randomize: true },
  });
  try {
    await change();
  } finally {
    await release();
  }
}

async function readSettings(file: string): Promise<Stored> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`The channel settings file ${file} is not valid JSON; fix or remove it (CHANNEL_SETTINGS_FILE).`);
  }
  const stored: Stored = {};
  for (const [guildId, channels] of Object.entries(typeof parsed === 'object' && parsed !== null ? parsed : {})) {
    for (const [channelId, mode] of Object.entries(typeof channels === 'object' && channels !== null ? channels : {})) {
      if (isChannelMode(mode)) (stored[guildId] ??= {})[channelId] = mode;
    }
  }
  return stored;
}
