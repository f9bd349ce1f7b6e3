/**
 * Follow-ups in a thread, end to end through discord.js against the fake API, with the real model and an index
 * holding the shipped (undated) corpus plus three dated articles about Kim: the period a follow-up searches (its
 * own, or the conversation's), the /ask options it keeps, thanks with emoji, and "and X?" about the corpus's people.
 */
import { ClientUser, PermissionFlagsBits, type Client } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../commands/index.js';
import { channelModes } from '../src/bot/channel-modes.js';
import { createContext, type BotContext } from '../src/bot/context.js';
import { decode } from '../src/bot/custom-ids.js';
import { followUps } from '../src/bot/follow-up-messages.js';
import { Router } from '../src/bot/router.js';
import type { Article } from '../src/corpus/types.js';
import {
  APP_ID,
  asMessage,
  buildTestIndex,
  buttonClick,
  cacheGuildChannel,
  CHANNEL_ID,
  chatInput,
  deliverMessage,
  FakeDiscord,
  fakeClient,
  gatewayMessage,
  memoryLogger,
  runInteraction,
  type RecordedRequest,
  type TestIndex,
} from './bot-helpers.js';

const DAY = 86_400_000;
const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);
/** A Wednesday of last (Monday-to-Sunday) week, as time-phrases.ts reads "last week". */
const today = Math.floor(Date.now() / DAY) * DAY;
const monday = today - ((new Date(today).getUTCDay() + 6) % 7) * DAY;
const lastWeek = { since: isoDay(monday - 7 * DAY), until: isoDay(monday - DAY), day: isoDay(monday - 5 * DAY) };

const article = (id: string, published: string, title: string, text: string): Article => ({
  id, title, outlet: 'Test Wire', author: 'A. Tester', url: `https://example.com/${id}`, published, text, captions: [], source: `test/${id}.md`,
});
const DATED: Article[] = [
  article('kim-parade-2022', '2022-04-26', 'Kim Jong Un vows to expand nuclear arsenal at Pyongyang parade',
    'Kim Jong Un said on Monday that North Korea would expand its nuclear arsenal at the fastest possible speed, speaking at a military parade in Pyongyang.\n\nThe North Korean leader said the nuclear forces must be ready to fulfil their responsibility at any time.'),
  article('kim-vostochny-2023', '2023-09-13', 'Kim Jong Un pledges full support for Russia at Vostochny',
    'Kim Jong Un said on Wednesday that North Korea would give its full and unconditional support to Russia, speaking at the Vostochny cosmodrome after talks with Vladimir Putin.\n\nThe North Korean leader said relations with Moscow were the top priority of his country.'),
  article('kim-satellite-recent', lastWeek.day, 'Kim Jong Un says a new satellite launch is coming',
    'Kim Jong Un said on Wednesday that North Korea would launch a new military reconnaissance satellite within weeks.\n\nThe North Korean leader said the satellite programme was his top priority this year.'),
];

const THREAD_PERMISSIONS = String(
  PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.CreatePublicThreads | PermissionFlagsBits.SendMessagesInThreads | PermissionFlagsBits.ReadMessageHistory | PermissionFlagsBits.EmbedLinks,
);

let index: TestIndex;
let api: FakeDiscord;
let client: Client;
let ctx: BotContext;
let router: Router;
const clock = Date.now();
let userSeq = 0;
const newUser = () => String(730000000000000000n + BigInt(++userSeq));
/** What the pipeline was asked to search, in order (a follow-up's query, as resolved). */
const searched: { question: string; period?: unknown }[] = [];

beforeAll(async () => {
  index = await buildTestIndex(DATED);
  api = new FakeDiscord();
  const apiUrl = await api.start();
  client = fakeClient(apiUrl);
  ctx = createContext(index.pipeline, index.config, { now: () => clock, logger: memoryLogger() });
  router = new Router(commands, ctx, [followUps, channelModes]);
  router.attach(client);
  cacheGuildChannel(client);
  // @ts-expect-error internal constructor, as tests/bot-follow-ups.test.ts does
  client.user = new ClientUser(client, { id: APP_ID, username: 'coverage-bot', discriminator: '0', avatar: null, global_name: null, bot: true });
  const ask = ctx.pipeline.ask.bind(ctx.pipeline);
  ctx.pipeline.ask = async (question, options) => {
    searched.push({ question, period: options?.period });
    return ask(question, options);
  };
}, 180_000);

