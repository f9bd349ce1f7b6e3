import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/config.js';
import { locateEvidence, readQuestionSet } from '../src/eval/question-set.js';
import { openPipeline, QuestionError } from '../src/pipeline.js';
import { buildInto, testConfig } from './helpers.js';

const config = testConfig();
await buildInto(config);
const pipeline = await openPipeline(config);
const questions = readQuestionSet(path.join(PROJECT_ROOT, 'eval', 'questions.json'));

describe('answers about the shipped coverage', () => {
  it('quotes the evidence in its top three passages for most of the question set', async () => {
    let hits = 0;
    for (const q of questions.answerable) {
      const answer = await pipeline.ask(q.question);
      const spans = locateEvidence(q.evidence, pipeline.index.articles.values());
      const hit = answer.passages.slice(0, 3).some((p) => {
        const text = pipeline.index.articles.get(p.articleId)!.text;
        const start = text.indexOf(p.text);
        return spans.some((s) => s.articleId === p.articleId && Math.min(start + p.text.length, s.end) - Math.max(start, s.start) >= (s.end - s.start) / 2);
      });
      if (hit) hits++;
    }
    // The bar for the core pipeline is 70 %; `npm run eval` reports the exact figure.
    expect(hits / questions.answerable.length).toBeGreaterThanOrEqual(0.7);
  });

  it('builds the answer object from exact quotes with citations and sources', async () => {
    const answer = await pipeline.ask("Where was Yevgeny Prigozhin's funeral held?");
    expect(answer.found).toBe(true);
    expect(answer.passages.length).toBeGreaterThan(1);
    expect(answer.passages.map((p) => p.quote).join(' ')).toMatch(/cemetery/);
    for (const passage of answer.passages) {
      const article = pipeline.index.articles.get(passage.articleId)!;
      expect(article.text.slice(passage.quoteStart, passage.quoteEnd)).toBe(passage.quote);
      expect(passage.text).toContain(passage.quote);
      expect(article.text).toContain(passage.text);
      expect(passage.title).toBe(article.title);
      expect(answer.answer).toContain(`[${passage.rank}]`);
      expect(answer.sources.map((s) => s.articleId)).toContain(passage.articleId);
    }
    expect(answer.passages.map((p) => p.rank)).toEqual(answer.passages.map((_, i) => i + 1));
  });

  it('never quotes the same sentence twice', async () => {
    const answer = await pipeline.ask('What did Kremlin spokesman Dmitry Peskov say?', { passages: 10 });
    expect(answer.passages.length).toBeGreaterThan(1);
    const ranges = answer.passages.map((p) => ({ id: p.articleId, start: p.quoteStart, end: p.quoteEnd }));
    for (const [i, a] of ranges.entries()) {
      for (const b of ranges.slice(i + 1)) expect(a.id === b.id && a.start < b.end && b.start < a.end).toBe(false);
    }
  });

  it.each(['What is the capital of Australia?', 'How do I bake sourdough bread?', 'Who won the Premier League last season?'])(
    'says the coverage does not answer "%s", quoting nothing',
    async (question) => {
      const answer = await pipeline.ask(question);
      expect(answer).toMatchObject({ found: false, passages: [], sources: [] });
      expect(answer.answer).toMatch(/coverage doesn't say/);
    },
  );

  it.each([
    ['', /empty/],
    ['   \n\t ', /empty/],
    ['why '.repeat(200), /characters long; please keep it under 500/],
  ])('refuses the bad question %#', async (question, message) => {
    await expect(pipeline.ask(question)).rejects.toThrow(QuestionError);
    await expect(pipeline.ask(question)).rejects.toThrow(message);
  });
});
