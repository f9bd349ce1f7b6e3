/**
 * Channel modes end to end: /coverage-settings through discord.js's interaction objects, and messages as the
 * gateway delivers them, answered by the real pipeline on a real index through the fake Discord API.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ApplicationCommandOptionType, ChannelType, PermissionFlagsBits } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_MESSAGE_CONTENT } from '../commands/coverage-settings.js';
import { ADMINS_ONLY } from '../src/bot/admin.js';
import { channelModes, EMPTY_MENTION } from '../src/bot/channel-modes.js';
import { NO_EMBED_LINKS } from '../src/bot/permissions.js';
import { SOMETHING_WENT_WRONG } from '../src/bot/replies.js';
import { JsonChannelSettings } from '../src/bot/channel-settings.js';
import { tempDir } from './helpers.js';
import type { QuestionEntry } from '../src/bot/question-log.js';
import {
  APP_ID,
  cacheGuildChannel,
  cacheThread,
  callbackOf,
  CHANNEL_ID,
  chatInput,
  deliverMessage,
  EPHEMERAL,
  GUILD_ID,
  gatewayMessage,
  memoryLogger,
  runInteraction,
  setBotUser,
  startBot,
  stopBot,
  type RecordedRequest,
  type RunningBot,
} from './bot-helpers.js';

const CONFIDENT = 'What will Kim discuss with Putin?'; // found, confidence ≈ 0.30
const UNSURE = 'What kind of plane was Prigozhin flying on when he died?'; // found, confidence ≈ 0.07: answered by /ask, not in auto
const OFF_TOPIC = 'What is the recipe for banana bread?';

const MENTION_CH = '300000000000000011';
const FORUM_CH = '300000000000000012';
const QUIET_CH = '300000000000000013';
const THREAD_IN_AUTO = '300000000000000014';
const FORUM_POST = '300000000000000015';
const LOCKED_CH = '300000000000000016';

const NO_EMBED_CH = '300000000000000018';
/** What answering in a channel takes: see it, post, reply (read its history), embed the answer. */
const ANSWERING = String(PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.ReadMessageHistory | PermissionFlagsBits.EmbedLinks);

const logger = memoryLogger();
let bot: RunningBot;
let userSeq = 0;
const newUser = () => String(720000000000000000n + BigInt(++userSeq));

beforeAll(async () => {
  bot = await startBot({ now: Date.now, logger, messageHandlers: [channelModes] });
  setBotUser(bot.client);
  cacheGuildChannel(bot.client);
  for (const id of [MENTION_CH, QUIET_CH, LOCKED_CH]) cacheGuildChannel(bot.client, id);
  cacheGuildChannel(bot.client, FORUM_CH, ChannelType.GuildForum);
  cacheThread(bot.client, THREAD_IN_AUTO, CHANNEL_ID);
  cacheThread(bot.client, FORUM_POST, FORUM_CH);
}, 120_000);

afterAll(() => stopBot(bot));

function settings(sub: 'set' | 'show', values: Record<string, string>, { admin = true, userId = newUser() } = {}) {
  const raw = chatInput('coverage-settings', {}, userId);
  raw.data.options = [
    {
      name: sub,
      type: ApplicationCommandOptionType.Subcommand,
      options: Object.entries(values).map(([name, value]) => ({ name, value, type: ApplicationCommandOptionType.String })),
    },
  ] as any;
  raw.member.permissions = admin ? String(PermissionFlagsBits.ManageGuild) : String(PermissionFlagsBits.SendMessages);
  return raw;
}

/** Delivers a message and returns the requests the bot made because of it. */
async function post(content: string, options: Parameters<typeof gatewayMessage>[1] = {}): Promise<RecordedRequest[]> {
  const before = bot.api.requests.length;
  deliverMessage(bot.client, gatewayMessage(content, { userId: newUser(), ...options }));
  await bot.router.idle();
  return bot.api.requests.slice(before);
}