afterAll(async () => {
  await client?.destroy();
  await api?.stop();
  await index?.cleanup();
});

const mark = () => api.requests.at(-1)?.seq ?? 0;
const since = (m: number) => api.requests.filter((r) => r.seq > m);

async function askAndOpenThread(question: string, user: string, extra: Record<string, string> = {}): Promise<{ thread: string; body: any }> {
  const sent = await runInteraction(api, router, client, chatInput('ask', { question, ...extra }, user));
  const edit = sent.filter((r) => r.method === 'PATCH' && r.path.endsWith('/messages/@original')).at(-1)!;
  const message = asMessage(edit);
  const button = edit.body.components.flatMap((row: any) => row.components).find((c: any) => decode(c.custom_id)?.kind === 'followUp');
  await runInteraction(api, router, client, { ...buttonClick(button.custom_id, message, user), app_permissions: THREAD_PERMISSIONS });
  expect(ctx.conversations.find(message.id)).toBeDefined();
  return { thread: message.id, body: edit.body };
}

async function followUp(content: string, thread: string, user: string): Promise<any> {
  const before = mark();
  deliverMessage(client, gatewayMessage(content, { channelId: thread, userId: user }));
  await router.idle();
  const posted: RecordedRequest[] = since(before).filter((r) => r.method === 'POST' && r.path === `/channels/${thread}/messages`);
  expect(posted).toHaveLength(1);
  return posted[0]!.body;
}

/** The period line an answer embed shows: its footer, or a not-found description's last line. */
const periodShown = (body: any): string => {
  const embed = body.embeds[0];
  return `${embed.footer?.text ?? ''} ${embed.description ?? ''}`;
};
const SEPTEMBER_2023 = 'from 2023-09-01 until 2023-09-30';
const YEAR_2022 = 'from 2022-01-01 until 2022-12-31';

describe('a follow-up with its own period', () => {
  it('"And in 2022?" after "What did Kim Jong Un say in September 2023?" searches 2022', async () => {
    const user = newUser();
    const { thread, body } = await askAndOpenThread('What did Kim Jong Un say in September 2023?', user);
    expect(periodShown(body)).toContain(SEPTEMBER_2023);
    const reply = await followUp('And in 2022?', thread, user);
    expect(periodShown(reply)).toContain(YEAR_2022);
    expect(JSON.stringify(reply.embeds[0].fields ?? [])).toMatch(/nuclear arsenal/);
  });

  it('"what about last week?" after "What did Kim Jong Un say in September 2023?" searches last week', async () => {
    const user = newUser();
    const { thread } = await askAndOpenThread('What did Kim Jong Un say in September 2023?', user);
    const reply = await followUp('what about last week?', thread, user);
    expect(periodShown(reply)).toContain(`from ${lastWeek.since} until ${lastWeek.until}`);
  });
});

describe('a follow-up naming a date of its own leaves the conversation\'s period', () => {
  it('"and 2022?" searches 2022, and "… the March 2022 parade?" no longer September 2023', async () => {
    const user = newUser();
    const { thread } = await askAndOpenThread('What did Kim Jong Un say in September 2023?', user);
    const year = await followUp('and 2022?', thread, user);
    expect(periodShown(year)).toContain(YEAR_2022);
    const named = await followUp('What did he say at the April 2022 parade?', thread, user);
    expect(periodShown(named)).not.toContain(SEPTEMBER_2023);
    expect(searched.at(-1)!.period).toBeUndefined();
  });
});

