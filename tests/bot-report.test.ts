/**
 * The question log written by /ask, and /coverage-report, through discord.js's interaction objects against
 * the fake Discord API, with the real pipeline on a real index.
 */
import { readFile } from 'node:fs/promises';
import { ChannelType, PermissionFlagsBits } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMINS_ONLY } from '../src/bot/admin.js';
import { embedProblems } from '../src/bot/format/index.js';
import type { QuestionEntry } from '../src/bot/question-log.js';
import {
  asMessage,
  buttonClick,
  cacheThread,
  callbackOf,
  CHANNEL_ID,
  chatInput,
  EPHEMERAL,
  GUILD_ID,
  memoryLogger,
  runInteraction,
  startBot,
  stopBot,
  type RecordedRequest,
  type RunningBot,
} from './bot-helpers.js';

const logger = memoryLogger();
let bot: RunningBot;
let userSeq = 0;
const newUser = () => String(730000000000000000n + BigInt(++userSeq));

beforeAll(async () => {
  bot = await startBot({ now: Date.now, logger });
}, 120_000);
afterAll(() => stopBot(bot));

const run = (raw: any) => runInteraction(bot.api, bot.router, bot.client, raw);

function lastEdit(requests: RecordedRequest[]): RecordedRequest {
  const edit = requests.filter((r) => r.method === 'PATCH' && r.path.endsWith('/messages/@original')).at(-1);
  expect(edit).toBeDefined();
  return edit!;
}