async function questionLog(): Promise<QuestionEntry[]> {
  const text = await readFile(bot.index.config.discord.questionLog, 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

function replyTo(requests: RecordedRequest[], channelId: string): RecordedRequest {
  expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([`POST /channels/${channelId}/messages`]);
  return requests[0]!;
}

describe('/coverage-settings', () => {
  it('refuses a member without Manage Server, and changes nothing', async () => {
    const requests = await runInteraction(bot.api, bot.router, bot.client, settings('set', { mode: 'auto' }, { admin: false }));
    const body = callbackOf(requests).body.data;
    expect(body.content).toBe(ADMINS_ONLY);
    expect(body.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(await bot.ctx.channelSettings.mode(GUILD_ID, CHANNEL_ID)).toBe('slash-only');
  });

  it('is registered for Manage Server only, in servers', async () => {
    const { data } = await import('../commands/coverage-settings.js');
    expect(data.toJSON().default_member_permissions).toBe(String(PermissionFlagsBits.ManageGuild));
    // Its channel option offers every kind of channel a mode works in: media channels are forums of posts too.
    const channelOption = (data.toJSON().options ?? []).flatMap((o: any) => o.options ?? []).find((o: any) => o.name === 'channel') as { channel_types: number[] };
    expect(channelOption.channel_types).toEqual([ChannelType.GuildText, ChannelType.GuildAnnouncement, ChannelType.GuildForum, ChannelType.GuildMedia]);
  });

  it('sets a mode for this channel, warns that auto needs Message Content, and keeps it across a restart', async () => {
    const requests = await runInteraction(bot.api, bot.router, bot.client, settings('set', { mode: 'auto' }));
    const body = callbackOf(requests).body.data;
    expect(body.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(body.content).toContain(`<#${CHANNEL_ID}> is now \`auto\``);
    expect(body.content).toContain(NO_MESSAGE_CONTENT);
    expect(body.allowed_mentions).toEqual({ parse: [] });
    // Discord sent the bot's permissions in this channel with the command: none, so it says it cannot answer there yet.
    expect(body.content).toContain(`⚠️ I lack the View Channel, Send Messages, Embed Links and Read Message History permissions in <#${CHANNEL_ID}>, so I cannot answer there until a server admin grants them.`);
    const granted = { ...settings('set', { mode: 'mention' }), app_permissions: ANSWERING };
    expect(callbackOf(await runInteraction(bot.api, bot.router, bot.client, granted)).body.data.content).toBe(`<#${CHANNEL_ID}> is now \`mention\`: I answer \`/ask\` and messages that mention me there.`);
    const noEmbeds = { ...settings('set', { mode: 'mention' }), app_permissions: String(BigInt(ANSWERING) & ~PermissionFlagsBits.EmbedLinks) };
    expect(callbackOf(await runInteraction(bot.api, bot.router, bot.client, noEmbeds)).body.data.content).toContain('⚠️ I lack the Embed Links permission in');
    expect(callbackOf(await runInteraction(bot.api, bot.router, bot.client, settings('set', { mode: 'slash-only' }))).body.data.content).not.toContain('⚠️');

    await runInteraction(bot.api, bot.router, bot.client, settings('set', { mode: 'mention' }));
    await runInteraction(bot.api, bot.router, bot.client, settings('set', { mode: 'auto' }));
    const restarted = new JsonChannelSettings(bot.index.config.discord.channelSettingsFile);
    expect(await restarted.mode(GUILD_ID, CHANNEL_ID)).toBe('auto');
    expect(await restarted.mode(GUILD_ID, QUIET_CH)).toBe('slash-only');
  });

  it('shows the mode of every channel', async () => {
    await bot.ctx.channelSettings.setMode(GUILD_ID, MENTION_CH, 'mention');
    await bot.ctx.channelSettings.setMode(GUILD_ID, FORUM_CH, 'auto');
    await bot.ctx.channelSettings.setMode(GUILD_ID, LOCKED_CH, 'mention');
    const body = callbackOf(await runInteraction(bot.api, bot.router, bot.client, settings('show', {}))).body.data;
    expect(body.content).toBe(
      `Channel modes in this server:\n\`auto\`: <#${CHANNEL_ID}>, <#${FORUM_CH}>\n\`mention\`: <#${MENTION_CH}>, <#${LOCKED_CH}>\nEvery other channel: \`slash-only\`.\n\n${NO_MESSAGE_CONTENT}`,
    );
  });

  it("shows a server of many channels' modes in one message, counting those that do not fit, its warning kept", async () => {
    const MODES = ['auto', 'mention', 'slash-only'] as const;
    // Set through the store, slash-only is the default and is not listed; listed as it could be (modeListing), it is.
    for (const [count, modes] of [[100, MODES.slice(0, 2)], [300, MODES], [102, MODES]] as const) {
      const ids = Array.from({ length: count }, (_, i) => String(3100000000000000000n + BigInt(i)));
      // With 102: 100 slash-only channels, one mention, one auto (the one the warning is about).
      const modeOf = (i: number) => (count === 102 ? (i === 0 ? 'auto' : i === 1 ? 'mention' : 'slash-only') : modes[i % modes.length]!);
      // Through the real store where it can hold them (no slash-only), else as the store lists them.
      let store = { list: async () => ids.map((channelId, i) => ({ channelId, mode: modeOf(i) })) } as unknown as JsonChannelSettings;
      if (!modes.includes('slash-only')) {
        store = new JsonChannelSettings(path.join(tempDir(), 'channels.json'));
        for (const [i, id] of ids.entries()) await store.setMode(GUILD_ID, id, modeOf(i));
      }
      const saved = bot.ctx.channelSettings;
      bot.ctx.channelSettings = store;
      try {
        const { content } = callbackOf(await runInteraction(bot.api, bot.router, bot.client, settings('show', {}))).body.data;
        expect(content.length, `${count}`).toBeLessThanOrEqual(2000);
        expect(content.endsWith(`Every other channel: \`slash-only\`.\n\n${NO_MESSAGE_CONTENT}`), `${count}`).toBe(true);
        // Every channel is shown or counted, once, `auto` first.
        const lines = content.split('\n').slice(1).filter((l: string) => /^`[a-z-]+`:/.test(l));
        expect(lines.map((l: string) => l.slice(1, l.indexOf('`', 1)))).toEqual(MODES.filter((m) => ids.some((_, i) => modeOf(i) === m)));
        for (const line of lines) {
          const mode = line.slice(1, line.indexOf('`', 1));
          const shown = (line.match(/<#\d+>/g) ?? []).map((m: string) => m.slice(2, -1));
          const all = ids.filter((_, i) => modeOf(i) === mode);
          expect(shown).toEqual(all.slice(0, shown.length));
          expect(shown.length + Number(line.match(/and (\d+) more/)?.[1] ?? 0)).toBe(all.length);
        }
      } finally {
        bot.ctx.channelSettings = saved;
      }
    }
  });
});

describe('auto mode', () => {
  it('answers a confident question with a reply that pings nobody, and logs it with its text', async () => {
    const message = gatewayMessage(CONFIDENT, { userId: newUser() });
    const before = bot.api.requests.length;
    deliverMessage(bot.client, message);
    await bot.router.idle();
    const sent = replyTo(bot.api.requests.slice(before), CHANNEL_ID).body;
    // Still posted if the question is deleted meanwhile (else Discord refuses the reply with 50035).
    expect(sent.message_reference).toMatchObject({ message_id: message.id, fail_if_not_exists: false });
    expect(sent.allowed_mentions).toEqual({ parse: [], replied_user: false });
    expect(JSON.stringify(sent.embeds)).toContain('Kim Jong-un will reportedly travel to Russia');
    expect(JSON.stringify(sent.components)).toContain('ask:vote:');
    const entry = (await questionLog()).at(-1)!;
    expect(entry).toMatchObject({ via: 'auto', outcome: 'answered', found: true, sure: true, private: false, question: CONFIDENT });
    // With no AUTO_ANSWER_THRESHOLD, auto mode answers what the reader is sure of.
    expect(bot.index.config.discord.autoThreshold).toBeUndefined();
    expect(entry.confidence).toBeGreaterThanOrEqual(bot.index.pipeline.reader.sureThreshold);
  });

  it('stays silent on an unconfident question, an off-topic one, a bot, an image, a long message and inside a thread', async () => {
    const logged = (await questionLog()).length;
    expect(await post(UNSURE)).toEqual([]);
    expect(await post(OFF_TOPIC)).toEqual([]);
    expect(await post(CONFIDENT, { bot: true })).toEqual([]);
    expect(await post('')).toEqual([]); // an image alone, or no Message Content intent
    expect(await post(`${CONFIDENT} ${'and more '.repeat(440)}`)).toEqual([]);
    expect(await post(`<@${APP_ID}>`, { mentions: [APP_ID] })).toEqual([]);
    expect(await post(`<@${APP_ID}> ${OFF_TOPIC}`, { mentions: [APP_ID] })).toEqual([]);
    expect(await post(CONFIDENT, { channelId: THREAD_IN_AUTO })).toEqual([]);
    // The unsure and off-topic questions are counted, without their text.
    const silent = (await questionLog()).slice(logged);
    expect(silent.map((e) => [e.via, e.outcome])).toEqual([
      ['auto', 'silent'],
      ['auto', 'silent'],
      ['auto', 'silent'],
    ]);
    expect(JSON.stringify(silent)).not.toContain('Kim');
    expect(JSON.stringify(silent)).not.toContain('banana');
  });

  it('reads a mention in the question as nothing more', async () => {
    const sent = replyTo(await post(`<@${APP_ID}> ${CONFIDENT}`, { mentions: [APP_ID] }), CHANNEL_ID).body;
    expect(JSON.stringify(sent.embeds)).toContain('Kim Jong-un will reportedly travel to Russia');
    expect((await questionLog()).at(-1)).toMatchObject({ via: 'auto', outcome: 'answered', question: CONFIDENT });
  });

  it('answers a new forum post (its starter message), not the messages inside it', async () => {
    replyTo(await post(CONFIDENT, { channelId: FORUM_POST, id: FORUM_POST }), FORUM_POST);
    expect(await post(CONFIDENT, { channelId: FORUM_POST })).toEqual([]);
  });

  it('skips a member over the rate limit silently, on a budget apart from /ask', async () => {
    const userId = newUser();
    for (let i = 0; i < bot.ctx.askLimiter.limit; i++) await post(OFF_TOPIC, { userId });
    expect(await post(CONFIDENT, { userId })).toEqual([]);
    expect(bot.ctx.askLimiter.take(`${GUILD_ID}:${userId}`).allowed).toBe(true);
  });

  it("spends none of a member's budget on chat ('thanks!', 'ok cool'): their question after it is still read", async () => {
    const userId = newUser();
    const logged = (await questionLog()).length;
    for (let i = 0; i < bot.ctx.askLimiter.limit + 2; i++) expect(await post(i % 2 === 0 ? 'thanks!' : 'ok cool', { userId })).toEqual([]);
    expect(await questionLog()).toHaveLength(logged);
    replyTo(await post(CONFIDENT, { userId }), CHANNEL_ID);
  });
});

describe('mention mode', () => {
  const mention = (text: string) => `<@${APP_ID}> ${text}`;

  it('answers a mention without the mention in the question, found or not', async () => {
    const sent = replyTo(await post(mention(CONFIDENT), { channelId: MENTION_CH, mentions: [APP_ID] }), MENTION_CH).body;
    expect(JSON.stringify(sent.embeds)).toContain('Kim Jong-un will reportedly travel to Russia');
    expect((await questionLog()).at(-1)).toMatchObject({ via: 'mention', outcome: 'answered', question: CONFIDENT });

    const refused = replyTo(await post(mention(OFF_TOPIC), { channelId: MENTION_CH, mentions: [APP_ID] }), MENTION_CH).body;
    expect(JSON.stringify(refused.embeds)).toContain("I couldn't find that in the coverage");
    expect((await questionLog()).at(-1)).toMatchObject({ via: 'mention', outcome: 'refused', found: false, question: OFF_TOPIC });
  });

  it("answers a mention of the bot's own role, which Discord offers for \"@coverage-bot\", and no other role's", async () => {
    const guild = bot.client.guilds.cache.get(GUILD_ID)!;
    const botRole = '400000000000000004';
    // As GUILD_CREATE caches them: @everyone, the role Discord manages for the bot, and the bot's member holding it.
    const roles = guild.roles as unknown as { _add(data: unknown): unknown };
    roles._add({ id: GUILD_ID, name: '@everyone', color: 0, hoist: false, position: 0, permissions: ANSWERING, managed: false, mentionable: false });
    roles._add({ id: botRole, name: 'coverage-bot', color: 0, hoist: false, position: 1, permissions: '0', managed: true, mentionable: false, tags: { bot_id: APP_ID } });
    (guild.members as unknown as { _add(data: unknown): unknown })._add({ user: { id: APP_ID, username: 'coverage-bot', discriminator: '0000', bot: true }, roles: [botRole], joined_at: new Date().toISOString() });
    expect(guild.members.me?.roles.botRole?.id).toBe(botRole);
    const sent = replyTo(await post(`<@&${botRole}> ${CONFIDENT}`, { channelId: MENTION_CH }), MENTION_CH).body;
    expect(JSON.stringify(sent.embeds)).toContain('Kim Jong-un will reportedly travel to Russia');
    expect(await post(`<@&400000000000000005> ${CONFIDENT}`, { channelId: MENTION_CH })).toEqual([]);
  });

  it('ignores messages without a mention there', async () => {
    expect(await post(CONFIDENT, { channelId: MENTION_CH })).toEqual([]);
  });

  it('answers a bare mention, a long message and a member over the limit with one polite line', async () => {
    const bare = replyTo(await post(`<@${APP_ID}>`, { channelId: MENTION_CH, mentions: [APP_ID] }), MENTION_CH).body;
    expect(bare.content).toBe(EMPTY_MENTION);
    expect(bare.allowed_mentions).toEqual({ parse: [], replied_user: false });
    // Other mentions and emoji ask nothing either: no search, nothing logged as a question.
    const logged = (await questionLog()).length;
    for (const nothing of [`<@${APP_ID}> <@700000000000000099>`, `<@${APP_ID}> 👍`, `<@${APP_ID}> @everyone <@&123456789012345678>`, `<@${APP_ID}> <:wave:123456789012345678>`]) {
      expect(replyTo(await post(nothing, { channelId: MENTION_CH, mentions: [APP_ID] }), MENTION_CH).body.content).toBe(EMPTY_MENTION);
    }
    expect(await questionLog()).toHaveLength(logged);

    const long = replyTo(await post(mention('why '.repeat(1000)), { channelId: MENTION_CH, mentions: [APP_ID] }), MENTION_CH).body;
    expect(long.content).toMatch(/characters long; please keep it to 500 at most/);
    expect(long.embeds ?? []).toEqual([]);

    const userId = newUser();
    for (let i = 0; i < bot.ctx.askLimiter.limit; i++) bot.ctx.askLimiter.take(`${GUILD_ID}:${userId}`);
    const limited = replyTo(await post(mention(CONFIDENT), { channelId: MENTION_CH, mentions: [APP_ID], userId }), MENTION_CH).body;
    expect(limited.content).toMatch(/faster than I can keep up/);
    // Said once while the limit lasts: more mentions are not each answered with it (spam answered with spam).
    for (let i = 0; i < 3; i++) expect(await post(mention(CONFIDENT), { channelId: MENTION_CH, mentions: [APP_ID], userId })).toEqual([]);
  });

  it('logs a channel where the bot may not post, without the text, counts no answer there, and keeps serving', async () => {
    bot.api.failChannels.set(LOCKED_CH, 403);
    const secret = 'What will Kim discuss with Putin in secret?';
    const logged = (await questionLog()).length;
    const requests = await post(mention(secret), { channelId: LOCKED_CH, mentions: [APP_ID] });
    // Not in the question log as answered: nobody saw the answer.
    expect(await questionLog()).toHaveLength(logged);
    expect(requests.map((r) => r.method)).toEqual(['POST']);
    const line = logger.lines.find((l) => l.message.startsWith('Cannot answer in this channel'));
    expect(line?.meta).toMatchObject({ channelId: LOCKED_CH, code: 50013 });
    expect(JSON.stringify(logger.lines)).not.toContain('in secret');
    expect(logger.lines.filter((l) => l.message === 'Message handler failed')).toEqual([]);
    replyTo(await post(mention(CONFIDENT), { channelId: MENTION_CH, mentions: [APP_ID] }), MENTION_CH);
  });

  it('apologises for a failure that is not the question\'s (the model, the index, the database), and logs it', async () => {
    const pipeline = bot.ctx.pipeline;
    const ask = pipeline.ask;
    pipeline.ask = async () => {
      throw new Error('the model crashed');
    };
    try {
      const sent = replyTo(await post(mention(CONFIDENT), { channelId: MENTION_CH, mentions: [APP_ID] }), MENTION_CH).body;
      expect(sent.content).toBe(SOMETHING_WENT_WRONG);
      expect(sent.allowed_mentions).toEqual({ parse: [], replied_user: false });
    } finally {
      pipeline.ask = ask;
    }
    const failed = logger.lines.filter((l) => l.message === 'Message handler failed');
    expect(failed.map((l) => String((l.meta?.error as Error).message))).toEqual(['the model crashed']);
    expect(JSON.stringify(failed)).not.toContain(CONFIDENT);
    logger.lines.splice(0, logger.lines.length, ...logger.lines.filter((l) => !failed.includes(l)));
    replyTo(await post(mention(CONFIDENT), { channelId: MENTION_CH, mentions: [APP_ID] }), MENTION_CH);
  });
});

describe('a channel where the bot may post but not embed links', () => {
  it('tells a mention so in one line (an answer would arrive empty), stays silent in auto, and logs both without the text, auto once a while', async () => {
    const guild = bot.client.guilds.cache.get(GUILD_ID)!;
    // As GUILD_CREATE caches them: @everyone may answer, and the bot's member; this channel denies @everyone Embed Links.
    (guild.roles as unknown as { _add(data: unknown): unknown })._add({ id: GUILD_ID, name: '@everyone', color: 0, hoist: false, position: 0, permissions: ANSWERING, managed: false, mentionable: false });
    (guild.members as unknown as { _add(data: unknown): unknown })._add({ user: { id: APP_ID, username: 'coverage-bot', discriminator: '0000', bot: true }, roles: [], joined_at: new Date().toISOString() });
    const deny = [{ id: GUILD_ID, type: 0, allow: '0', deny: String(PermissionFlagsBits.EmbedLinks) }];
    (bot.client.channels as unknown as { _add(data: unknown, guild: unknown): unknown })._add({ id: NO_EMBED_CH, type: ChannelType.GuildText, guild_id: GUILD_ID, name: 'no-embeds', position: 0, permission_overwrites: deny }, guild);
    // A warning at set time, from the server's cached roles (the command was used in another channel).
    const set = settings('set', { mode: 'mention' });
    (set.data.options as any)[0].options.push({ name: 'channel', type: ApplicationCommandOptionType.Channel, value: NO_EMBED_CH });
    (set.data as any).resolved = { channels: { [NO_EMBED_CH]: { id: NO_EMBED_CH, type: 0, name: 'no-embeds', permissions: '0' } } };
    expect(callbackOf(await runInteraction(bot.api, bot.router, bot.client, set)).body.data.content).toContain(`⚠️ I lack the Embed Links permission in <#${NO_EMBED_CH}>`);

    const secret = 'What will Kim discuss with Putin behind closed doors?';
    const told = replyTo(await post(`<@${APP_ID}> ${secret}`, { channelId: NO_EMBED_CH, mentions: [APP_ID] }), NO_EMBED_CH).body;
    expect(told.content).toBe(NO_EMBED_LINKS);
    expect(told.embeds ?? []).toEqual([]);
    await bot.ctx.channelSettings.setMode(GUILD_ID, NO_EMBED_CH, 'auto');
    expect(await post(CONFIDENT, { channelId: NO_EMBED_CH })).toEqual([]);
    // Every message there would be logged: the channel is, once in a while.
    expect(await post('What did Putin say about the war?', { channelId: NO_EMBED_CH })).toEqual([]);
    const lines = logger.lines.filter((l) => l.message === 'Cannot answer in this channel: the bot lacks Embed Links there');
    expect(lines.map((l) => l.meta)).toMatchObject([{ channelId: NO_EMBED_CH, mode: 'mention' }, { channelId: NO_EMBED_CH, mode: 'auto' }]);
    expect(JSON.stringify(logger.lines)).not.toContain('closed doors');
    // Where it may embed, it answers as before.
    replyTo(await post(`<@${APP_ID}> ${CONFIDENT}`, { channelId: MENTION_CH, mentions: [APP_ID] }), MENTION_CH);
  });
});

describe('an auto forum where the bot may not embed links', () => {
  it('logs it once a while for the forum, not once for every new post (each post is a thread of its own)', async () => {
    const NO_EMBED_FORUM = '300000000000000019';
    const guild = bot.client.guilds.cache.get(GUILD_ID)!;
    (guild.roles as unknown as { _add(data: unknown): unknown })._add({ id: GUILD_ID, name: '@everyone', color: 0, hoist: false, position: 0, permissions: ANSWERING, managed: false, mentionable: false });
    (guild.members as unknown as { _add(data: unknown): unknown })._add({ user: { id: APP_ID, username: 'coverage-bot', discriminator: '0000', bot: true }, roles: [], joined_at: new Date().toISOString() });
    const deny = [{ id: GUILD_ID, type: 0, allow: '0', deny: String(PermissionFlagsBits.EmbedLinks) }];
    (bot.client.channels as unknown as { _add(data: unknown, guild: unknown): unknown })._add({ id: NO_EMBED_FORUM, type: ChannelType.GuildForum, guild_id: GUILD_ID, name: 'no-embed-forum', position: 0, permission_overwrites: deny }, guild);
    await bot.ctx.channelSettings.setMode(GUILD_ID, NO_EMBED_FORUM, 'auto');
    const logged = () => logger.lines.filter((l) => l.message === 'Cannot answer in this channel: the bot lacks Embed Links there' && l.meta?.mode === 'auto').length;
    const before = logged();
    for (let i = 0; i < 5; i++) {
      const postId = String(310000000000000000n + BigInt(i));
      cacheThread(bot.client, postId, NO_EMBED_FORUM);
      expect(await post(CONFIDENT, { channelId: postId, id: postId })).toEqual([]);
    }
    expect(logged() - before).toBe(1);
  });
});

describe('a channel or thread deleted while answering', () => {
  it('is logged without the text, as expected, and the bot keeps serving', async () => {
    const GONE_CH = '300000000000000017';
    cacheGuildChannel(bot.client, GONE_CH);
    await bot.ctx.channelSettings.setMode(GUILD_ID, GONE_CH, 'mention');
    bot.api.failChannels.set(GONE_CH, 404);
    const secret = 'What will Kim discuss with Putin, asked just before the thread went?';
    const requests = await post(`<@${APP_ID}> ${secret}`, { channelId: GONE_CH, mentions: [APP_ID] });
    expect(requests.map((r) => r.method)).toEqual(['POST']);
    expect(logger.lines.filter((l) => l.message === 'Message handler failed')).toEqual([]);
    const line = logger.lines.find((l) => l.message.startsWith('Cannot answer in this channel') && l.meta?.channelId === GONE_CH);
    expect(line?.meta).toMatchObject({ code: 10003 });
    expect(JSON.stringify(logger.lines)).not.toContain('just before');
  });
});

describe('slash-only mode', () => {
  it('ignores messages, mentions included', async () => {
    expect(await post(CONFIDENT, { channelId: QUIET_CH })).toEqual([]);
    expect(await post(`<@${APP_ID}> ${CONFIDENT}`, { channelId: QUIET_CH, mentions: [APP_ID] })).toEqual([]);
  });
});

describe('the channel settings file', () => {
  it('keeps the changes another process (a shard) made to the file', async () => {
    const file = bot.index.config.discord.channelSettingsFile;
    const mine = new JsonChannelSettings(file);
    const otherShard = new JsonChannelSettings(file);
    expect(await mine.mode('200000000000000099', '300000000000000099')).toBe('slash-only'); // read and cached
    await otherShard.setMode('200000000000000098', '300000000000000098', 'auto');
    await mine.setMode('200000000000000099', '300000000000000099', 'mention');
    const fresh = new JsonChannelSettings(file);
    expect(await fresh.mode('200000000000000098', '300000000000000098')).toBe('auto');
    expect(await fresh.mode('200000000000000099', '300000000000000099')).toBe('mention');
    expect(await fresh.mode(GUILD_ID, CHANNEL_ID)).toBe('auto');
  });

  it('keeps both changes when two processes (shards) change it at the same moment', async () => {
    const file = `${bot.index.config.discord.channelSettingsFile}.concurrent.json`;
    const shards = Array.from({ length: 4 }, () => new JsonChannelSettings(file));
    await Promise.all(shards.map((s, i) => s.setMode(`20000000000000009${i}`, '300000000000000090', 'mention')));
    const fresh = new JsonChannelSettings(file);
    for (let i = 0; i < shards.length; i++) expect(await fresh.mode(`20000000000000009${i}`, '300000000000000090')).toBe('mention');
  });

  it('when damaged, leaves messages to /ask with one warning, not an error per message', async () => {
    const { writeFile } = await import('node:fs/promises');
    const file = `${bot.index.config.discord.channelSettingsFile}.damaged-running.json`;
    await writeFile(file, '{"200000000000000002": {"30000');
    const working = bot.ctx.channelSettings;
    bot.ctx.channelSettings = new JsonChannelSettings(file);
    const before = logger.lines.length;
    try {
      for (let i = 0; i < 3; i++) expect(await post(`<@${APP_ID}> ${CONFIDENT}`, { channelId: MENTION_CH, mentions: [APP_ID] })).toEqual([]);
    } finally {
      bot.ctx.channelSettings = working;
    }
    const lines = logger.lines.slice(before);
    expect(lines.filter((l) => l.level === 'error')).toEqual([]);
    expect(lines.filter((l) => /channel settings/i.test(l.message))).toHaveLength(1);
    expect(JSON.stringify(lines)).not.toContain('discuss');
  });

  it('refuses to read a damaged file rather than overwrite it', async () => {
    const { writeFile } = await import('node:fs/promises');
    const file = `${bot.index.config.discord.channelSettingsFile}.damaged.json`;
    await writeFile(file, '{"200000000000000002": {"30000');
    const store = new JsonChannelSettings(file);
    await expect(store.setMode(GUILD_ID, CHANNEL_ID, 'auto')).rejects.toThrow(/is not valid JSON/);
    expect(await readFile(file, 'utf8')).toBe('{"200000000000000002": {"30000');
  });
});
