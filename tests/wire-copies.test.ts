/**
 * A wire story two outlets ran word for word: its sentences are in both articles, and an answer quotes them once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Article } from '../src/corpus/types.js';
import { buildTestIndex, type TestIndex } from './bot-helpers.js';

const WIRE =
  'Councillors in Saltmarsh approved the new ferry terminal by 29 votes to 14 on Tuesday night.\n\n' +
  'The terminal will cost £42m and is due to open in the spring of 2026, the council said.\n\n' +
  'Opponents said the harbour could not take the extra traffic.';
const copy = (id: string, outlet: string): Article => ({ id, title: `Saltmarsh approves ferry terminal (${outlet})`, text: WIRE, captions: [], source: `${id}.md`, outlet });

let index: TestIndex;
beforeAll(async () => {
  index = await buildTestIndex([copy('ferry-terminal-tribune', 'Riverside Tribune'), copy('ferry-terminal-echo', 'Saltmarsh Echo')]);
}, 240_000);
afterAll(async () => {
  await index?.pipeline.close();
  await index?.cleanup();
});

describe('a story two outlets ran word for word', () => {
  it('is quoted once in an answer, not once for each copy', async () => {
    const answer = await index.pipeline.ask('How much will the Saltmarsh ferry terminal cost?', { passages: 5 });
    const quotes = answer.passages.map((p) => p.quote.replace(/\s+/g, ' ').trim().toLowerCase());
    expect(quotes.some((q) => q.includes('£42m'))).toBe(true);
    expect(new Set(quotes).size).toBe(quotes.length);
    expect(answer.passages.map((p) => p.rank)).toEqual(answer.passages.map((_, i) => i + 1));
    expect(answer.answer.split('£42m')).toHaveLength(2);
  });
});