async function questionLog(): Promise<QuestionEntry[]> {
  const text = await readFile(bot.index.config.discord.questionLog, 'utf8');
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

function report(days: number | undefined, admin: boolean) {
  const raw = chatInput('coverage-report', days === undefined ? {} : { days }, newUser());
  raw.member.permissions = admin ? String(PermissionFlagsBits.ManageGuild) : '0';
  return raw;
}

describe('the question log of /ask', () => {
  it('keeps a public question with its text, and a private one and its 👎 without', async () => {
    await run(chatInput('ask', { question: 'What will Kim discuss with Putin?' }, newUser()));
    const secret = 'What is the recipe for the minister’s secret banana bread?';
    const privateAnswer = lastEdit(await run(chatInput('ask', { question: secret, private: true }, newUser())));
    const down = asMessage(privateAnswer).components.at(-1).components[1].custom_id;
    await run(buttonClick(down, asMessage(privateAnswer), newUser()));

    const [publicEntry, privateEntry] = (await questionLog()).slice(-2);
    expect(publicEntry).toMatchObject({ via: 'ask', outcome: 'answered', found: true, private: false, question: 'What will Kim discuss with Putin?' });
    expect(publicEntry!.articleIds.length).toBeGreaterThan(0);
    expect(publicEntry!.userHash).toMatch(/^[0-9a-f]{32}$/);
    expect(privateEntry).toMatchObject({ via: 'ask', outcome: 'refused', found: false, private: true });
    expect(privateEntry!.question).toBeUndefined();
    const files = (await readFile(bot.index.config.discord.questionLog, 'utf8')) + (await readFile(bot.index.config.discord.feedbackLog, 'utf8'));
    expect(files).not.toContain('banana');
  });
});

describe('/coverage-report', () => {
  it('refuses a member without Manage Server', async () => {
    const body = callbackOf(await run(report(7, false))).body.data;
    expect(body.content).toBe(ADMINS_ONLY);
    expect(body.flags & EPHEMERAL).toBe(EPHEMERAL);
  });

  it('shows an admin the last days privately, in one embed within the limits', async () => {
    await run(chatInput('ask', { question: 'Who won the shucking contest at the Galway oyster festival?' }, newUser()));
    const requests = await run(report(3, true));
    expect(callbackOf(requests).body.data.flags & EPHEMERAL).toBe(EPHEMERAL);
    const [embed] = lastEdit(requests).body.embeds;
    expect(embedProblems(embed)).toEqual([]);
    expect(embed.title).toBe('Coverage report: the last 3 days');
    expect(embed.description).toContain('Questions: 3 (1 answered, 2 refused; 1 private');
    expect(embed.description).toMatch(/shucking|oyster|galway/i);
    expect(embed.description).not.toContain('banana');
    expect(embed.description).toContain('1 👎 (1 on private answers, without text)');
  });
});

describe('/coverage-report across channels', () => {
  it("shows an admin the text of a question from a channel they may not be able to view only when the bot can tell they can", async () => {
    const guild = '200000000000000999';
    const hidden = chatInput('ask', { question: 'Who won the staff room quiz about the narwhal?' }, newUser());
    hidden.guild_id = guild;
    hidden.channel_id = '300000000000000999';
    hidden.channel = { ...hidden.channel, id: '300000000000000999' };
    await run(hidden);
    expect((await questionLog()).at(-1)).toMatchObject({ guildId: guild, channelId: '300000000000000999', question: 'Who won the staff room quiz about the narwhal?' });
    const here = chatInput('ask', { question: 'Who won the quiz about the walrus?' }, newUser());
    here.guild_id = guild;
    await run(here);
    // The server is not in the bot's cache: its admins' permissions in other channels cannot be told; the channel
    // the report is asked in can.
    const raw = report(3, true);
    raw.guild_id = guild;
    const [embed] = lastEdit(await run(raw)).body.embeds;
    expect(embed.description).toContain('Questions: 2 (0 answered, 2 refused');
    expect(JSON.stringify(embed)).toMatch(/walrus/i);
    expect(JSON.stringify(embed)).not.toMatch(/narwhal/i);
  });
});

describe('/coverage-report across servers', () => {
  it("shows a server's admins only that server's questions and votes, never another server's", async () => {
    const other = chatInput('ask', { question: 'What will the zeppelin carry to Putin?' }, newUser());
    other.guild_id = '200000000000000777';
    const answer = lastEdit(await run(other));
    const down = asMessage(answer).components.at(-1).components[1].custom_id;
    const click = buttonClick(down, asMessage(answer), newUser());
    click.guild_id = '200000000000000777';
    await run(click);
    expect((await questionLog()).at(-1)).toMatchObject({ guildId: '200000000000000777' });

    const [embed] = lastEdit(await run(report(3, true))).body.embeds;
    expect(JSON.stringify(embed)).not.toMatch(/zeppelin/i);
    expect(embed.description).toContain('Questions: 3 (1 answered, 2 refused; 1 private');
  });
});

describe('/coverage-report and changed votes', () => {
  it('counts a member who changes their vote on an answer once, with their last vote', async () => {
    const guild = '200000000000000888';
    const ask = chatInput('ask', { question: 'What will Kim discuss with Putin?' }, newUser());
    ask.guild_id = guild;
    const answer = asMessage(lastEdit(await run(ask)));
    const [up, down] = answer.components.at(-1).components.map((c: { custom_id: string }) => c.custom_id);
    const [fickle, steady] = [newUser(), newUser()];
    for (const [choice, user] of [[down, fickle], [up, fickle], [down, fickle], [up, fickle], [down, fickle], [up, steady]] as const) {
      const click = buttonClick(choice, answer, user);
      click.guild_id = guild;
      await run(click);
    }
    const raw = report(3, true);
    raw.guild_id = guild;
    const [embed] = lastEdit(await run(raw)).body.embeds;
    expect(embed.description).toMatch(/Votes: 1 👍, 1 👎/);
    expect(embed.fields.filter((f: { name: string }) => f.name.includes('👎'))).toHaveLength(1);
  });
});

describe('/coverage-report and private threads', () => {
  it('shows a question asked in a private thread to an admin who manages threads, or in that thread, not to one who may only view its channel', async () => {
    // The server cached with its @everyone role (its id is the server's) and a role that manages threads.
    const MODERATORS = '600000000000000123';
    const PRIVATE_THREAD = '300000000000000777';
    cacheThread(bot.client, PRIVATE_THREAD, CHANNEL_ID, ChannelType.PrivateThread);
    const roles = bot.client.guilds.cache.get(GUILD_ID)!.roles as unknown as { _add(data: unknown): unknown };
    const role = (id: string, name: string, permissions: bigint) => roles._add({ id, name, permissions: String(permissions), position: 0, color: 0, hoist: false, managed: false, mentionable: false, flags: 0 });
    role(GUILD_ID, '@everyone', PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages);
    role(MODERATORS, 'moderators', PermissionFlagsBits.ManageThreads);

    const ask: any = chatInput('ask', { question: 'Who leaked the lighthouse memo?' }, newUser());
    ask.channel_id = PRIVATE_THREAD;
    ask.channel = { id: PRIVATE_THREAD, type: ChannelType.PrivateThread, guild_id: GUILD_ID, parent_id: CHANNEL_ID, name: 'thread' };
    await run(ask);
    expect((await questionLog()).at(-1)).toMatchObject({ channelId: CHANNEL_ID, privateThreadId: PRIVATE_THREAD, question: 'Who leaked the lighthouse memo?' });

    const reportText = async (roleIds: string[], channelId = CHANNEL_ID) => {
      const raw: any = report(3, true);
      raw.member.roles = roleIds;
      raw.channel_id = channelId;
      raw.channel = { ...raw.channel, id: channelId };
      return JSON.stringify(lastEdit(await run(raw)).body.embeds);
    };
    // Viewing the channel is not enough to see its private threads.
    const viewer = await reportText([]);
    expect(viewer).toMatch(/Questions: \d+/);
    expect(viewer).not.toMatch(/lighthouse/);
    expect(await reportText([MODERATORS])).toMatch(/lighthouse/);
    expect(await reportText([], PRIVATE_THREAD)).toMatch(/lighthouse/);
  });
});
