/**
 * /source and its autocomplete, page buttons and their expiry, and command registration, through
 * discord.js's own objects and REST layer against a fake Discord API, on a real index.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { InteractionResponseType, REST, type Client } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../commands/index.js';
import { PAGE_BUTTONS_TTL_MS, type BotContext } from '../src/bot/context.js';
import { deployCommands, DeployError } from '../src/bot/deploy-commands.js';
import { embedProblems, LIMITS } from '../src/bot/format/index.js';
import { Router } from '../src/bot/router.js';
import { NOT_YOUR_PAGES } from '../src/bot/source-pages.js';
import {
  APP_ID,
  asMessage,
  autocomplete,
  buttonClick,
  chatInput,
  EPHEMERAL,
  FAKE_BOT_TOKEN,
  FakeDiscord,
  GUILD_ID,
  longArticle,
  memoryLogger,
  messageBody,
  type TestIndex,
  callbackOf,
  runInteraction,
  startBot,
  stopBot,
  type RunningBot,
} from './bot-helpers.js';

let index: TestIndex;
let api: FakeDiscord;
let apiUrl: string;
let client: Client;
let clock = Date.now();
let ctx: BotContext;
let router: Router;
const LONG = longArticle();
const OWNER = '720000000000000001';
const OTHER = '720000000000000002';

let bot: RunningBot | undefined;
beforeAll(async () => {
  bot = await startBot({ now: () => clock, logger: memoryLogger() });
  ({ index, api, apiUrl, client, ctx, router } = bot);
}, 120_000);

afterAll(() => stopBot(bot));

const run = (raw: any) => runInteraction(api, router, client, raw);

describe('/source autocomplete', () => {
  async function choices(typed: string): Promise<{ name: string; value: string }[]> {
    const callback = callbackOf(await run(autocomplete('source', { article: typed }, 'article')));
    expect(callback.body.type).toBe(InteractionResponseType.ApplicationCommandAutocompleteResult);
    const list = callback.body.data.choices as { name: string; value: string }[];
    expect(list.length).toBeLessThanOrEqual(LIMITS.choices);
    for (const choice of list) {
      expect(choice.name.length).toBeGreaterThan(0);
      expect(choice.name.length).toBeLessThanOrEqual(LIMITS.choiceName);
      expect(choice.value.length).toBeLessThanOrEqual(LIMITS.choiceValue);
      expect(index.pipeline.index.articles.has(choice.value)).toBe(true);
    }
    return list;
  }

  it('lists up to 25 articles when nothing is typed', async () => {
    const list = await choices('');
    expect(list).toHaveLength(Math.min(LIMITS.choices, index.pipeline.index.articles.size));
  });

  it('matches a title prefix, words anywhere in a title, a misspelling, and an id', async () => {
    expect((await choices('Kremlin den')).map((c) => c.value)[0]).toMatch(/^kremlin-denies/);
    const words = (await choices('prigozhin funeral')).map((c) => c.value);
    expect(words).toContain('funeral-of-yevgeny-prigozhin-held-in-closed-format-in-st-petersburg');
    const fuzzy = (await choices('prigozin')).map((c) => c.value);
    expect(fuzzy.some((id) => id.includes('prigozhin'))).toBe(true);
    expect((await choices('Erdogan')).map((c) => c.value)).toContain('no-sign-of-black-sea-grain-breakthrough-after-erdogan-putin-talks');
    expect((await choices(LONG.id)).map((c) => c.value)[0]).toBe(LONG.id);
  });

  it('returns a valid (empty) list for nonsense', async () => {
    expect(await choices('qzxv wqpt')).toEqual([]);
    expect((await choices('x'.repeat(100))).length).toBeLessThanOrEqual(LIMITS.choices);
  });
});

describe('/source', () => {
  it('shows a short article in one message without buttons', async () => {
    const id = 'kremlin-denies-killing-yevgeny-prigozhin-in-plane-crash';
    const callback = callbackOf(await run(chatInput('source', { article: id }, OWNER)));
    expect(callback.body.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    const body = callback.body.data;
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(body.flags ?? 0).toBe(0);
    expect(body.embeds[0].title).toBe(index.pipeline.index.articles.get(id)!.title);
    expect(body.embeds[0].fields).toContainEqual({ name: 'Outlet', value: 'The Guardian', inline: true });
    expect(embedProblems(body.embeds[0])).toEqual([]);
    expect(body.components ?? []).toEqual([]);
  });

  it('pages through the whole of a long article, for the member who opened it only', async () => {
    const opened = callbackOf(await run(chatInput('source', { article: LONG.id }, OWNER)));
    let message = asMessage(opened);
    const body = messageBody(opened);
    const seen = [body.embeds[0].description as string];
    expect(body.embeds[0]).toMatchObject({ title: LONG.title, url: LONG.url });
    expect(body.embeds[0].fields.map((f: any) => f.name)).toEqual(['Outlet', 'Author', 'Published']);
    const pageCount = Number(/of (\d+)/.exec(body.embeds[0].footer.text)![1]);
    expect(pageCount).toBeGreaterThan(1);
    let [prev, next] = body.components[0].components;
    expect(prev.disabled).toBe(true);

    // Another member may not turn the pages.
    const refused = callbackOf(await run(buttonClick(next.custom_id, message, OTHER)));
    expect(refused.body.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(refused.body.data.flags).toBe(EPHEMERAL);
    expect(refused.body.data.content).toBe(NOT_YOUR_PAGES);

    while (!next.disabled) {
      const turned = callbackOf(await run(buttonClick(next.custom_id, message, OWNER)));
      expect(turned.body.type).toBe(InteractionResponseType.UpdateMessage);
      const page = turned.body.data;
      expect(embedProblems(page.embeds[0])).toEqual([]);
      expect(page.allowed_mentions).toEqual({ parse: [] });
      seen.push(page.embeds[0].description);
      message = asMessage(turned);
      [prev, next] = page.components[0].components;
    }
    expect(seen).toHaveLength(pageCount);
    expect(prev.disabled).toBe(false);
    const squash = (s: string) => s.replace(/\\/g, '').replace(/\s+/g, ' ').trim();
    expect(squash(seen.join(' '))).toBe(squash(LONG.text));

    // And back.
    const back = callbackOf(await run(buttonClick(prev.custom_id, message, OWNER)));
    expect(back.body.data.embeds[0].description).toBe(seen[pageCount - 2]);
  });

  it('removes page buttons when they expire and answers late clicks politely', async () => {
    const opened = callbackOf(await run(chatInput('source', { article: LONG.id, private: true }, OWNER)));
    expect(opened.body.data.flags).toBe(EPHEMERAL);
    const next = messageBody(opened).components[0].components[1];
    const before = api.requests.length;
    clock += PAGE_BUTTONS_TTL_MS + 1;
    await ctx.pages.sweep();
    const removal = api.requests.slice(before).find((r) => r.method === 'PATCH' && r.path === `/webhooks/${APP_ID}/${opened.path.split('/')[3]}/messages/@original`);
    expect(removal?.body.components).toEqual([]);

    const late = await run(buttonClick(next.custom_id, asMessage(opened), OWNER));
    expect(callbackOf(late).body.type).toBe(InteractionResponseType.UpdateMessage);
    expect(callbackOf(late).body.data.components).toEqual([]);
    const notice = late.find((r) => r.method === 'POST' && r.path.startsWith('/webhooks/'));
    expect(notice?.body.flags).toBe(EPHEMERAL);
    expect(notice?.body.content).toMatch(/expired/);
  });

  it('answers an unknown article politely and privately', async () => {
    const callback = callbackOf(await run(chatInput('source', { article: 'no-such-article' }, OWNER)));
    expect(callback.body.data.flags).toBe(EPHEMERAL);
    expect(callback.body.data.content).toMatch(/can't find an article/);
    // What the member typed comes back cut on a character (never half an emoji) and escaped.
    const typed = `[click](https://phish.example) ${'🦀'.repeat(150)}`;
    const echoed = callbackOf(await run(chatInput('source', { article: typed }, OWNER))).body.data.content as string;
    expect(echoed).toContain('[click]\\(https://phish.example)');
    expect(echoed).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});

describe('deploy-commands', () => {
  it('registers exactly the commands the router handles, per guild or globally', async () => {
    const rest = () => new REST({ api: apiUrl, retries: 0 });
    const guild = await deployCommands(commands, { token: FAKE_BOT_TOKEN, clientId: APP_ID, guildId: GUILD_ID, rest: rest() });
    expect(guild).toEqual({
      names: ['ask', 'source', 'Ask the coverage', 'coverage-settings', 'coverage-report'],
      labels: ['/ask', '/source', '“Ask the coverage” (message menu)', '/coverage-settings', '/coverage-report'],
      scope: 'guild',
    });
    const put = api.requests.filter((r) => r.method === 'PUT').at(-1)!;
    expect(put.path).toBe(`/applications/${APP_ID}/guilds/${GUILD_ID}/commands`);
    expect(put.headers.authorization).toBe(`Bot ${FAKE_BOT_TOKEN}`);
    expect(put.body.map((c: any) => c.name)).toEqual(commands.map((c) => c.data.name));
    const ask = put.body.find((c: any) => c.name === 'ask');
    expect(ask.options.map((o: any) => o.name)).toEqual(['question', 'passages', 'private', 'since', 'until']);
    expect(ask.options[3]).toMatchObject({ type: 3, required: false, max_length: 40 });
    expect(ask.options[1]).toMatchObject({ min_value: 1, max_value: 10 });
    expect(put.body.find((c: any) => c.name === 'source').options[0].autocomplete).toBe(true);
    // The message context-menu command: type 3 (Message), no description or options, as Discord requires.
    const menu = put.body.find((c: any) => c.name === 'Ask the coverage');
    expect(menu).toMatchObject({ type: 3 });
    expect(menu.description ?? '').toBe('');
    expect(menu.options).toBeUndefined();

    expect((await deployCommands(commands, { token: FAKE_BOT_TOKEN, clientId: APP_ID, rest: rest() })).scope).toBe('global');
    expect(api.requests.filter((r) => r.method === 'PUT').at(-1)!.path).toBe(`/applications/${APP_ID}/commands`);
  });

  it('says clearly what is missing', async () => {
    await expect(deployCommands(commands, { clientId: APP_ID })).rejects.toThrow(DeployError);
    await expect(deployCommands(commands, { clientId: APP_ID })).rejects.toThrow(/DISCORD_TOKEN is not set/);
    await expect(deployCommands(commands, { token: FAKE_BOT_TOKEN })).rejects.toThrow(/DISCORD_CLIENT_ID is not set/);
  });

  it("names the setting to correct when Discord refuses the application or the server, as Discord refuses them", async () => {
    let refusal = { status: 403, code: 20012, message: 'You are not authorized to perform this action on this application' };
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(refusal.status, { 'content-type': 'application/json' }).end(JSON.stringify({ message: refusal.message, code: refusal.code })));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const deploy = (guildId?: string) =>
      deployCommands(commands, { token: FAKE_BOT_TOKEN, clientId: APP_ID, guildId, rest: new REST({ api: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`, retries: 0 }) });
    try {
      // Another application's id, globally or in a server: the id is wrong, not the invite.
      for (const guildId of [undefined, GUILD_ID]) {
        await expect(deploy(guildId)).rejects.toThrow(new DeployError(`Discord refused: this token's bot is not application ${APP_ID}. DISCORD_CLIENT_ID must be the Application ID of the bot whose token you use (Developer Portal → General Information).`));
      }
      refusal = { status: 403, code: 50001, message: 'Missing Access' };
      await expect(deploy(GUILD_ID)).rejects.toThrow(`The bot cannot register commands in server ${GUILD_ID}: invite it there`);
      // Globally, no server to name.
      await expect(deploy()).rejects.toThrow('Discord refused the commands (403): Missing Access');
      refusal = { status: 404, code: 10002, message: 'Unknown Application' };
      await expect(deploy()).rejects.toThrow(/^Discord does not know this application\. DISCORD_CLIENT_ID must be/);
    } finally {
      server.close();
    }
  });
});
