/**
 * Periods over coverage that mixes dated and undated articles: the shipped pages (undated) and an article an
 * outlet dated, as a newsroom's archive plus its feeds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Article } from '../src/corpus/types.js';
import { formatAnswer } from '../src/cli/answer-text.js';
import { periodFromBounds } from '../src/dates.js';
import { answerEmbed } from '../src/bot/format/index.js';
import { buildTestIndex, type TestIndex } from './bot-helpers.js';

const NOW = Date.parse('2025-06-10T12:00:00Z');
const MONGOLIA: Article = {
  id: 'putin-visits-mongolia',
  title: 'Putin arrives in Mongolia on a state visit',
  text: 'Vladimir Putin arrived in Ulaanbaatar on Monday for a state visit to Mongolia, his first trip abroad this year.\n\nThe Mongolian president met him at the airport.',
  captions: [],
  source: 'mongolia.md',
  outlet: 'Steppe Herald',
  published: '2025-06-02',
  modified: '2025-06-03T08:00:00Z',
};

let index: TestIndex;
beforeAll(async () => {
  index = await buildTestIndex([MONGOLIA]);
}, 240_000);
afterAll(async () => {
  await index?.pipeline.close();
  await index?.cleanup();
});

describe('a time phrase over dated and undated articles', () => {
  it('searches only the articles dated in its period when there are any', async () => {
    const answer = await index.pipeline.ask('Which country did Putin visit in 2025?', { now: NOW });
    expect(answer.period).toEqual({ since: '2025-01-01', until: '2025-12-31', phrase: 'in 2025' });
    expect(answer.passages.length).toBeGreaterThan(0);
    expect(answer.passages.every((p) => p.articleId === MONGOLIA.id)).toBe(true);
    // A source says when its outlet updated it.
    expect(answer.sources).toMatchObject([{ articleId: MONGOLIA.id, published: '2025-06-02', modified: '2025-06-03T08:00:00Z' }]);
  });

  it('searches the undated articles too when none is dated in its period', async () => {
    const answer = await index.pipeline.ask('Which country did Putin visit in 2023?', { now: NOW });
    // And says so: the answer may come from an article published at any time.
    expect(answer.period).toEqual({ since: '2023-01-01', until: '2023-12-31', phrase: 'in 2023', undated: true });
    expect(formatAnswer(answer).split('\n')).toContain('   (articles published from 2023-01-01 until 2023-12-31, read from "in 2023"; no article is dated then, so the undated ones were searched)');
    expect(answer.passages.length).toBeGreaterThan(0);
    expect(answer.passages.some((p) => p.articleId !== MONGOLIA.id)).toBe(true);
  });

  it('answers "what happened" in a period with what its articles say, quoted and not sure; nothing when none is dated then', async () => {
    for (const question of ['What happened this month?', "what's new this month", 'Any news in June 2025?']) {
      const answer = await index.pipeline.ask(question, { now: NOW });
      expect(answer.found, question).toBe(true);
      expect(answer.sure, question).toBe(false);
      expect(answer.passages.length, question).toBeGreaterThan(0);
      expect(answer.passages.every((p) => p.articleId === MONGOLIA.id), question).toBe(true);
    }
    // Not from undated articles when none is dated in the period: they may be of any time.
    expect((await index.pipeline.ask('What happened in 2023?', { now: NOW })).found).toBe(false);
    // Without a period there is nothing to read for, and nothing is quoted; nor when the period holds no article.
    expect((await index.pipeline.ask('What happened?', { now: NOW })).found).toBe(false);
    const empty = periodFromBounds({ since: '2024-01', until: '2024-02' }, { since: '--since', until: '--until' }, NOW);
    const none = await index.pipeline.ask('What happened?', { period: empty, now: NOW });
    expect(none.found).toBe(false);
    // It says that no article was published then, not that no passage answers.
    expect(none.answer).toBe('No article of the coverage was published from 2024-01-01 until 2024-02-29.');
    expect(none.period).toEqual({ since: '2024-01-01', until: '2024-02-29', empty: true });
    expect(answerEmbed(none).description).toBe('No article of the coverage was published from 2024-01-01 until 2024-02-29: there was nothing to search. Ask without the period, or with a wider one.');
  });

  it('leaves the phrase out of what is searched when --since and --until set the period', async () => {
    const period = periodFromBounds({ since: '2025-06' }, { since: '--since', until: '--until' }, NOW);
    const flagged = await index.pipeline.ask('Where did Putin arrive last week?', { period, now: NOW });
    const plain = await index.pipeline.ask('Where did Putin arrive?', { period, now: NOW });
    // The period is the flags', not the phrase's, and the question is read as if it were not there.
    expect(flagged.period).toEqual({ since: '2025-06-01' });
    expect(flagged.confidence).toBe(plain.confidence);
    expect(flagged.passages.map((p) => [p.articleId, p.quoteStart])).toEqual(plain.passages.map((p) => [p.articleId, p.quoteStart]));
  });

  it('shows a question\'s period in days, one that runs until now too', async () => {
    const now = Date.parse('2025-06-04T12:34:56.789Z');
    expect((await index.pipeline.ask('Where did Putin arrive this week?', { now })).period).toEqual({ since: '2025-06-02', until: '2025-06-04', phrase: 'this week' });
    const period = periodFromBounds({ until: '7d' }, { since: '--since', until: '--until' }, now);
    expect((await index.pipeline.ask('Where did Putin arrive?', { period, now })).period).toEqual({ until: '2025-05-28T12:34:56Z', empty: true });
  });

  it('shows a bound given as a date-time as one, not as its whole day', async () => {
    const period = periodFromBounds({ since: '2025-06-02T12:00:00Z', until: '2025-06-02' }, { since: '--since', until: '--until' }, NOW);
    expect((await index.pipeline.ask('Where did Putin arrive?', { period, now: NOW })).period).toEqual({ since: '2025-06-02T12:00:00Z', until: '2025-06-02' });
  });
});
