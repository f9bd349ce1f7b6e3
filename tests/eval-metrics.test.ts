import { describe, expect, it } from 'vitest';
import { documentsFromChunks, mrrAt, ndcgAt, recallAt } from '../src/eval/metrics.js';
import type { Answer } from '../src/answer.js';
import type { Article } from '../src/corpus/types.js';
import { hitRank, locateEvidence } from '../src/eval/question-set.js';

describe('evaluation metrics', () => {
  const judgments = new Map([
    ['a', 2],
    ['b', 1],
    ['c', 0],
  ]);

  it('computes nDCG@k with graded gains as trec_eval does', () => {
    expect(ndcgAt(['a', 'b'], judgments, 10)).toBeCloseTo(1, 10);
    const dcg = 1 / Math.log2(2) + 2 / Math.log2(3);
    const idcg = 2 / Math.log2(2) + 1 / Math.log2(3);
    expect(ndcgAt(['b', 'a'], judgments, 10)).toBeCloseTo(dcg / idcg, 10);
    expect(ndcgAt(['c', 'x'], judgments, 10)).toBe(0);
  });

  it('computes recall and reciprocal rank over relevant documents only', () => {
    expect(recallAt(['x', 'a', 'c'], judgments, 2)).toBe(0.5);
    expect(recallAt(['a', 'b'], judgments, 10)).toBe(1);
    expect(mrrAt(['c', 'x', 'b'], judgments, 10)).toBeCloseTo(1 / 3, 10);
    expect(mrrAt(['c'], judgments, 10)).toBe(0);
  });

  it('ranks documents by their best chunk', () => {
    expect(documentsFromChunks(['d2', 'd1', 'd2', 'd3', 'd1'])).toEqual(['d2', 'd1', 'd3']);
  });
});

describe('question-set hits', () => {
  const text = 'Kim arrived by train. He met Putin at Vostochny. They talked for hours.';
  const article = { id: 'summit', title: 'Summit', text, captions: [], source: 'test' } as Article;
  const articles = new Map([[article.id, article]]);
  const spans = locateEvidence(['He met Putin at Vostochny'], [article]);
  const passage = (quote: string, score: number) => {
    const quoteStart = text.indexOf(quote);
    return { rank: 1, articleId: 'summit', title: 'Summit', quote, text, chunk: 0, score, quoteStart, quoteEnd: quoteStart + quote.length, sentenceStart: quoteStart };
  };
  const answer = (...passages: ReturnType<typeof passage>[]): Answer => ({ question: 'q', found: true, confidence: passages[0]?.score ?? 0, shortAnswer: null, answer: '', passages, sources: [] });

  it('counts a passage whose chunk holds the evidence, and on quotes only when the quote does', () => {
    const wrongQuote = answer(passage('They talked for hours.', 0.5));
    expect(hitRank(wrongQuote, spans, articles, 0)).toBe(1);
    expect(hitRank(wrongQuote, spans, articles, 0, 'quote')).toBeUndefined();
    expect(hitRank(answer(passage('Kim arrived by train.', 0.5), passage('He met Putin at Vostochny.', 0.45)), spans, articles, 0, 'quote')).toBe(2);
  });

  it('counts nothing under the threshold', () => {
    expect(hitRank(answer(passage('He met Putin at Vostochny.', 0.3)), spans, articles, 0.4)).toBeUndefined();
  });
});
