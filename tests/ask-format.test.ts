/** How `npm run ask` prints an answer's quotes: each in one pair of quotation marks. */
import { describe, expect, it } from 'vitest';
import type { Answer } from '../src/answer.js';
import { formatAnswer } from '../src/cli/ask.js';

function answerWith(quotes: string[]): Answer {
  return {
    question: 'What did he say?',
    found: true,
    sure: false,
    confidence: 0.1,
    shortAnswer: null,
    answer: quotes.join(' '),
    passages: quotes.map((quote, i) => ({ rank: i + 1, articleId: 'a', title: 'A story', quote, text: quote, chunk: i, score: 0.5, quoteStart: 0, quoteEnd: quote.length, sentenceStart: 0 })),
    sources: [{ articleId: 'a', title: 'A story' }],
  };
}

describe('npm run ask, the quotes', () => {
  it('puts each quote in one pair of quotation marks, the ones it has of its own included', () => {
    const lines = formatAnswer(answerWith(['He left on Monday.', '“We will win,” he said.', 'We pay a high price, repaid only with blood.”'])).split('\n');
    expect(lines).toContain('[1] “He left on Monday.”');
    expect(lines).toContain('[2] “We will win,” he said.');
    // A sentence split inside a quotation ends on its closing mark: it gets the opening one only.
    expect(lines).toContain('[3] “We pay a high price, repaid only with blood.”');
  });
});
