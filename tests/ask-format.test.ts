/** How `npm run ask` prints an answer's quotes: each in one pair of quotation marks. */
import { describe, expect, it } from 'vitest';
import type { Answer } from '../src/answer.js';
import { formatAnswer } from '../src/cli/answer-text.js';

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
    const quotes = ['He left on Monday.', '“We will win,” he said.', 'We pay a high price, repaid only with blood.”', 'Peskov described the talks as “constructive.”', 'He said: "We are ready"', 'we are ready," he said.'];
    const lines = formatAnswer(answerWith(quotes)).split('\n');
    expect(lines).toContain('[1] “He left on Monday.”');
    expect(lines).toContain('[2] “We will win,” he said.');
    // A sentence split inside a quotation ends on its closing mark: it gets the opening one only.
    expect(lines).toContain('[3] “We pay a high price, repaid only with blood.”');
    // One that closes a quotation of its own is wrapped whole.
    expect(lines).toContain('[4] “Peskov described the talks as “constructive.””');
    expect(lines).toContain('[5] “He said: "We are ready"”');
    expect(lines).toContain('[6] “we are ready," he said.”');
  });

  it('prints a quote over two paragraphs, and the answer quoting it, with one space where the paragraphs meet', () => {
    const lines = formatAnswer(answerWith(['He would not be attending.\n\n“The farewell took place in a closed format.”'])).split('\n');
    expect(lines).toContain("[1] “He would not be attending. “The farewell took place in a closed format.””");
    expect(lines).toContain('He would not be attending. “The farewell took place in a closed format.”');
    // A headline the quote opens with is set off from the sentence after it, not run into it.
    const headed = formatAnswer(answerWith(['Is the torture of Ukrainian captives random\n\nRussia prepared to welcome them.'])).split('\n');
    expect(headed).toContain('[1] “Is the torture of Ukrainian captives random — Russia prepared to welcome them.”');
  });
});
