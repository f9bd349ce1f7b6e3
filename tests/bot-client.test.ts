/**
 * The bot's discord.js client over days: every member who posts where the bot can see (the GuildMessages
 * intent, for follow-ups and channel modes) or uses a command arrives with their user and member, which
 * discord.js caches without end by default. The client `npm start` makes keeps a bounded number of them, and
 * always its own user and member (channel modes read its permissions and role from it).
 */
import { Client } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientOptions, MAX_CACHED_MEMBERS, MAX_CACHED_MESSAGES, MAX_CACHED_USERS } from '../src/bot/start.js';
import { configFromEnv } from '../src/config.js';
import { APP_ID, cacheGuildChannel, deliverMessage, FAKE_BOT_TOKEN, FakeDiscord, gatewayMessage, GUILD_ID, setBotUser } from './bot-helpers.js';

describe('the bot client over many members', () => {
  const api = new FakeDiscord();
  let client: Client;

  beforeAll(async () => {
    const config = configFromEnv({ DISCORD_MESSAGE_CONTENT: 'true' });
    client = new Client({ ...clientOptions(config), rest: { api: await api.start(), retries: 0 } });
    client.token = FAKE_BOT_TOKEN;
    setBotUser(client);
    cacheGuildChannel(client);
    // The bot's own user and member, as READY and GUILD_CREATE cache them.
    client.users.cache.set(APP_ID, client.user!);
    const guild = client.guilds.cache.get(GUILD_ID)!;
    (guild.members as unknown as { _add(data: unknown): unknown })._add({ user: { id: APP_ID, username: 'coverage-bot', discriminator: '0', avatar: null, bot: true, global_name: null }, roles: [], joined_at: '2024-01-01T00:00:00.000Z', deaf: false, mute: false, flags: 0 });
  });

  afterAll(async () => {
    await client.destroy();
    await api.stop();
  });

  it('keeps a bounded number of users and members, its own always', () => {
    const posters = 2 * Math.max(MAX_CACHED_USERS, MAX_CACHED_MEMBERS) + 10;
    for (let i = 0; i < posters; i++) deliverMessage(client, gatewayMessage(`chatting, message ${i}`, { userId: String(730000000000000000n + BigInt(i)) }));
    const guild = client.guilds.cache.get(GUILD_ID)!;
    expect(client.users.cache.size).toBeLessThanOrEqual(MAX_CACHED_USERS);
    expect(guild.members.cache.size).toBeLessThanOrEqual(MAX_CACHED_MEMBERS);
    expect(client.users.cache.has(APP_ID)).toBe(true);
    expect(guild.members.me?.id).toBe(APP_ID);
    // The latest poster is still known: the oldest are the ones let go.
    const last = String(730000000000000000n + BigInt(posters - 1));
    expect(client.users.cache.has(last)).toBe(true);
    expect(guild.members.cache.has(last)).toBe(true);
    // Nor are their messages kept (discord.js keeps 200 a channel by default): the bot never reads them back.
    const channel = client.channels.cache.find((c) => c.isTextBased() && 'messages' in c);
    expect(channel && 'messages' in channel ? channel.messages.cache.size : -1).toBe(MAX_CACHED_MESSAGES);
  });
});
