/**
 * Follow-ups and "Ask the coverage", end to end through discord.js's own objects against the fake Discord
 * API, with the real model and a real index: the Follow up button opens a thread (or a reply chain), a
 * follow-up in it is answered with the earlier question, conversations never cross threads or private
 * answers, expire, survive an index swap; and every bad input gets a polite line and a log line without the
 * member's text.
 */
import { readFile } from 'node:fs/promises';
import { ClientUser, GatewayIntentBits, PermissionFlagsBits, type Client } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { NO_TEXT, OWN_MESSAGE } from '../commands/ask-message.js';
import { FOLLOW_UP_LABEL } from '../src/bot/answer-message.js';
import type { BotContext } from '../src/bot/context.js';
import { decode, encode } from '../src/bot/custom-ids.js';
import { PRIVATE_FOLLOW_UP } from '../src/bot/follow-up-button.js';
import { CONVERSATION_EXPIRED } from '../src/bot/follow-up-messages.js';
import { NO_EMBED_LINKS } from '../src/bot/permissions.js';
import { SOMETHING_WENT_WRONG } from '../src/bot/replies.js';
import { embedTotal, LIMITS } from '../src/bot/format/index.js';
import type { Router } from '../src/bot/router.js';
import { intentsFor } from '../src/bot/start.js';
import type { Article } from '../src/corpus/types.js';
import {
  asMessage,
  buttonClick,
  cacheGuildChannel,
  cacheThread,
  callbackOf,
  APP_ID,
  CHANNEL_ID,
  chatInput,
  deliverMessage,
  EPHEMERAL,
  FakeDiscord,
  gatewayMessage,
  GUILD_ID,
  memoryLogger,
  messageMenu,
  MISSING_PERMISSIONS,
  runInteraction,
  startBot,
  stopBot,
  UNKNOWN_CHANNEL,
  type RecordedRequest,
  type RunningBot,
  type TestIndex,
} from './bot-helpers.js';

const SHOIGU = 'When did Russian defence minister Sergei Shoigu visit Pyongyang?';
const KIM = 'How did Kim Jong Un travel to Russia?';
/** Only the conversation tells who "he" is: asked alone, the coverage cannot say. */
const WHAT_DID_HE_SAY = 'What did he say?';

/** What a thread needs to be opened on an answer: Discord sends the bot's permissions with each interaction. */
const THREAD_PERMISSIONS = String(
  PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.CreatePublicThreads | PermissionFlagsBits.SendMessagesInThreads | PermissionFlagsBits.ReadMessageHistory | PermissionFlagsBits.EmbedLinks,
);
/** What a reply chain needs: to see the channel, post, reply (Read Message History) and show the answer's embed. */
const REPLY_PERMISSIONS = String(PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.ReadMessageHistory | PermissionFlagsBits.EmbedLinks);

let bot: RunningBot | undefined;
let api: FakeDiscord;
let client: Client;
let ctx: BotContext;
let router: Router;
let index: TestIndex;
let clock = Date.now();
const logger = memoryLogger();
let userSeq = 0;
const newUser = () => String(720000000000000000n + BigInt(++userSeq));

beforeAll(async () => {
  bot = await startBot({ now: () => clock, logger });
  ({ api, client, ctx, router, index } = bot);
  cacheGuildChannel(client);
  // The bot's own user, as the gateway's READY would set it: a mention of the bot is told from others'.
  // @ts-expect-error the constructor is internal to discord.js; the client never logs in here
  client.user = new ClientUser(client, { id: APP_ID, username: 'coverage-bot', discriminator: '0', avatar: null, global_name: null, bot: true });
}, 120_000);

afterAll(() => stopBot(bot));

const run = (raw: any) => runInteraction(api, router, client, raw);

function since(mark: number): RecordedRequest[] {
  return api.requests.filter((r) => r.seq > mark);
}

const mark = () => api.requests.at(-1)?.seq ?? 0;

function lastEdit(requests: RecordedRequest[]): RecordedRequest {
  const edit = requests.filter((r) => r.method === 'PATCH' && r.path.endsWith('/messages/@original')).at(-1);
  expect(edit).toBeDefined();
  return edit!;
}

function buttonsOf(body: any): any[] {
  return (body.components ?? []).flatMap((row: any) => row.components).filter((c: any) => c.type === 2);
}

function followUpButton(body: any): any | undefined {
  return buttonsOf(body).find((b) => decode(b.custom_id)?.kind === 'followUp');
}

/** Asks with /ask and returns the answer message as Discord would show it (with its components). */
async function ask(question: string, userId: string, extra: Record<string, any> = {}): Promise<{ message: any; body: any }> {
  const edit = lastEdit(await run(chatInput('ask', { question, ...extra }, userId)));
  return { message: asMessage(edit), body: edit.body };
}

/** Clicks Follow up under an answer; returns what the bot sent. */
async function clickFollowUp(message: any, userId: string, permissions = THREAD_PERMISSIONS): Promise<RecordedRequest[]> {
  const button = followUpButton(message);
  expect(button).toBeDefined();
  const before = mark();
  await run({ ...buttonClick(button.custom_id, message, userId), app_permissions: permissions });
  return since(before);
}

/** Asks, then opens a thread on the answer; returns the thread's id. */
async function openThread(question: string, userId: string): Promise<string> {
  const { message } = await ask(question, userId);
  const sent = await clickFollowUp(message, userId);
  const created = sent.find((r) => r.method === 'POST' && r.path === `/channels/${CHANNEL_ID}/messages/${message.id}/threads`);
  expect(created).toBeDefined();
  return message.id;
}

