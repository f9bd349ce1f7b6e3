/**
 * The bot's poll for a new index (src/bot/index-watch.ts) while the database is out of reach: said when an outage
 * starts (then at most every WARNING_EVERY_MS), not as a new index that cannot be loaded at every poll; said again
 * when it answers; a second outage said too, brief ones within OUTAGE_LINES_MS of the last line counted instead.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OUTAGE_LINES_MS, watchIndex } from '../src/bot/index-watch.js';
import { WARNING_EVERY_MS } from '../src/bot/warnings.js';
import { databaseFailure } from '../src/db/connect.js';
import { IndexError } from '../src/index/store.js';
import type { Pipeline } from '../src/pipeline.js';
import { memoryLogger } from './bot-helpers.js';

const URL = 'postgres://bot:s3cret@127.0.0.1:5432/news';
const refused = () => databaseFailure(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }), URL)!;

/** A pipeline whose polls end as `outcomes` say, one each, then find nothing new. */
function polling(outcomes: (() => Promise<boolean>)[]): Pipeline & { polls: number } {
  const pipeline = {
    polls: 0,
    index: { version: 'v-live' },
    reload: () => (outcomes[pipeline.polls++] ?? (() => Promise.resolve(false)))(),
  };
  return pipeline as unknown as Pipeline & { polls: number };
}

let timer: NodeJS.Timeout | undefined;
afterEach(() => clearInterval(timer));

describe("the bot's poll for a new index", () => {
  it('says once that the database cannot be reached, not at every poll that a new index cannot be loaded, and when it answers again', async () => {
    const down = Array.from({ length: 25 }, () => () => Promise.reject(refused()));
    const damaged = () => Promise.reject(new IndexError('The index in database news on 127.0.0.1:5432 cannot be used: another model. Run `npm run embed` to rebuild it.'));
    const pipeline = polling([...down, () => Promise.resolve(false), ...down.slice(0, 3), damaged]);
    const logger = memoryLogger();
    timer = watchIndex(pipeline, logger, 5);
    await vi.waitFor(() => expect(pipeline.polls).toBeGreaterThan(31), { timeout: 10_000 });
    const lines = logger.lines.map((l) => `${l.level} ${l.message}${l.meta?.error ? ` | ${String(l.meta.error)}` : ''}`);
    expect(lines).toEqual([
      expect.stringMatching(
        /^warn The database cannot be reached: still answering from index v-live, and looking for a new one every 0\.005 s \(this is said again every 10 minutes while it lasts\) \| Cannot connect to the database news on 127\.0\.0\.1:5432: the connection was refused/,
      ),
      'info The database answers again.',
      // A second outage within OUTAGE_LINES_MS of the first line, over before then, is not said; a version that cannot be used is.
      expect.stringMatching(/^warn A new index was found but cannot be loaded; still using the previous one \| The index in .* cannot be used: another model/),
    ]);
    expect(lines.join('\n')).not.toContain('s3cret');
  });

  it('says a new index is in use, not that it cannot be loaded, when only making its titles searchable fails', async () => {
    // The version swapped in, whose articles cannot be listed (a bug in the making of /source's title search).
    const swapped = {
      version: 'v-new',
      manifest: { counts: { articles: 3, chunks: 9 }, model: { id: 'local/universal-sentence-encoder-lite' } },
      articles: { values: () => { throw new Error('titles unreadable'); } },
    };
    const pipeline = polling([() => (Object.assign(pipeline, { index: swapped }), Promise.resolve(true))]);
    const logger = memoryLogger();
    timer = watchIndex(pipeline, logger, 5);
    await vi.waitFor(() => expect(pipeline.polls).toBeGreaterThan(3), { timeout: 10_000 });
    expect(logger.lines.map((l) => `${l.level} ${l.message}${l.meta?.error ? ` | ${(l.meta.error as Error).message}` : ''}`)).toEqual([
      'info Loaded the new index: 3 articles, 9 chunks, model local/universal-sentence-encoder-lite, index v-new',
      'error The new index is in use, but its titles could not be made searchable for /source (a bug) | titles unreadable',
    ]);
  });

  /**
   * The log of a poll every second, on a clock of vi's, whose polls end as `timeline` says, one character each: D the
   * database refused, X a version that cannot be used (the database answered), U nothing new. Each line is
   * "<seconds in> s: <level> <message>", the outage line's fixed part read as "unreachable".
   */
  async function pollTimeline(timeline: string): Promise<string[]> {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date', 'performance'] });
    try {
      const damaged = () => Promise.reject(new IndexError('The index in database news on 127.0.0.1:5432 cannot be used: another model. Run `npm run embed` to rebuild it.'));
      const pipeline = polling([...timeline].map((c) => (c === 'D' ? () => Promise.reject(refused()) : c === 'X' ? damaged : () => Promise.resolve(false))));
      const logger = memoryLogger();
      const started = Date.now();
      const at: number[] = [];
      const timed = { ...logger, info: (m: string, meta?: Record<string, unknown>) => (at.push(Date.now()), logger.info(m, meta)), warn: (m: string, meta?: Record<string, unknown>) => (at.push(Date.now()), logger.warn(m, meta)) };
      timer = watchIndex(pipeline, timed, 1000);
      for (let i = 0; i < timeline.length + 2; i++) await vi.advanceTimersByTimeAsync(1000);
      expect(pipeline.polls).toBeGreaterThanOrEqual(timeline.length);
      clearInterval(timer);
      timer = undefined;
      return logger.lines.map((l, i) => `${(at[i]! - started) / 1000} s: ${l.level} ${l.message.replace(/^The database cannot be reached: .*\(this is said again every 10 minutes while it lasts\)/, 'unreachable')}`);
    } finally {
      vi.useRealTimers();
    }
  }

  it('says each outage, a second one minutes later too, and counts brief ones that keep coming instead of saying each', async () => {
    const timeline = ['DDD', 'U'.repeat(121), 'DDD', 'U', 'DU'.repeat(6), 'D'.repeat(720), 'U'].join('');
    // Poll n (from 1) runs n seconds in: the second outage starts at poll 125, the brief ones at 129 to 139, the long one at 141.
    const second = 125;
    expect(await pollTimeline(timeline)).toEqual([
      '1 s: warn unreachable',
      '4 s: info The database answers again.',
      // Two minutes later: a second outage, said, and its end.
      `${second} s: warn unreachable`,
      `${second + 3} s: info The database answers again.`,
      // Six outages of a second each, within a minute of that line: counted. The long one after them is said once a
      // minute has passed since the last line, with the count; then every ten minutes while it lasts.
      `${second + OUTAGE_LINES_MS / 1000} s: warn unreachable (it was also out of reach 6 times, briefly, since the last time this was said)`,
      `${second + (OUTAGE_LINES_MS + WARNING_EVERY_MS) / 1000} s: warn unreachable`,
      `${timeline.length} s: info The database answers again.`,
    ]);
  });

  it('ends an outage at a poll the database answers with an error, and says brief outages once it keeps answering', async () => {
    expect(await pollTimeline(`DXDX${'U'.repeat(70)}`)).toEqual([
      '1 s: warn unreachable',
      '2 s: info The database answers again.',
      '2 s: warn A new index was found but cannot be loaded; still using the previous one',
      // A second outage a second long, within a minute of the first line: counted, and said once a minute has passed.
      '4 s: warn A new index was found but cannot be loaded; still using the previous one',
      `${1 + OUTAGE_LINES_MS / 1000} s: info The database answers, and was out of reach once, briefly, since the last time this was said.`,
    ]);
  });
});
