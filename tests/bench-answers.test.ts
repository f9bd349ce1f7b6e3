/**
 * The bench's whole answers on a local index, timed in a process of its own that holds only that index
 * (scripts/bench/answer-process.mjs, the build the bot runs). Real shipped index, real model, a real process.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { shippedQuestions } from '../scripts/bench/questions.js';
import { timeAnswersApart } from '../scripts/bench/sizes.js';
import type { Config } from '../src/config.js';
import { buildInto, tempDir, testConfig } from './helpers.js';

let config: Config;

beforeAll(async () => {
  config = testConfig();
  await buildInto(config);
});

describe('answers timed in a process of their own', () => {
  it('gives each question’s wall and CPU time, and what the answering process holds', async () => {
    const timed = await timeAnswersApart(config.embeddingsDir, shippedQuestions(12));
    for (const p of [timed.ask, timed.askCpu]) {
      expect(p.p50).toBeGreaterThan(0);
      expect(p.p95).toBeGreaterThanOrEqual(p.p50);
      expect(p.p99).toBeGreaterThanOrEqual(p.p95);
    }
    // A process that loaded the model and the index holds tens of megabytes at least; its peak is at least what it holds.
    expect(timed.servingRssKb).toBeGreaterThan(50 * 1024);
    // Its own peak (VmHWM on Linux): a few hundred megabytes for the shipped coverage.
    expect(timed.servingPeakRssKb).toBeLessThan(1024 * 1024);
  });

  it('fails with the answering process’s own words when there is no index', async () => {
    await expect(timeAnswersApart(tempDir('coverage-bot-no-index-'), shippedQuestions(2))).rejects.toThrow(/the answering process for .* exited with 1: [\s\S]*npm run embed/);
  });
});