/** A member's message delivered by the gateway; resolves with the requests the bot made for it. */
async function post(content: string, options: Parameters<typeof gatewayMessage>[1] = {}): Promise<{ raw: any; sent: RecordedRequest[] }> {
  const before = mark();
  const raw = gatewayMessage(content, options);
  deliverMessage(client, raw);
  await router.idle();
  return { raw, sent: since(before) };
}

function messagesPosted(sent: RecordedRequest[], channelId: string): RecordedRequest[] {
  return sent.filter((r) => r.method === 'POST' && r.path === `/channels/${channelId}/messages`);
}

function expectValidMessage(body: any): void {
  expect(body.allowed_mentions).toMatchObject({ parse: [] });
  expect((body.content ?? '').length).toBeLessThanOrEqual(LIMITS.content);
  for (const embed of body.embeds ?? []) {
    expect(embedTotal(embed)).toBeLessThanOrEqual(LIMITS.embedTotal);
    expect((embed.description ?? '').length).toBeLessThanOrEqual(LIMITS.description);
  }
}

function expectNoTextLogged(...texts: string[]): void {
  const logged = JSON.stringify(logger.lines);
  for (const text of texts) expect(logged).not.toContain(text);
}

describe('Follow up in a thread', () => {
  it('offers Follow up under a public answer, opens a thread on it, and answers a follow-up with the earlier question', async () => {
    const user = newUser();
    const { message, body } = await ask(SHOIGU, user);
    expect(followUpButton(body)).toMatchObject({ label: FOLLOW_UP_LABEL });
    expect(buttonsOf(body).length).toBeLessThanOrEqual(5);

    const opened = await clickFollowUp(message, user);
    const thread = opened.find((r) => r.path === `/channels/${CHANNEL_ID}/messages/${message.id}/threads`)!;
    expect(thread.body).toMatchObject({ name: SHOIGU, auto_archive_duration: 1440 });
    // Acknowledged (deferred, private) before the thread is opened: Discord's 3 seconds hold.
    const defer = opened.find((r) => r.path.endsWith('/callback'))!;
    expect(defer.seq).toBeLessThan(thread.seq);
    expect(defer.body).toMatchObject({ type: 5, data: { flags: EPHEMERAL } });
    const intro = messagesPosted(opened, message.id)[0]!;
    expect(intro.body.content).toContain(SHOIGU);
    expect(intro.body.content).toMatch(/Mention <@\d+> in each follow-up/); // no Message Content intent in the tests
    expect(lastEdit(opened).body.content).toContain(`<#${message.id}>`);

    const { raw, sent } = await post(WHAT_DID_HE_SAY, { channelId: message.id, userId: user });
    expect(sent.some((r) => r.path === `/channels/${message.id}/typing`)).toBe(true);
    const [reply] = messagesPosted(sent, message.id);
    expect(reply).toBeDefined();
    expectValidMessage(reply!.body);
    expect(reply!.body.message_reference).toMatchObject({ message_id: raw.id });
    expect(reply!.body.allowed_mentions).toEqual({ parse: [], replied_user: false });
    expect(reply!.body.content).toBe(`Following up on: “${SHOIGU}”`);
    const embed = reply!.body.embeds[0];
    expect(embed.title).toBe(WHAT_DID_HE_SAY);
    // Read with the conversation: "he" is Sergei Shoigu, and the quote is about him.
    expect(embed.fields[0].value).toMatch(/Shoigu/);
    // In the thread, the conversation is where follow-ups go: no second Follow up under its answers.
    expect(followUpButton(reply!.body)).toBeUndefined();

    // The same follow-up asked alone: the coverage does not say who "he" is.
    const alone = (await ask(WHAT_DID_HE_SAY, newUser())).body.embeds[0];
    expect(JSON.stringify(alone.fields ?? [])).not.toMatch(/Shoigu/);
  });

  it('quotes the earlier question as plain text: no masked link, mention or heading survives into its lines', async () => {
    const user = newUser();
    const question = `[Official statement](https://phish.example/x) <@&123456789012345678> ${SHOIGU}`;
    const { message } = await ask(question, user);
    const opened = await clickFollowUp(message, user);
    const intro = messagesPosted(opened, message.id)[0]!.body.content as string;
    const { sent } = await post(WHAT_DID_HE_SAY, { channelId: message.id, userId: user });
    const followUp = messagesPosted(sent, message.id)[0]!.body.content as string;
    for (const line of [intro, followUp]) {
      expect(line).toContain('[Official statement]\\(https://phish.example/x)');
      expect(line).toContain('\\<@&123456789012345678>');
      expect(line).not.toMatch(/\]\(https:/);
    }
  });

  it('apologises in the thread for a failure that is not the question\'s, logs it without the text, and answers the next one', async () => {
    const user = newUser();
    const thread = await openThread(SHOIGU, user);
    const ask = ctx.pipeline.ask;
    ctx.pipeline.ask = async () => {
      throw new Error('the database is out of reach');
    };
    try {
      const [apology] = messagesPosted((await post(WHAT_DID_HE_SAY, { channelId: thread, userId: user })).sent, thread);
      expect(apology!.body.content).toBe(SOMETHING_WENT_WRONG);
      expectValidMessage(apology!.body);
    } finally {
      ctx.pipeline.ask = ask;
    }
    const failed = logger.lines.filter((l) => l.message === 'Message handler failed');
    expect(failed.map((l) => String((l.meta?.error as Error).message))).toEqual(['the database is out of reach']);
    expectNoTextLogged(WHAT_DID_HE_SAY);
    logger.lines.splice(0, logger.lines.length, ...logger.lines.filter((l) => !failed.includes(l)));
    const [answer] = messagesPosted((await post(WHAT_DID_HE_SAY, { channelId: thread, userId: user })).sent, thread);
    expect(answer!.body.embeds[0].title).toBe(WHAT_DID_HE_SAY);
  });

  it('keeps each thread to its own conversation', async () => {
    const user = newUser();
    const shoigu = await openThread(SHOIGU, user);
    const kim = await openThread(KIM, newUser());
    const inKim = messagesPosted((await post(WHAT_DID_HE_SAY, { channelId: kim, userId: user })).sent, kim)[0]!;
    expect(inKim.body.content).toBe(`Following up on: “${KIM}”`);
    expect(inKim.body.embeds[0].fields?.[0]?.value ?? '').not.toMatch(/Shoigu/);
    const inShoigu = messagesPosted((await post(WHAT_DID_HE_SAY, { channelId: shoigu, userId: user })).sent, shoigu)[0]!;
    expect(inShoigu.body.content).toBe(`Following up on: “${SHOIGU}”`);
  });

  it('takes no message outside a conversation: a plain channel message, or a thread it did not open', async () => {
    cacheGuildChannel(client, '300000000000000099');
    const outside = await post('What did he say?', { channelId: '300000000000000099' });
    expect(outside.sent).toEqual([]);
    const inChannel = await post('What did he say?');
    expect(inChannel.sent).toEqual([]);
  });

  it('answers a follow-up in a thread opened a while ago (the answer buttons expired), until the conversation expires', async () => {
    const user = newUser();
    const thread = await openThread(SHOIGU, user);
    clock += (ctx.config.discord.conversationMinutes - 1) * 60_000;
    expect(messagesPosted((await post(WHAT_DID_HE_SAY, { channelId: thread, userId: user })).sent, thread)[0]!.body.embeds).toHaveLength(1);

    clock += ctx.config.discord.conversationMinutes * 60_000 + 1;
    ctx.conversations.sweep(); // as the bot's sweeper does every half minute
    // A reply to the answer in the channel is not in its thread: no follow-up, and no word of the thread's expiry.
    expect((await post('thanks, that was really useful', { replyTo: thread, userId: newUser() })).sent).toEqual([]);
    const secret = 'and what did his deputy whisper?';
    const expired = messagesPosted((await post(secret, { channelId: thread, userId: user })).sent, thread);
    expect(expired).toHaveLength(1);
    expect(expired[0]!.body.content).toBe(CONVERSATION_EXPIRED);
    expect(logger.lines.some((l) => l.message === 'Follow-up in an expired conversation' && l.meta?.channelId === thread)).toBe(true);
    expectNoTextLogged(secret);
    // Said once: later messages in the old thread are left alone.
    expect((await post('hello?', { channelId: thread, userId: user })).sent).toEqual([]);
  });

  it('bounds a conversation to the last turns', async () => {
    const user = newUser();
    const thread = await openThread(SHOIGU, user);
    for (const q of ['What did he say?', 'Where did Putin meet Kim?', 'Where is the Vostochny cosmodrome?', 'Who visited Pyongyang in July?', 'What did they discuss?', 'When?']) {
      clock += 60_000; // within the rate limit's window, one member asks at most ASK_RATE_LIMIT: a fresh one each time
      await post(q, { channelId: thread, userId: newUser() });
    }
    expect(ctx.conversations.find(thread)!.turns).toHaveLength(ctx.config.discord.conversationTurns);
  });
});

