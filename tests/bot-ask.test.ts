/**
 * /ask end to end through discord.js's own interaction objects and REST layer, against a fake Discord API,
 * with the real model and a real index built in a temporary folder.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rmdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InteractionResponseType, type Client } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { commands } from '../commands/index.js';
import { VOTE_NOT_SAVED } from '../commands/ask.js';
import { createContext, type BotContext } from '../src/bot/context.js';
import { COLORS, embedProblems, embedTotal, LIMITS } from '../src/bot/format/index.js';
import { hashUserId, saltFileFor } from '../src/bot/feedback.js';
import { Router, SHUTTING_DOWN } from '../src/bot/router.js';
import { UNKNOWN_COMPONENT } from '../src/bot/replies.js';
import { SOMETHING_WENT_WRONG } from '../src/bot/replies.js';
import type { Pipeline } from '../src/pipeline.js';
import type { Article } from '../src/corpus/types.js';
import {
  asMessage,
  chatInput,
  deliver,
  embedsOf,
  EPHEMERAL,
  FAKE_BOT_TOKEN,
  FakeDiscord,
  fakeClient,
  GUILD_ID,
  instrumentModel,
  longArticle,
  memoryLogger,
  UNKNOWN_CHANNEL,
  messageBody,
  selectPick,
  buttonClick,
  timeline,
  type RecordedRequest,
  type TestIndex,
  callbackOf,
  runInteraction,
  buildTestIndex,
  startBot,
  stopBot,
  type RunningBot,
} from './bot-helpers.js';
import { tempDir } from './helpers.js';

let index: TestIndex;
let api: FakeDiscord;
let client: Client;
let clock = Date.now();
const logger = memoryLogger();
let ctx: BotContext;
let router: Router;
let userSeq = 0;
/** A fresh member per test, so the per-member rate limit never leaks between tests. */
const newUser = () => String(710000000000000000n + BigInt(++userSeq));

const LONG = longArticle();

let bot: RunningBot | undefined;
beforeAll(async () => {
  bot = await startBot({ now: () => clock, logger });
  ({ index, api, client, ctx, router } = bot);
  instrumentModel(index.pipeline);
}, 120_000);

afterAll(() => stopBot(bot));

/** Delivers one interaction and waits until the bot has finished with it. */
const run = (raw: any, r: Router = router, c: Client = client) => runInteraction(api, r, c, raw);

function originalEdit(requests: RecordedRequest[]): RecordedRequest {
  const edit = requests.filter((r) => r.method === 'PATCH' && r.path.endsWith('/messages/@original')).at(-1);
  expect(edit).toBeDefined();
  return edit!;
}

/**
 * The reply to a vote: deferred at once, privately (the feedback store may take longer than Discord's 3 seconds),
 * then the thanks, or the error, edited in.
 */
function voteReply(requests: RecordedRequest[]): any {
  expect(callbackOf(requests).body).toEqual({ type: InteractionResponseType.DeferredChannelMessageWithSource, data: { flags: EPHEMERAL } });
  return originalEdit(requests).body;
}

/** Every Discord limit a message body must respect. */
function expectValidMessage(body: any): void {
  expect(body.allowed_mentions).toEqual({ parse: [] });
  expect((body.content ?? '').length).toBeLessThanOrEqual(LIMITS.content);
  const embeds = body.embeds ?? [];
  expect(embeds.length).toBeLessThanOrEqual(LIMITS.embedsPerMessage);
  expect(embeds.reduce((sum: number, e: any) => sum + embedTotal(e), 0)).toBeLessThanOrEqual(LIMITS.embedTotal);
  for (const embed of embeds) expect(embedProblems(embed)).toEqual([]);
  for (const row of body.components ?? []) {
    for (const component of row.components) {
      expect(component.custom_id.length).toBeLessThanOrEqual(LIMITS.customId);
      for (const option of component.options ?? []) {
        expect(option.label.length).toBeLessThanOrEqual(LIMITS.selectLabel);
        expect(option.value.length).toBeLessThanOrEqual(LIMITS.selectValue);
      }
      expect((component.options ?? []).length).toBeLessThanOrEqual(LIMITS.selectOptions);
    }
  }
}

