/**
 * /source's autocomplete, told apart and found as typed: two articles sharing a title get labels that differ (a long
 * title shortened for its outlet; a date, then an id, for copies of one outlet), and letters that carry their mark
 * built in ("Łukashenko", "Kılıçdaroğlu") and "´" typed as an apostrophe fold to their plain forms.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../commands/index.js';
import { createContext } from '../src/bot/context.js';
import { Router } from '../src/bot/router.js';
import { followUps } from '../src/bot/follow-up-messages.js';
import { channelModes } from '../src/bot/channel-modes.js';
import type { Article } from '../src/corpus/types.js';
import { autocomplete, buildTestIndex, callbackOf, chatInput, FakeDiscord, fakeClient, longArticle, memoryLogger, runInteraction, type RunningBot } from './bot-helpers.js';
import { stopBot } from './bot-helpers.js';
import { fold } from '../src/bot/title-search.js';

const art = (id: string, title: string, extra: Partial<Article> = {}): Article => ({ id, title, text: `${title}. Some text.`, captions: [], source: `zz/${id.slice(0, 40)}.md`, ...extra });

async function startBotWith(extra: Article[]): Promise<RunningBot> {
  const index = await buildTestIndex([longArticle(), ...extra]);
  const api = new FakeDiscord();
  const apiUrl = await api.start();
  const client = fakeClient(apiUrl);
  const ctx = createContext(index.pipeline, index.config, { logger: memoryLogger() });
  const router = new Router(commands, ctx, [followUps, channelModes]);
  router.attach(client);
  return { index, api, apiUrl, client, ctx, router };
}

async function choicesFor(bot: RunningBot, typed: string): Promise<{ name: string; value: string }[]> {
  return callbackOf(await runInteraction(bot.api, bot.router, bot.client, autocomplete('source', { article: typed }, 'article'))).body.data.choices;
}

async function sourceReply(bot: RunningBot, typed: string): Promise<any> {
  return callbackOf(await runInteraction(bot.api, bot.router, bot.client, chatInput('source', { article: typed }))).body.data;
}

// 94 characters: a Guardian-length headline; with " · The Guardian" or " · Reuters" it is over 100.
const LONG = 'Russia and Ukraine trade accusations over the shelling of the Zaporizhzhia nuclear power plant';
const SHORT = 'Ferry terminal approved';
const LUKA = 'Łukashenko says Wagner fighters are in Belarus';
const KILIC = 'Kılıçdaroğlu concedes defeat in Turkish runoff';
let bot: RunningBot;
beforeAll(async () => {
  bot = await startBotWith([
    art('zap-guardian', LONG, { outlet: 'The Guardian' }),
    art('zap-reuters', LONG, { outlet: 'Reuters' }),
    art('ferry-terminal-approved', SHORT, { published: '2024-03-01' }),
    art('ferry-terminal-approved-2', SHORT, { published: '2024-03-08' }),
    art('lukashenko-wagner', LUKA, { outlet: 'Reuters' }),
    art('48213', KILIC, { outlet: 'Reuters' }),
    art('48214', 'Wagner fighters seen in Belarus, says Łukashenko', { outlet: 'Reuters' }),
  ]);
}, 240_000);
afterAll(() => stopBot(bot));

describe('/source, a title two articles share', () => {
  it('the reply promises the list tells them apart by outlet', async () => {
    expect((await sourceReply(bot, LONG)).content).toMatch(/pick one from the list, which shows each one's outlet/);
  });

  it('autocomplete labels of two same-titled articles from different outlets differ (long title)', async () => {
    const list = (await choicesFor(bot, LONG)).filter((c) => c.value.startsWith('zap-'));
    expect(list.map((c) => c.value).sort()).toEqual(['zap-guardian', 'zap-reuters']);
    expect(list[0]!.name).not.toBe(list[1]!.name);
  });

  it('autocomplete labels of two same-titled articles without an outlet differ', async () => {
    const list = (await choicesFor(bot, SHORT)).filter((c) => c.value.startsWith('ferry-'));
    expect(list).toHaveLength(2);
    expect(list[0]!.name).not.toBe(list[1]!.name);
  });
});

describe('/source autocomplete without special letters', () => {
  it('fold treats these letters as their plain forms, as it does ğ and é', () => {
    expect(fold('Erdoğan’s')).toBe('erdogans');
    expect(fold('Łukashenko')).toBe('lukashenko');
  });

  it('offers the article while its name is being typed', async () => {
    // With a slug id, the id's ASCII words rescue the search:
    expect((await choicesFor(bot, 'Lukash')).map((c) => c.value)).toContain('lukashenko-wagner');
    // With an id the source gave, nothing is offered:
    expect((await choicesFor(bot, 'Kilic')).map((c) => c.value)).toContain('48213');
    expect((await choicesFor(bot, 'Lukash')).map((c) => c.value)).toContain('48214');
  });

  it('finds a whole title typed without the special letter', async () => {
    const reply = await sourceReply(bot, 'Lukashenko says Wagner fighters are in Belarus');
    expect(reply.embeds?.[0]?.title).toBe(LUKA);
  });

  it('treats ´ typed as an apostrophe like ’', async () => {
    expect(fold('Putin´s')).toBe(fold('Putin’s'));
  });
});