describe('follow-ups at the same time, and messages from elsewhere', () => {
  it('keeps both turns of two follow-ups answered at once in one thread', async () => {
    const thread = await openThread(SHOIGU, newUser());
    const conversation = ctx.conversations.find(thread)!;
    // The second follow-up has read the conversation when the first one adds its turn: it is searched only then.
    const ask = ctx.pipeline.ask;
    ctx.pipeline.ask = async (question, options) => {
      if (question.startsWith('Where did')) await vi.waitFor(() => expect(conversation.turns).toHaveLength(2), { timeout: 60_000 });
      return ask.call(ctx.pipeline, question, options);
    };
    try {
      const before = mark();
      deliverMessage(client, gatewayMessage(WHAT_DID_HE_SAY, { channelId: thread, userId: newUser() }));
      deliverMessage(client, gatewayMessage('Where did he go?', { channelId: thread, userId: newUser() }));
      await router.idle();
      expect(messagesPosted(since(before), thread)).toHaveLength(2);
    } finally {
      ctx.pipeline.ask = ask;
    }
    expect(conversation.turns.map((t) => t.question)).toEqual([SHOIGU, WHAT_DID_HE_SAY, 'Where did he go?']);
  });

  it('takes no forwarded answer (elsewhere, even in another server) for a reply in its chain', async () => {
    const user = newUser();
    const { message } = await ask(SHOIGU, user);
    await clickFollowUp(message, user, String(PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages));
    const elsewhere = '300000000000000098';
    cacheGuildChannel(client, elsewhere);
    const before = mark();
    const forward = { ...gatewayMessage('', { channelId: elsewhere, userId: user }), type: 0, message_reference: { type: 1, message_id: message.id, channel_id: CHANNEL_ID, guild_id: GUILD_ID } };
    deliverMessage(client, forward);
    await router.idle();
    expect(since(before)).toEqual([]);
  });
});