describe('a follow-up without a period of its own keeps the conversation\'s', () => {
  it('a pronoun follow-up ("What else did he say?") after a question with a time phrase', async () => {
    const user = newUser();
    const { thread } = await askAndOpenThread('What did Kim Jong Un say in September 2023?', user);
    const reply = await followUp('What else did he say?', thread, user);
    expect(periodShown(reply)).toContain(SEPTEMBER_2023);
    expect(searched.at(-1)!.question).not.toMatch(/\(.*September\)$/);
  });

  it('after /ask with the since and until options, any follow-up', async () => {
    const user = newUser();
    const { thread, body } = await askAndOpenThread('What did Kim Jong Un say?', user, { since: '2023-09', until: '2023-09' });
    expect(periodShown(body)).toContain(SEPTEMBER_2023);
    const reply = await followUp('What else did he say?', thread, user);
    expect(periodShown(reply)).toContain(SEPTEMBER_2023);
    expect(searched.at(-1)!.period).toBeDefined();
  });

  it('"and Putin?" after a misspelt question with a time phrase', async () => {
    const user = newUser();
    const { thread, body } = await askAndOpenThread('What did Kim Jong Un promse in September 2023?', user);
    expect(periodShown(body)).toContain(SEPTEMBER_2023);
    const reply = await followUp('and Putin?', thread, user);
    expect(periodShown(reply)).toContain(SEPTEMBER_2023);
  });
});

describe('a follow-up that is only thanks', () => {
  it.each(['thanks 👍', 'thank you 🙏', 'thanks :)'])('%j gets no answer (as "thanks!" gets none)', async (text) => {
    const user = newUser();
    const { thread } = await askAndOpenThread('What did Kim Jong Un say in September 2023?', user);
    const before = mark();
    const n = searched.length;
    deliverMessage(client, gatewayMessage(text, { channelId: thread, userId: user }));
    await router.idle();
    expect(since(before).filter((r) => r.method === 'POST' && r.path === `/channels/${thread}/messages`).map((r) => r.body.embeds?.[0]?.title)).toEqual([]);
    expect(searched.slice(n).map((s) => s.question)).toEqual([]);
  });
});

describe('elliptical follow-ups about the corpus\'s own people', () => {
  it('"and Putin?" after "Who is Prigozhin?" asks who Putin is', async () => {
    const user = newUser();
    const { thread } = await askAndOpenThread('Who is Prigozhin?', user);
    await followUp('and Putin?', thread, user);
    expect(searched.at(-1)!.question).toBe('Who is Putin?');
  });

  it('"and Shoigu?" after "What did Kim Jong-un say about Putin?" replaces Kim Jong-un whole', async () => {
    const user = newUser();
    const { thread } = await askAndOpenThread('What did Kim Jong-un say about Putin?', user);
    await followUp('and Shoigu?', thread, user);
    expect(searched.at(-1)!.question).toBe('What did Shoigu say about Putin?');
  });

  it('"Thanks! What about Putin?" is read like "What about Putin?"', async () => {
    const user = newUser();
    const { thread } = await askAndOpenThread('What did Kim say about the talks?', user);
    const reply = await followUp('Thanks! What about Putin?', thread, user);
    expect(reply.content).toMatch(/^Following up on:/);
    expect(searched.at(-1)!.question).toMatch(/Putin say about the talks/);
  });

  it('"What did Putin say about him?" after "Who is Yevgeny Prigozhin?" is about Prigozhin', async () => {
    const user = newUser();
    const { thread } = await askAndOpenThread('Who is Yevgeny Prigozhin?', user);
    const reply = await followUp('What did Putin say about him?', thread, user);
    expect(reply.content).toMatch(/^Following up on:/);
    expect(searched.at(-1)!.question).toMatch(/Prigozhin/);
  });
});

describe('/ask options in the conversation', () => {
  it('a follow-up quotes as many passages as the /ask it follows asked for (passages:1)', async () => {
    const user = newUser();
    const sent = await runInteraction(api, router, client, chatInput('ask', { question: 'How did Kim Jong Un travel to Russia?', passages: 1 }, user));
    const edit = sent.filter((r) => r.method === 'PATCH' && r.path.endsWith('/messages/@original')).at(-1)!;
    expect(edit.body.embeds[0].fields).toHaveLength(1);
    const message = asMessage(edit);
    const button = edit.body.components.flatMap((row: any) => row.components).find((c: any) => decode(c.custom_id)?.kind === 'followUp');
    await runInteraction(api, router, client, { ...buttonClick(button.custom_id, message, user), app_permissions: THREAD_PERMISSIONS });
    const reply = await followUp('How long did that take him?', message.id, user);
    expect(reply.embeds[0].fields).toHaveLength(1);
  });
});