describe('/ask', () => {
  it('acknowledges (deferred) before any model work, then edits in the answer', async () => {
    const raw = chatInput('ask', { question: 'What will Kim Jong-un discuss with Putin?' }, newUser());
    timeline.length = 0;
    const requests = await run(raw);
    const deferAt = timeline.findIndex((e) => e.startsWith(`POST /interactions/${raw.id}/`) && e.endsWith(`type=${InteractionResponseType.DeferredChannelMessageWithSource}`));
    const modelAt = timeline.findIndex((e) => e.startsWith('embedQuery What will Kim'));
    const editAt = timeline.findIndex((e, i) => i > modelAt && e.startsWith('PATCH /webhooks/'));
    expect(deferAt).toBeGreaterThanOrEqual(0);
    expect(modelAt).toBeGreaterThan(deferAt);
    expect(editAt).toBeGreaterThan(modelAt);

    expect(callbackOf(requests).body.data.flags).toBe(0); // public
    const body = messageBody(originalEdit(requests));
    expectValidMessage(body);
    const [embed] = body.embeds;
    expect(embed.description).toMatch(/\[1\]/);
    expect(embed.fields[0].value.startsWith('> ')).toBe(true);
    expect(embed.fields[0].value).toMatch(/— \*/);
    const ids = body.components.flatMap((row: any) => row.components.map((c: any) => c.custom_id));
    expect(ids).toContain('ask:open');
    expect(ids.some((id: string) => id.endsWith(':up'))).toBe(true);
  });

  it('keeps every payload within Discord limits for a very long answer', async () => {
    const raw = chatInput('ask', { question: 'What did the lighthouse keepers on Vellamo island record?', passages: 10 }, newUser());
    const body = messageBody(originalEdit(await run(raw)));
    expectValidMessage(body);
    const [embed] = body.embeds;
    expect(embed.fields.length).toBeGreaterThanOrEqual(5);
    expect(embed.fields.some((f: any) => f.value.includes('https://example.com/vellamo'))).toBe(true);
    expect(embed.description).toMatch(/\[1\]/);
  });

  it('shows when each quoted article was published', async () => {
    const body = messageBody(originalEdit(await run(chatInput('ask', { question: 'What did the lighthouse keepers on Vellamo island record?' }, newUser()))));
    expectValidMessage(body);
    expect(body.embeds[0].fields.some((f: any) => f.value.includes('The Test Gazette, 3 Feb 2024'))).toBe(true);
    expect(body.embeds[0].description).toContain('The Test Gazette, 3 Feb 2024');
  });

  it('searches only the period given by since and until', async () => {
    const question = 'What did the lighthouse keepers on Vellamo island record?';
    const inside = messageBody(originalEdit(await run(chatInput('ask', { question, since: '2024-02', until: '2024-02-29' }, newUser()))));
    expectValidMessage(inside);
    expect(inside.components[0].components[0].options.map((o: any) => o.value.split('@').at(-1))).toEqual([LONG.id]);
    // The shipped coverage has no dates, and the test article is from February 2024: nothing is left after it.
    const after = messageBody(originalEdit(await run(chatInput('ask', { question, since: '2024-03-01' }, newUser()))));
    expectValidMessage(after);
    // Nothing was published then: it says so, not that no passage answers.
    expect(after.embeds[0].description).toBe('No article of the coverage was published from 2024-03-01: there was nothing to search. Ask without the period, or with a wider one.');
  });

  it('refuses a since or until it cannot read, politely and privately, without touching the model', async () => {
    timeline.length = 0;
    const callback = callbackOf(await run(chatInput('ask', { question: 'Who is Prigozhin?', since: 'the other day' }, newUser())));
    expect(callback.body.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(callback.body.data.flags).toBe(EPHEMERAL);
    expect(callback.body.data.content).toMatch(/^`since` must be a date \(2023-09-13\)/);
    expect(timeline.some((e) => e.startsWith('embedQuery'))).toBe(false);
    const reversed = callbackOf(await run(chatInput('ask', { question: 'Who is Prigozhin?', since: '2024-03', until: '2024-01' }, newUser())));
    expect(reversed.body.data.content).toMatch(/is after `until`/);
  });

  it('refuses since or until over coverage with no publication dates privately, before acknowledging', async () => {
    const corpus = tempDir();
    await writeFile(path.join(corpus, 'talks.txt'), 'Grain talks resume\n\nTurkey said talks on the grain deal would resume next week.\n');
    const undated = await buildTestIndex([], { CORPUS_DIR: corpus });
    const undatedClient = fakeClient(bot!.apiUrl);
    try {
      const undatedRouter = new Router(commands, createContext(undated.pipeline, undated.config, { now: () => clock, logger }), []);
      undatedRouter.attach(undatedClient);
      const requests = await run(chatInput('ask', { question: 'When will the grain talks resume?', since: '2023-09' }, newUser()), undatedRouter, undatedClient);
      const callback = callbackOf(requests);
      expect(callback.body.type).toBe(InteractionResponseType.ChannelMessageWithSource);
      expect(callback.body.data.flags).toBe(EPHEMERAL);
      expect(callback.body.data.content).toMatch(/^No article in the coverage has a publication date, so a period \(since\/until\) would leave them all out/);
      expect(requests.filter((r) => r.method === 'PATCH')).toEqual([]);
    } finally {
      await undatedClient.destroy();
      await undated.cleanup();
    }
  });

  it('answers privately (ephemeral deferral) when asked to', async () => {
    const requests = await run(chatInput('ask', { question: 'Where did Kim and Putin meet?', private: true }, newUser()));
    expect(callbackOf(requests).body.data.flags).toBe(EPHEMERAL);
    expectValidMessage(messageBody(originalEdit(requests)));
  });

  it('says politely when the coverage does not answer, with a hint to /source', async () => {
    const body = messageBody(originalEdit(await run(chatInput('ask', { question: 'What is the recipe for banana bread?' }, newUser()))));
    expectValidMessage(body);
    expect(body.embeds[0].description).toMatch(/couldn't find that in the coverage/);
    expect(body.embeds[0].description).toContain('/source');
  });

  it('shows an answer it is not sure of in the colour of a doubt, its doubt first and no short answer in bold', async () => {
    // A question the reader is not sure of (a confidence of about 0.09 on this model, between the two thresholds).
    const question = "What colour is Kim's train?";
    const body = messageBody(originalEdit(await run(chatInput('ask', { question }, newUser()))));
    expectValidMessage(body);
    const [embed] = body.embeds;
    expect(embed.color).toBe(COLORS.unsure);
    expect(embed.description).toMatch(/^Not sure the coverage answers this; the closest it comes: \S/);
    // Only the [n] markers are bold: no short answer.
    expect(embed.description.replaceAll(/\*\*\[\d\]\*\*/g, '')).not.toContain('**');
    expect(embed.fields[0].value.startsWith('> ')).toBe(true);
    const log = (await readFile(ctx.config.discord.questionLog, 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
    expect(log.at(-1)).toMatchObject({ outcome: 'answered', found: true, sure: false });
    // A sure answer keeps the answer's colour and opens with its short answer in bold.
    const sure = messageBody(originalEdit(await run(chatInput('ask', { question: 'What factory did Kim tour on Friday, and where?' }, newUser()))));
    expect(sure.embeds[0].color).toBe(COLORS.answer);
    expect(sure.embeds[0].description).toMatch(/^\*\*\S[^*]*\*\*\n\n/);
  });

  it('refuses an over-long question politely and privately, without touching the model', async () => {
    timeline.length = 0;
    const requests = await run(chatInput('ask', { question: `Why ${'really '.repeat(120)}?` }, newUser()));
    const callback = callbackOf(requests);
    expect(callback.body.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(callback.body.data.flags).toBe(EPHEMERAL);
    expect(callback.body.data.content).toMatch(/please keep it to 500 at most/);
    expect(timeline.some((e) => e.startsWith('embedQuery'))).toBe(false);
  });

  it('records 👍/👎 feedback as JSON Lines without the raw user id', async () => {
    const asker = newUser();
    const answer = originalEdit(await run(chatInput('ask', { question: 'What will Kim discuss with Putin?', passages: 2 }, asker)));
    const up = messageBody(answer).components.flatMap((r: any) => r.components).find((c: any) => c.custom_id?.endsWith(':up'));
    const voter = newUser();
    expect(voteReply(await run(buttonClick(up.custom_id, asMessage(answer), voter))).content).toMatch(/Thanks/);
    expect(voteReply(await run(buttonClick(up.custom_id, asMessage(answer), voter))).content).toMatch(/already recorded/);

    const lines = (await readFile(index.config.discord.feedbackLog, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(voter);
    const entry = JSON.parse(lines[0]!);
    // The voter is an HMAC keyed with the salt generated beside the log (owner-only), not a plain hash.
    const saltFile = saltFileFor(index.config.discord.feedbackLog);
    expect((await stat(saltFile)).mode & 0o777).toBe(0o600);
    const salt = (await readFile(saltFile, 'utf8')).trim();
    expect(salt).toMatch(/^[0-9a-f]{64}$/);
    expect(entry).toMatchObject({ vote: 'up', question: 'What will Kim discuss with Putin?', found: true, userHash: hashUserId(voter, salt) });
    expect(entry.userHash).not.toBe(createHash('sha256').update(`coverage-bot-feedback:${voter}`).digest('hex').slice(0, 32));
    expect(entry.settings).toMatchObject({ passages: 2, retrievalMode: index.config.retrieval.mode, indexVersion: index.pipeline.index.version });
    expect(entry.citations.length).toBeGreaterThan(0);
    expect(typeof entry.citations[0].chunk).toBe('number');
    expect(entry.articleIds.length).toBeGreaterThan(0);
    expect(Date.parse(entry.timestamp)).not.toBeNaN();
  });

  it('counts a vote whose write failed as not recorded: the member can vote again', async () => {
    const answer = originalEdit(await run(chatInput('ask', { question: 'Where did Kim Jong-un arrive by train?' }, newUser())));
    const up = messageBody(answer).components.flatMap((r: any) => r.components).find((c: any) => c.custom_id?.endsWith(':up'));
    const voter = newUser();
    const log = index.config.discord.feedbackLog;
    const aside = `${log}.aside`;
    const countVotes = async () => (await readFile(log, 'utf8')).trim().split('\n').filter(Boolean).length;
    // Another member's vote first: the log exists.
    expect(voteReply(await run(buttonClick(up.custom_id, asMessage(answer), newUser()))).content).toMatch(/Thanks/);
    const before = await countVotes();
    // The log cannot be appended to (a folder in its place): the write fails.
    await rename(log, aside);
    await mkdir(log);
    try {
      // Said politely, as what it is; the operator reads the cause in the log.
      expect(voteReply(await run(buttonClick(up.custom_id, asMessage(answer), voter))).embeds[0].description).toBe(VOTE_NOT_SAVED);
      expect(logger.lines.at(-1)).toMatchObject({ level: 'warn', message: expect.stringMatching(/^A vote could not be saved: Cannot .*: it is a folder/) });
    } finally {
      await rmdir(log);
      await rename(aside, log);
    }
    expect(voteReply(await run(buttonClick(up.custom_id, asMessage(answer), voter))).content).toMatch(/Thanks/);
    expect(await countVotes()).toBe(before + 1);
  });

  it("acknowledges a vote within Discord's 3 seconds when the feedback store is slow (a busy database)", async () => {
    const answer = originalEdit(await run(chatInput('ask', { question: 'Where did Kim Jong-un arrive by train?' }, newUser())));
    const up = messageBody(answer).components.flatMap((r: any) => r.components).find((c: any) => c.custom_id?.endsWith(':up'));
    const feedback = ctx.feedback;
    const append = feedback.append.bind(feedback);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    feedback.append = async (entry) => {
      await held;
      return append(entry);
    };
    try {
      const raw = buttonClick(up.custom_id, asMessage(answer), newUser());
      deliver(client, raw);
      // The write is still held: the interaction is already acknowledged, privately.
      await vi.waitFor(() => expect(api.forInteraction(raw).map((r) => r.body?.type)).toContain(InteractionResponseType.DeferredChannelMessageWithSource));
      release();
      await router.idle();
      expect(voteReply(api.forInteraction(raw)).content).toMatch(/Thanks/);
    } finally {
      feedback.append = append;
    }
  });

  it('records a vote on a private answer without its question or answer text', async () => {
    const question = 'Where did Kim and Putin meet for their private talks?';
    const answer = originalEdit(await run(chatInput('ask', { question, private: true }, newUser())));
    const down = messageBody(answer).components.flatMap((r: any) => r.components).find((c: any) => c.custom_id?.endsWith(':down'));
    expect(voteReply(await run(buttonClick(down.custom_id, asMessage(answer), newUser()))).content).toMatch(/Thanks/);
    const log = await readFile(index.config.discord.feedbackLog, 'utf8');
    const entry = JSON.parse(log.trim().split('\n').at(-1)!);
    expect(entry).toMatchObject({ vote: 'down', settings: { private: true } });
    expect(entry).not.toHaveProperty('question');
    expect(entry).not.toHaveProperty('answer');
    expect(log).not.toContain('private talks');
    expect(entry.citations.length).toBeGreaterThan(0);
  });

  it('opens a cited article from the select menu, privately', async () => {
    const answer = originalEdit(await run(chatInput('ask', { question: 'What did the lighthouse keepers on Vellamo island record?' }, newUser())));
    const select = messageBody(answer).components[0].components[0];
    expect(select.options.map((o: any) => o.value.split('@').at(-1))).toContain(LONG.id);
    const opener = newUser();
    // A menu sent by an earlier version carries the article id alone: it still opens (at the first page).
    const callback = callbackOf(await run(selectPick('ask:open', [LONG.id], asMessage(answer), opener)));
    expect(callback.body.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(callback.body.data.flags).toBe(EPHEMERAL);
    expectValidMessage(callback.body.data);
    expect(callback.body.data.embeds[0].title).toBe(LONG.title);
    expect(callback.body.data.components[0].components.map((b: any) => b.label)).toEqual(['Previous', 'Next']);
  });

  it('opens a cited article at the page that shows its quote', async () => {
    const answer = originalEdit(await run(chatInput('ask', { question: 'What did the lighthouse keepers record in entry 23?' }, newUser())));
    const option = messageBody(answer).components[0].components[0].options.find((o: any) => o.value.endsWith(`@${LONG.id}`));
    const at = Number(option.value.split('@')[0]);
    const callback = callbackOf(await run(selectPick('ask:open', [option.value], asMessage(answer), newUser())));
    expectValidMessage(callback.body.data);
    const embed = callback.body.data.embeds[0];
    expect(embed.title).toBe(LONG.title);
    const [, page, pages] = /^Page (\d+) of (\d+)/.exec(embed.footer.text)!.map(Number);
    expect(pages).toBeGreaterThan(2);
    expect(page).toBeGreaterThan(1);
    const words = (text: string) => text.replace(/\s+/g, ' ');
    expect(words(embed.description)).toContain(words(LONG.text.slice(at, at + 60)));
  });

  it('rate-limits each member and lets them ask again once the window has passed', async () => {
    const member = newUser();
    const limit = index.config.discord.askRateLimit;
    for (let i = 0; i < limit; i++) {
      expect(callbackOf(await run(chatInput('ask', { question: `Who is Prigozhin? (${i})` }, member))).body.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    }
    timeline.length = 0;
    const refused = callbackOf(await run(chatInput('ask', { question: 'Who is Prigozhin?' }, member)));
    expect(refused.body.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(refused.body.data.flags).toBe(EPHEMERAL);
    expect(refused.body.data.content).toMatch(/faster than I can keep up/);
    expect(timeline.some((e) => e.startsWith('embedQuery'))).toBe(false);
    // Another member is not affected.
    expect(callbackOf(await run(chatInput('ask', { question: 'Who is Prigozhin?' }, newUser()))).body.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    clock += index.config.discord.askRateWindowSeconds * 1000 + 1;
    expect(callbackOf(await run(chatInput('ask', { question: 'Who is Prigozhin?' }, member))).body.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
  });

  it('logs an answer whose channel was deleted mid-answer as such, without a stack, and keeps serving', async () => {
    api.failures.push({ method: 'PATCH', path: /^\/webhooks\/\d+\/[^/]+\/messages\/@original$/, error: UNKNOWN_CHANNEL });
    try {
      await run(chatInput('ask', { question: 'Who is Prigozhin?' }, newUser()));
    } finally {
      api.failures = [];
    }
    const line = logger.lines.find((l) => l.message === 'An interaction could not be answered: its channel or message is gone');
    expect(line).toMatchObject({ level: 'warn', meta: { command: 'ask', code: 10003 } });
    expect(line!.meta).not.toHaveProperty('error');
    expect(logger.lines.some((l) => l.message === 'Interaction handler failed' || l.message === 'Could not tell the member about the failure')).toBe(false);
    expect(originalEdit(await run(chatInput('ask', { question: 'Who is Prigozhin?' }, newUser()))).body.embeds).toHaveLength(1);
  });

  it.each(['ask:vote', 'ask:vote:abc:sideways', 'source:page:abc', 'nobody:knows:this', '', 'ask:open'])(
    'answers a click on a component id it does not know (%j) with a polite ephemeral notice',
    async (customId) => {
      const answer = originalEdit(await run(chatInput('ask', { question: 'Who is Prigozhin?' }, newUser())));
      const reply = callbackOf(await run(buttonClick(customId, asMessage(answer), newUser())));
      expect(reply.body.type).toBe(InteractionResponseType.ChannelMessageWithSource);
      expect(reply.body.data.flags).toBe(EPHEMERAL);
      expect(reply.body.data.content).toBe(UNKNOWN_COMPONENT);
    },
  );

  it('removes the buttons under an answer when they expire, and answers late clicks politely', async () => {
    const answer = originalEdit(await run(chatInput('ask', { question: 'Who is Prigozhin?' }, newUser())));
    const down = messageBody(answer).components.flatMap((r: any) => r.components).find((c: any) => c.custom_id?.endsWith(':down'));
    const before = api.requests.length;
    clock += 11 * 60_000;
    await ctx.answers.sweep();
    const removal = api.requests.slice(before).find((r) => r.method === 'PATCH' && r.path.endsWith('/@original'));
    expect(removal?.body.components).toEqual([]);
    const late = await run(buttonClick(down.custom_id, asMessage(answer), newUser()));
    expect(callbackOf(late).body.type).toBe(InteractionResponseType.UpdateMessage);
    expect(callbackOf(late).body.data.components).toEqual([]);
    const followUp = late.find((r) => r.method === 'POST' && r.path.startsWith('/webhooks/'));
    expect(followUp?.body.flags).toBe(EPHEMERAL);
    expect(followUp?.body.content).toMatch(/expired/);
  });
});

describe('robustness', () => {
  function failing(pipeline: Pipeline, what: 'ask' | 'index'): Pipeline {
    return {
      embedder: pipeline.embedder,
      reader: pipeline.reader,
      get index() {
        if (what === 'index') throw new Error('the index went away');
        return pipeline.index;
      },
      ask: async () => {
        throw new Error('the model crashed');
      },
      answeredFrom: (answer) => pipeline.answeredFrom(answer),
      reload: () => pipeline.reload(),
      store: pipeline.store,
      close: () => pipeline.close(),
    };
  }

  it('turns a thrown error into an ephemeral apology, logs its context without secrets, and keeps serving', async () => {
    const log = memoryLogger();
    const broken = new Router(commands, createContext(failing(index.pipeline, 'ask'), index.config, { logger: log }));
    const brokenClient = fakeClient(client.options.rest!.api!);
    broken.attach(brokenClient);

    // Failing after a private deferral: the deferred (ephemeral) message becomes the apology.
    const user = newUser();
    const privateAsk = chatInput('ask', { question: 'Who is Prigozhin?', private: true }, user);
    const requests = await run(privateAsk, broken, brokenClient);
    expect(callbackOf(requests).body.data.flags).toBe(EPHEMERAL);
    const apology = messageBody(originalEdit(requests));
    expect(apology.embeds[0].description).toBe(SOMETHING_WENT_WRONG);
    expect(apology.embeds[0].color).toBe(COLORS.error);
    expect(apology.allowed_mentions).toEqual({ parse: [] });

    const [entry] = log.lines.filter((l) => l.level === 'error');
    expect(entry?.meta).toMatchObject({ command: 'ask', userId: user, guildId: GUILD_ID });
    expect(JSON.stringify(entry)).not.toContain(FAKE_BOT_TOKEN);
    expect(String((entry?.meta?.error as Error).message)).toBe('the model crashed');

    // Failing before any reply: an ephemeral reply.
    const brokenIndex = new Router(commands, createContext(failing(index.pipeline, 'index'), index.config, { logger: log }));
    const otherClient = fakeClient(client.options.rest!.api!);
    brokenIndex.attach(otherClient);
    const reply = callbackOf(await run(chatInput('source', { article: LONG.id }, newUser()), brokenIndex, otherClient));
    expect(reply.body.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(reply.body.data.flags).toBe(EPHEMERAL);
    expect(reply.body.data.embeds[0].description).toBe(SOMETHING_WENT_WRONG);
    await brokenClient.destroy();
    await otherClient.destroy();

    // The real bot still answers the next question.
    const next = messageBody(originalEdit(await run(chatInput('ask', { question: 'Who is Prigozhin?' }, newUser()))));
    expect(next.embeds[0].color).not.toBe(COLORS.error);
  });

  it('finishes questions in flight on shutdown and refuses new ones', async () => {
    const draining = new Router(commands, ctx);
    const drainingClient = fakeClient(client.options.rest!.api!);
    draining.attach(drainingClient);
    const inFlight = [1, 2, 3].map((i) => chatInput('ask', { question: `What did Lula say about Putin? (${i})` }, newUser()));
    inFlight.forEach((raw) => deliver(drainingClient, raw));
    const stopped = draining.stop();
    const late = chatInput('ask', { question: 'Who is Prigozhin?' }, newUser());
    deliver(drainingClient, late);
    await stopped;
    await draining.idle();
    for (const raw of inFlight) expect(messageBody(originalEdit(api.forInteraction(raw))).embeds).toHaveLength(1);
    const refusal = callbackOf(api.forInteraction(late));
    expect(refusal.body.data.flags).toBe(EPHEMERAL);
    expect(refusal.body.data.content).toBe(SHUTTING_DOWN);
    await drainingClient.destroy();
  });

  it('loses no question while a new index is built into the same folder and swapped in', async () => {
    const fresh: Article = {
      id: 'oyster-festival-opens-in-galway',
      title: 'Oyster festival opens in Galway',
      outlet: 'The Test Gazette',
      text: 'The Galway oyster festival opened on Friday with a shucking contest won by a fisherman from Clarenbridge. Organisers said forty thousand visitors were expected over the weekend.',
      captions: [],
      source: 'test/oysters.md',
    };
    const oldVersion = index.pipeline.index.version;
    const burst = Array.from({ length: 12 }, (_, i) =>
      chatInput('ask', { question: i % 2 ? 'What will Kim discuss with Putin?' : 'How did Prigozhin die?' }, newUser()),
    );
    burst.forEach((raw) => deliver(client, raw));
    const swap = index.rebuild([fresh]).then(() => index.pipeline.reload());
    const [, changed] = await Promise.all([router.idle(), swap]);
    await router.idle();
    expect(changed).toBe(true);
    expect(index.pipeline.index.version).not.toBe(oldVersion);
    for (const raw of burst) {
      const requests = api.forInteraction(raw);
      expect(callbackOf(requests).body.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
      const body = messageBody(originalEdit(requests));
      expect(body.embeds).toHaveLength(1);
      expect(body.embeds[0].color).not.toBe(COLORS.error); // an answer, or "the coverage doesn't say" 
    }
    const after = messageBody(originalEdit(await run(chatInput('ask', { question: 'Who won the shucking contest at the Galway oyster festival?' }, newUser()))));
    expect(after.components[0].components[0].options.map((o: any) => o.value.split('@').at(-1))).toContain(fresh.id);
    // The Kim questions of the burst were answered with quotes, whichever index served them.
    expect(embedsOf(originalEdit(api.forInteraction(burst[1]!)))[0]?.fields?.length).toBeGreaterThan(0);
  }, 60_000);
});
