/**
 * The bot's poll for a new index (src/bot/index-watch.ts) while the database is out of reach: said once (then at
 * most every WARNING_EVERY_MS), not as a new index that cannot be loaded at every poll; said again when it answers.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { watchIndex } from '../src/bot/index-watch.js';
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
      // A second outage within the throttle's time is not said again; a version that cannot be used is.
      expect.stringMatching(/^warn A new index was found but cannot be loaded; still using the previous one \| The index in .* cannot be used: another model/),
    ]);
    expect(lines.join('\n')).not.toContain('s3cret');
  });
});