describe('gateway intents', () => {
  it('reads direct messages (for reply chains there) always, and message content only when granted', () => {
    const without = intentsFor(ctx.config);
    expect(without).toContain(GatewayIntentBits.DirectMessages);
    expect(without).not.toContain(GatewayIntentBits.MessageContent);
    expect(intentsFor({ ...ctx.config, discord: { ...ctx.config.discord, messageContent: true } })).toContain(GatewayIntentBits.MessageContent);
  });
});

describe('a conversation started again', () => {
  it('reopens the thread an answer already has when its conversation ended (Discord: thread already created)', async () => {
    const user = newUser();
    const { message } = await ask(SHOIGU, user);
    await clickFollowUp(message, user);
    ctx.conversations.end(message.id, { remember: false }); // as after a restart
    api.failures.push({ method: 'POST', path: /\/threads$/, error: { status: 400, code: 160004, message: 'A thread has already been created for this message' } });
    try {
      const sent = await clickFollowUp(message, user);
      expect(lastEdit(sent).body.content).toBe(`Ask your follow-ups in this answer's thread: <#${message.id}>.`);
    } finally {
      api.failures = [];
    }
    const reply = messagesPosted((await post(WHAT_DID_HE_SAY, { channelId: message.id, userId: user })).sent, message.id)[0]!;
    expect(reply.body.content).toBe(`Following up on: “${SHOIGU}”`);
  });

  it('ends the conversation of a deleted thread: Follow up opens a new thread instead of pointing at the gone one', async () => {
    const user = newUser();
    const { message } = await ask(SHOIGU, user);
    await clickFollowUp(message, user);
    cacheThread(client, message.id);
    (client as any).actions.ThreadDelete.handle({ id: message.id, guild_id: GUILD_ID, parent_id: CHANNEL_ID, type: 11 });
    expect(ctx.conversations.find(message.id)).toBeUndefined();
    const sent = await clickFollowUp(message, user);
    expect(sent.some((r) => r.method === 'POST' && r.path === `/channels/${CHANNEL_ID}/messages/${message.id}/threads`)).toBe(true);
    expect(lastEdit(sent).body.content).toBe(`I opened a thread for your follow-ups: <#${message.id}>.`);
  });

  it('reads "what about X?" as the earlier question about X', async () => {
    const user = newUser();
    const thread = await openThread('What did Putin say about Kim?', user);
    const reply = messagesPosted((await post('What about Shoigu?', { channelId: thread, userId: user })).sent, thread)[0]!;
    expect(reply.body.content).toBe('Following up on: “What did Putin say about Kim?”');
    expect(reply.body.embeds[0].title).toBe('What about Shoigu?');
    // Shoigu's own words are among the quotes: the question was read as "What did Shoigu say about Kim?".
    expect(JSON.stringify(reply.body.embeds[0].fields)).toMatch(/old Russian saying/);
  });
});

describe('private answers', () => {
  it('get no Follow up, and a Follow up forged for one opens nothing', async () => {
    const user = newUser();
    const { message, body } = await ask(SHOIGU, user, { private: true });
    expect(followUpButton(body)).toBeUndefined();
    // A click carrying the private answer's session (its vote button holds it) on a forged Follow up.
    const session = buttonsOf(body).map((b) => decode(b.custom_id)).find((id) => id?.kind === 'vote') as { session: string };
    const conversations = ctx.conversations.size;
    const before = mark();
    await run({ ...buttonClick(encode({ kind: 'followUp', session: session.session }), message, user), app_permissions: THREAD_PERMISSIONS });
    const sent = since(before);
    expect(callbackOf(sent).body.data).toMatchObject({ content: PRIVATE_FOLLOW_UP, flags: EPHEMERAL });
    expect(sent.some((r) => r.path.includes('/threads'))).toBe(false);
    expect(ctx.conversations.size).toBe(conversations);
  });
});

