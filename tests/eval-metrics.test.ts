import { describe, expect, it } from 'vitest';
import { documentsFromChunks, mrrAt, ndcgAt, recallAt } from '../src/eval/metrics.js';

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