describe('a reply chain where a thread cannot be opened', () => {
  it('says so politely when the bot may not open threads, and answers replies to the answer', async () => {
    const user = newUser();
    const { message } = await ask(SHOIGU, user);
    const sent = await clickFollowUp(message, user, REPLY_PERMISSIONS);
    expect(sent.some((r) => r.path.includes('/threads'))).toBe(false);
    expect(lastEdit(sent).body.content).toMatch(/^I don't have permission to open threads here, so let's continue in replies/);
    // Without the Message Content intent the bot reads a reply that keeps its mention; nothing says to write a plain message.
    expect(lastEdit(sent).body.content).toMatch(/Reply to my answer with your follow-up, then to my next answer, with the reply's mention of <@\d+> left on/);
    expect(lastEdit(sent).body.content).not.toMatch(/as a message here|Mention/);

    const { raw, sent: answered } = await post(WHAT_DID_HE_SAY, { replyTo: message.id, userId: user });
    const reply = messagesPosted(answered, CHANNEL_ID)[0]!;
    expect(reply.body.message_reference).toMatchObject({ message_id: raw.id });
    expect(reply.body.content).toBe(`Following up on: “${SHOIGU}”`);
    expect(reply.body.embeds[0].fields[0].value).toMatch(/Shoigu/);

    // A reply to that answer continues the chain; a reply to any other message is not ours.
    const again = await post('When did he visit?', { replyTo: reply.response.id, userId: user });
    expect(messagesPosted(again.sent, CHANNEL_ID)).toHaveLength(1);
    expect((await post('When did he visit?', { replyTo: '900000000000999999', userId: user })).sent).toEqual([]);

    // Replies to the first answer, the one whose Follow up button says to reply to it, are followed however long the
    // chain grows (past the turns the conversation keeps); the button says so again.
    for (let i = 0; i < 6; i++) {
      clock += 21_000; // within the rate limit (5 questions a minute) and the conversation's quiet spell
      const { sent: chained } = await post(`What did he say about visit number ${i + 2}?`, { replyTo: message.id, userId: user });
      expect(messagesPosted(chained, CHANNEL_ID).map((m) => m.body.content)).toEqual([expect.stringMatching(/^Following up on: /)]);
    }
    const told = await clickFollowUp(message, user, REPLY_PERMISSIONS);
    expect(callbackOf(told).body.data.content).toMatch(/^Reply to my answer with your follow-up/);
  });

  it('offers no follow-ups where the bot may neither open threads nor see and post in the channel', async () => {
    const user = newUser();
    const { message } = await ask(SHOIGU, user);
    for (const permissions of ['0', String(PermissionFlagsBits.ViewChannel)]) {
      const sent = await clickFollowUp(message, user, permissions);
      expect(lastEdit(sent).body.content).toMatch(/^Follow-ups are not possible in this channel: I would need the (View Channel, )?Embed Links and Read Message History permissions here to answer them\./);
    }
    const noSend = String(PermissionFlagsBits.ViewChannel | PermissionFlagsBits.ReadMessageHistory | PermissionFlagsBits.EmbedLinks);
    expect(lastEdit(await clickFollowUp(message, user, noSend)).body.content).toMatch(
      /^I don't have permission to open threads here, and I may not send messages in this channel either, so follow-ups are not possible here\./,
    );
    expect((await post(WHAT_DID_HE_SAY, { replyTo: message.id, userId: user })).sent).toEqual([]);
  });

  it("opens no thread for a member who may not open one there: replies if they may post, else no follow-ups", async () => {
    const user = newUser();
    const { message } = await ask(SHOIGU, user);
    const clickAs = async (permissions: bigint) => {
      const button = followUpButton(message);
      const click = { ...buttonClick(button.custom_id, message, newUser()), app_permissions: THREAD_PERMISSIONS };
      click.member.permissions = String(permissions);
      const before = mark();
      await run(click);
      return since(before);
    };
    const reader = PermissionFlagsBits.ViewChannel | PermissionFlagsBits.ReadMessageHistory | PermissionFlagsBits.UseApplicationCommands;
    // A read-only channel for members (news): they can neither open a thread nor reply.
    const readOnly = await clickAs(reader);
    expect(readOnly.some((r) => r.path.includes('/threads'))).toBe(false);
    expect(lastEdit(readOnly).body.content).toBe(
      "You don't have permission to open threads here, and you may not send messages in this channel, so follow-ups are not possible here. Ask again with `/ask` where you can post.",
    );
    expect(ctx.conversations.find(message.id)).toBeUndefined();
    // One who may post but not open threads continues in replies.
    const poster = await clickAs(reader | PermissionFlagsBits.SendMessages);
    expect(poster.some((r) => r.path.includes('/threads'))).toBe(false);
    expect(lastEdit(poster).body.content).toMatch(/^You don't have permission to open threads here, so let's continue in replies\./);
  });

  it('tells a follow-up in one line when Embed Links was taken away after the conversation opened', async () => {
    const user = newUser();
    const { message } = await ask(SHOIGU, user);
    await clickFollowUp(message, user, REPLY_PERMISSIONS);
    const guild = client.guilds.cache.get(GUILD_ID)!;
    const everyone = (permissions: bigint) =>
      (guild.roles as unknown as { _add(data: unknown): unknown })._add({ id: GUILD_ID, name: '@everyone', color: 0, hoist: false, position: 0, permissions: String(permissions), managed: false, mentionable: false });
    // As the gateway caches them: the bot's member, and @everyone without Embed Links (a role update since).
    (guild.members as unknown as { _add(data: unknown): unknown })._add({ user: { id: APP_ID, username: 'coverage-bot', discriminator: '0000', bot: true }, roles: [], joined_at: new Date().toISOString() });
    everyone(BigInt(REPLY_PERMISSIONS) & ~PermissionFlagsBits.EmbedLinks);
    try {
      const { sent } = await post(WHAT_DID_HE_SAY, { replyTo: message.id, userId: user });
      const told = messagesPosted(sent, CHANNEL_ID);
      expect(told.map((r) => [r.body.content, r.body.embeds ?? []])).toEqual([[NO_EMBED_LINKS, []]]);
      expect(logger.lines.some((l) => l.message === 'A follow-up could not be answered: the bot lacks Embed Links there')).toBe(true);
    } finally {
      everyone(BigInt(THREAD_PERMISSIONS));
    }
    expect(messagesPosted((await post(WHAT_DID_HE_SAY, { replyTo: message.id, userId: user })).sent, CHANNEL_ID)[0]!.body.embeds).toHaveLength(1);
  });

  it('opens no thread whose follow-ups it could not answer: every answer is a reply (Read Message History) with an embed (Embed Links)', async () => {
    const user = newUser();
    const { message } = await ask(SHOIGU, user);
    for (const [lacking, name] of [[PermissionFlagsBits.ReadMessageHistory, 'Read Message History'], [PermissionFlagsBits.EmbedLinks, 'Embed Links']] as const) {
      const sent = await clickFollowUp(message, user, String(BigInt(THREAD_PERMISSIONS) & ~lacking));
      expect(sent.some((r) => r.path.includes('/threads'))).toBe(false);
      expect(lastEdit(sent).body.content).toBe(`Follow-ups are not possible in this channel: I would need the ${name} permission here to answer them. Ask again with \`/ask\`, or ask a server admin to grant it.`);
    }
    expect((await post(WHAT_DID_HE_SAY, { replyTo: message.id, userId: user })).sent).toEqual([]);
  });

  it('continues in replies under an answer given inside a thread (no thread in a thread), and in direct messages', async () => {
    const user = newUser();
    const threadId = '300000000000000077';
    cacheThread(client, threadId);
    const { message } = await ask(SHOIGU, user);
    const inThread = { ...message, channel_id: threadId };
    const click = { ...buttonClick(followUpButton(message).custom_id, inThread, user), app_permissions: THREAD_PERMISSIONS, channel_id: threadId, channel: { id: threadId, type: 11, guild_id: GUILD_ID, parent_id: CHANNEL_ID } };
    // A forum or a thread where the bot may reply but not post in the channel itself (no Send Messages).
    const inThreadOnly = String(PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessagesInThreads | PermissionFlagsBits.ReadMessageHistory | PermissionFlagsBits.EmbedLinks);
    const sent = await run({ ...click, app_permissions: inThreadOnly });
    expect(sent.some((r) => r.path.includes('/threads'))).toBe(false);
    expect(lastEdit(sent).body.content).toMatch(/^Threads cannot be opened in this kind of channel, so let's continue in replies/);
    // In that thread, a reply to the answer is a follow-up; other messages there are not.
    const answered = await post(WHAT_DID_HE_SAY, { channelId: threadId, replyTo: message.id, userId: user });
    expect(messagesPosted(answered.sent, threadId)[0]!.body.content).toBe(`Following up on: “${SHOIGU}”`);
    expect((await post(WHAT_DID_HE_SAY, { channelId: threadId, userId: user })).sent).toEqual([]);

    // A direct message with the bot: no guild, no member, a DM channel.
    const { message: dmAnswer } = await ask(KIM, user);
    const { guild_id: _guild, member, ...dm } = buttonClick(followUpButton(dmAnswer).custom_id, dmAnswer, user) as any;
    const dmSent = await run({ ...dm, user: member.user, context: 1, channel: { id: '300000000000000055', type: 1 }, channel_id: '300000000000000055' });
    expect(lastEdit(dmSent).body.content).toMatch(/^Threads cannot be opened in direct messages, so let's continue in replies/);
    // Discord sends a direct message's text without the Message Content intent: no need to mention the bot there.
    expect(ctx.config.discord.messageContent).toBe(false);
    expect(lastEdit(dmSent).body.content).toMatch(/Reply to my answer with your follow-up, then to my next answer, and I will read it/);
    expect(lastEdit(dmSent).body.content).not.toMatch(/Mention|mention|as a message here/);
  });

  it("reads a reply to an answer with its own conversation, inside a follow-up thread, as that answer's follow-up", async () => {
    const user = newUser();
    const thread = await openThread(KIM, user);
    // An answer asked inside the thread, its Follow up pressed there: a conversation in replies to it.
    const { message } = await ask(SHOIGU, user);
    const inThread = { ...message, channel_id: thread };
    const click = { ...buttonClick(followUpButton(message).custom_id, inThread, user), app_permissions: THREAD_PERMISSIONS, channel_id: thread, channel: { id: thread, type: 11, guild_id: GUILD_ID, parent_id: CHANNEL_ID } };
    expect(lastEdit(await run(click)).body.content).toMatch(/so let's continue in replies/);
    const replied = await post(WHAT_DID_HE_SAY, { channelId: thread, replyTo: message.id, userId: user });
    expect(messagesPosted(replied.sent, thread)[0]!.body.content).toBe(`Following up on: “${SHOIGU}”`);
    // Any other message in the thread is the thread's follow-up.
    const plain = await post(WHAT_DID_HE_SAY, { channelId: thread, userId: user });
    expect(messagesPosted(plain.sent, thread)[0]!.body.content).toBe(`Following up on: “${KIM}”`);
  });

  it('falls back to replies when Discord refuses the thread (Missing Permissions), and logs it', async () => {
    const user = newUser();
    const { message } = await ask(KIM, user);
    api.failures.push({ method: 'POST', path: /\/threads$/, error: MISSING_PERMISSIONS });
    try {
      const sent = await clickFollowUp(message, user);
      expect(lastEdit(sent).body.content).toMatch(/^I couldn't open a thread here \(missing permission\), so let's continue in replies/);
    } finally {
      api.failures = [];
    }
    expect(logger.lines.some((l) => l.message === 'Discord refused a follow-up thread; using replies' && l.meta?.code === 50013)).toBe(true);
  });
});

describe('bad input in a conversation', () => {
  it('tells once how to ask when a message has no text (an image, a bare mention), again when they mention the bot', async () => {
    const user = newUser();
    const thread = await openThread(SHOIGU, user);
    const image = messagesPosted((await post('', { channelId: thread, userId: user, attachments: 1 })).sent, thread);
    expect(image).toHaveLength(1);
    expect(image[0]!.body.content).toMatch(/couldn't find a question in words.*Mention <@\d+>/);
    expect(logger.lines.some((l) => l.message === 'Follow-up without readable text' && l.meta?.attachments === 1)).toBe(true);
    // Every message reads as empty without the Message Content intent: the hint is not repeated.
    expect((await post('', { channelId: thread, userId: user })).sent).toEqual([]);
    const botId = APP_ID;
    const mention = messagesPosted((await post(`<@${botId}>`, { channelId: thread, userId: user, mentions: [botId] })).sent, thread);
    expect(mention).toHaveLength(1);
  });

  it('lets a thanks or an "ok cool" pass without a reply, a search or a question of the rate limit', async () => {
    const user = newUser();
    const thread = await openThread(SHOIGU, user);
    for (let i = 0; i < ctx.askLimiter.limit; i++) expect((await post(i % 2 ? 'ok cool' : 'thanks!!', { channelId: thread, userId: user })).sent).toEqual([]);
    const [reply] = messagesPosted((await post(WHAT_DID_HE_SAY, { channelId: thread, userId: user })).sent, thread);
    expect(reply!.body.content).toBe(`Following up on: “${SHOIGU}”`);
  });

  it("logs a thread's question under the thread's channel, whose permissions apply (a report shows it to who may view that)", async () => {
    const user = newUser();
    const thread = await openThread(SHOIGU, user);
    await post(WHAT_DID_HE_SAY, { channelId: thread, userId: user });
    const lines = (await readFile(ctx.config.discord.questionLog, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.at(-1)).toMatchObject({ via: 'follow-up', channelId: CHANNEL_ID, question: WHAT_DID_HE_SAY });
  });

  it('applies the asker\'s rate limit to follow-ups', async () => {
    const user = newUser();
    const thread = await openThread(SHOIGU, user); // one question of the allowance
    const replies: string[] = [];
    for (let i = 0; i < ctx.askLimiter.limit; i++) {
      const [reply] = messagesPosted((await post(WHAT_DID_HE_SAY, { channelId: thread, userId: user })).sent, thread);
      replies.push(reply!.body.content);
    }
    expect(replies.slice(0, -1).every((c) => c.startsWith('Following up on'))).toBe(true);
    expect(replies.at(-1)).toMatch(/faster than I can keep up/);
    // Said once while the limit lasts.
    expect(messagesPosted((await post(WHAT_DID_HE_SAY, { channelId: thread, userId: user })).sent, thread)).toEqual([]);
  });

  it('counts no refused (too long) follow-up against the asker\'s rate limit', async () => {
    const user = newUser();
    const thread = await openThread(SHOIGU, newUser());
    const long = 'Why '.repeat(1000);
    for (let i = 0; i < ctx.askLimiter.limit; i++) await post(long, { channelId: thread, userId: user });
    const [reply] = messagesPosted((await post(WHAT_DID_HE_SAY, { channelId: thread, userId: user })).sent, thread);
    expect(reply!.body.content).toBe(`Following up on: “${SHOIGU}”`);
  });

  it('refuses a 4,000-character follow-up politely, without logging it', async () => {
    const user = newUser();
    const thread = await openThread(SHOIGU, user);
    const long = `${'What did the defence minister say about the long journey and '.repeat(70)}?`.slice(0, 4000);
    const sent = messagesPosted((await post(long, { channelId: thread, userId: user })).sent, thread);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body.content).toMatch(/please keep it to \d+ at most/);
    expect(sent[0]!.body.embeds ?? []).toEqual([]);
    expectNoTextLogged(long.slice(0, 60));
  });

  it('logs a thread deleted mid-answer and ends its conversation, never crashing', async () => {
    const user = newUser();
    const thread = await openThread(SHOIGU, user);
    // The thread is still there while the bot types; it is gone when the answer is posted.
    api.failures.push({ method: 'POST', path: new RegExp(`^/channels/${thread}/messages$`), error: UNKNOWN_CHANNEL });
    try {
      await post(WHAT_DID_HE_SAY, { channelId: thread, userId: user });
    } finally {
      api.failures = [];
    }
    const line = logger.lines.find((l) => l.message === 'A follow-up could not be answered: its channel or message is gone');
    expect(line?.meta).toMatchObject({ channelId: thread, code: 10003 });
    expect(logger.lines.some((l) => l.message === 'Message handler failed')).toBe(false);
    expect(ctx.conversations.find(thread)).toBeUndefined();
    expectNoTextLogged(WHAT_DID_HE_SAY);
  });

  it('logs a thread where the bot lost its permissions (Missing Access), never crashing', async () => {
    const user = newUser();
    const thread = await openThread(KIM, user);
    api.failures.push({ method: 'POST', path: new RegExp(`^/channels/${thread}/`), error: { status: 403, code: 50001, message: 'Missing Access' } });
    try {
      await post(WHAT_DID_HE_SAY, { channelId: thread, userId: user });
    } finally {
      api.failures = [];
    }
    expect(logger.lines.find((l) => l.message === 'A follow-up could not be answered: missing permissions')?.meta).toMatchObject({ channelId: thread, code: 50001 });
    expect(logger.lines.some((l) => l.message === 'Message handler failed')).toBe(false);
    // Still a live conversation: the permission may come back.
    expect(ctx.conversations.find(thread)).toBeDefined();
  });
});

describe('"Ask the coverage" on a message', () => {
  function memberMessage(content: string, extra: Record<string, any> = {}) {
    return { ...gatewayMessage(content), ...extra };
  }

  it('answers the message text publicly, deferred first, under a link to the message, with Follow up', async () => {
    const target = memberMessage(`  <@100000000000000001> ${SHOIGU}  `);
    const sent = await run(messageMenu('Ask the coverage', target, newUser()));
    // A public deferral (no ephemeral flag), before the model.
    expect(callbackOf(sent).body).toMatchObject({ type: 5 });
    expect(callbackOf(sent).body.data?.flags ?? 0).toBe(0);
    const edit = lastEdit(sent);
    expectValidMessage(edit.body);
    expect(edit.body.content).toBe(`↪️ Asked about https://discord.com/channels/${GUILD_ID}/${CHANNEL_ID}/${target.id}`);
    expect(edit.body.embeds[0].title).toBe(SHOIGU);
    expect(edit.body.embeds[0].fields[0].value).toMatch(/Shoigu visited North Korea in July/);
    expect(followUpButton(edit.body)).toBeDefined();
  });

  it('answers a message with no text (only an image or a mention) with a polite private line', async () => {
    for (const target of [memberMessage('', { attachments: gatewayMessage('', { attachments: 1 }).attachments }), memberMessage('<@700000000000000005>'), memberMessage('👍 <:pepe:123456789012345678> ?!')]) {
      const sent = await run(messageMenu('Ask the coverage', target, newUser()));
      expect(sent.filter((r) => !r.path.endsWith('/callback'))).toEqual([]);
      expect(callbackOf(sent).body).toMatchObject({ type: 4, data: { content: NO_TEXT, flags: EPHEMERAL } });
    }
    expect(logger.lines.some((l) => l.message === 'Context-menu question without text')).toBe(true);
  });

  it('answers the text a forwarded message shows (its own text is empty)', async () => {
    const target = memberMessage('', {
      message_reference: { type: 1, message_id: '880000000000000001', channel_id: '300000000000000777', guild_id: GUILD_ID },
      message_snapshots: [{ message: { type: 0, content: SHOIGU, embeds: [], attachments: [], timestamp: new Date().toISOString(), edited_timestamp: null, flags: 0, mentions: [], mention_roles: [] } }],
    });
    const edit = lastEdit(await run(messageMenu('Ask the coverage', target, newUser())));
    expect(edit.body.embeds[0].title).toBe(SHOIGU);
    expect(edit.body.embeds[0].fields[0].value).toMatch(/Shoigu visited North Korea in July/);
    // One of its own answers forwarded shows the answer's intro line: its words, not a question.
    const { message } = await ask(SHOIGU, newUser());
    const answerForwarded = memberMessage('', {
      message_reference: { type: 1, message_id: message.id, channel_id: CHANNEL_ID, guild_id: GUILD_ID },
      message_snapshots: [{ message: { type: 0, content: message.content || `↪️ Asked about https://discord.com/channels/${GUILD_ID}/${CHANNEL_ID}/1`, embeds: message.embeds ?? [], attachments: [], timestamp: new Date().toISOString(), edited_timestamp: null, flags: 0, mentions: [], mention_roles: [] } }],
    });
    const sent = await run(messageMenu('Ask the coverage', answerForwarded, newUser()));
    expect(sent).toHaveLength(1);
    expect(callbackOf(sent).body).toMatchObject({ type: 4, data: { content: OWN_MESSAGE, flags: EPHEMERAL } });
  });

  it("answers a question of its own answer's words with a private line, not with its intro read as the question", async () => {
    const { message } = await ask(SHOIGU, newUser());
    const sent = await run(messageMenu('Ask the coverage', message, newUser()));
    expect(sent).toHaveLength(1);
    expect(callbackOf(sent).body).toMatchObject({ type: 4, data: { content: OWN_MESSAGE, flags: EPHEMERAL } });
  });

  it('refuses a 4,000-character message politely and privately, without deferring', async () => {
    const text = 'Why '.repeat(1000);
    const sent = await run(messageMenu('Ask the coverage', memberMessage(text), newUser()));
    expect(sent).toHaveLength(1);
    expect(callbackOf(sent).body).toMatchObject({ type: 4, data: { flags: EPHEMERAL } });
    expect(callbackOf(sent).body.data.content).toMatch(/please keep it to \d+ at most/);
    expectNoTextLogged(text.slice(0, 40));
  });
});

describe('an index swap during a conversation', () => {
  const SHOIGU_SPEECH: Article = {
    id: 'shoigu-speaks-in-pyongyang',
    title: 'Shoigu speaks in Pyongyang',
    outlet: 'The Test Gazette',
    text: 'Sergei Shoigu said the friendship between Moscow and Pyongyang would grow stronger every year. Sergei Shoigu said this in a speech to North Korean officers in Pyongyang.',
    captions: [],
    source: 'test/shoigu.md',
  };

  it('keeps the conversation, drops the cited articles that left the index, and answers from the new one', async () => {
    const user = newUser();
    const thread = await openThread(SHOIGU, user);
    const cited = ctx.conversations.find(thread)!.turns[0]!.articleIds;
    expect(cited.length).toBeGreaterThan(0);
    // Every article the first answer cited leaves the coverage; a new one about Shoigu comes in.
    await index.rebuild([SHOIGU_SPEECH], cited);
    expect(await index.pipeline.reload()).toBe(true);
    for (const id of cited) expect(index.pipeline.index.articles.has(id)).toBe(false);

    const reply = messagesPosted((await post(WHAT_DID_HE_SAY, { channelId: thread, userId: user })).sent, thread)[0]!;
    expect(reply.body.content).toBe(`Following up on: “${SHOIGU}”`);
    expect(reply.body.embeds[0].fields[0].value).toMatch(/Sergei Shoigu said/);
    const turns = ctx.conversations.find(thread)!.turns;
    expect(turns).toHaveLength(2);
    for (const id of turns.flatMap((t) => t.articleIds)) expect(index.pipeline.index.articles.has(id)).toBe(true);
    expect(logger.lines.some((l) => l.level === 'error')).toBe(false);
  });
});
