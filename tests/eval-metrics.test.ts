import { describe, expect, it } from 'vitest';
import { documentsFromChunks, mrrAt, ndcgAt, recallAt } from '../src/eval/metrics.js';
import { SHORT_ANSWER_SHOWN, type Answer } from '../src/answer.js';
import { shownShortAnswers } from '../src/eval/squad.js';
import type { Article } from '../src/corpus/types.js';
import { hitRank, locateEvidence, readQuestionSet } from '../src/eval/question-set.js';
import { PROJECT_ROOT } from '../src/config.js';
import { holdsAnswerForm, readNewsQuestions, scoreNews, withheldCorpus } from '../src/eval/news-reading.js';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from './helpers.js';

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

describe('the question sets', () => {
  // With five articles, people writing questions blind ask the same ones ("How old is Kim Jong-un?"): a question
  // in both sets would make the held-out set's figure one the tuning already saw.
  const key = (question: string) => question.toLowerCase().replace(/['’]/g, '').replace(/[^a-z0-9]+/g, ' ').trim();
  const questions = (file: string) => {
    const set = readQuestionSet(path.join(PROJECT_ROOT, 'eval', file));
    return [...set.answerable, ...set.offTopic].map((q) => ({ id: q.id, key: key(q.question) }));
  };

  it('ask no tuning question twice, and none the held-out set asks', () => {
    const tuning = questions('questions.json');
    const heldOut = new Map(questions('questions-holdout.json').map((q) => [q.key, q.id]));
    expect(key("Whats the capital of Australia?")).toBe(key('whats the capital of australia'));
    const seen = new Map<string, string>();
    const repeated = tuning.filter((q) => seen.has(q.key) || !seen.set(q.key, q.id)).map((q) => `${q.id} = ${seen.get(q.key)}`);
    expect(repeated).toEqual([]);
    expect(tuning.filter((q) => heldOut.has(q.key)).map((q) => `${q.id} = ${heldOut.get(q.key)}`)).toEqual([]);
    expect(tuning.length).toBeGreaterThan(300);
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
  const answer = (...passages: ReturnType<typeof passage>[]): Answer => ({ question: 'q', found: true, sure: true, confidence: passages[0]?.score ?? 0, shortAnswer: null, answer: '', passages, sources: [] });

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

describe('news reading (NQ-UTD) scores', () => {
  const passage = (id: string, text: string) => JSON.stringify({ _id: id, title: '', text });

  it('reads each question with its published answer, its forms and the passages judged relevant', async () => {
    const dir = tempDir();
    // As published: Python's bare NaN in a field, numbers as answers, a query with no relevant passage.
    writeFileSync(
      path.join(dir, 'queries.jsonl'),
      [
        '{"_id": "q1", "text": "How many titles has she won?", "metadata": {"answer": "Seven", "Gemini": NaN}}',
        '{"_id": "q2", "text": "How much did sales rise?", "metadata": {"answer": 0.687}}',
        '{"_id": "q3", "text": "Who won?", "metadata": {"answer": "Nobody"}}',
      ].join('\n'),
    );
    const qrels = new Map([
      ['q1', new Map([['d1', 2], ['d2', 0]])],
      ['q2', new Map([['d3', 1]])],
      ['q3', new Map([['d4', 0]])],
    ]);
    const questions = await readNewsQuestions(dir, qrels);
    expect(questions.map((q) => q.id)).toEqual(['q1', 'q2']);
    expect(questions[0]!.answers).toEqual(['Seven', '7']);
    expect(questions[1]!.answers).toEqual(['0.687', '68.7']);
    expect([...questions[0]!.relevant]).toEqual(['d1']);

    // The near misses' corpus keeps the same topic's passages that neither were judged relevant nor hold an answer.
    const corpus = [passage('d1', 'She has won seven titles.'), passage('d2', 'She won 7 of them at home.'), passage('d3', 'Sales rose 68.7%.'), passage('d4', 'She plays on clay.')];
    expect(withheldCorpus(corpus, questions).map((l) => JSON.parse(l)._id)).toEqual(['d4']);
    expect(holdsAnswerForm('Sales rose 68.7% in December', questions[1]!.answers)).toBe(true);
    expect(holdsAnswerForm('Sales rose 687 units', ['68.7'])).toBe(true); // as SQuAD normalises: punctuation goes
    expect(holdsAnswerForm('She won seventeen', questions[0]!.answers)).toBe(false);
  });

  it('counts quotes, short answers, refusals and near misses at a threshold', () => {
    const question = { id: 'q1', text: 'How many titles?', answers: ['Seven', '7'], relevant: new Set(['d1']) };
    const answer = (articleId: string, quote: string, confidence: number, short?: string): Answer =>
      ({ question: '', found: true, sure: true, confidence, shortAnswer: short ? { text: short, articleId, start: 0, end: short.length, confidence } : null, answer: '', passages: [{ rank: 1, articleId, title: '', quote, text: quote, chunk: 0, score: confidence, quoteStart: 0, quoteEnd: quote.length, sentenceStart: 0 }], sources: [] }) as Answer;
    const runs = [
      { question, answer: answer('d1', 'She has won seven titles.', 0.5, 'seven'), nearMiss: answer('d4', 'She plays on clay.', 0.01), findable: true, asksFact: true },
      { question, answer: answer('d2', 'She lost.', 0.04), nearMiss: answer('d4', 'She plays on clay.', 0.3), findable: true, asksFact: true },
    ];
    const at = (fact: number) => ({ fact, open: fact });
    const low = scoreNews(runs, at(0.035));
    expect(low).toMatchObject({ firstPassageRelevant: 0.5, answerInFirstQuote: 0.5, answerInQuotes: 0.5, shortExact: 0.5, answered: 1, nearMissesRefused: 0.5 });
    const high = scoreNews(runs, at(0.1));
    expect(high).toMatchObject({ answered: 0.5, nearMissesRefused: 0.5, answerInFirstQuote: 0.5 });
    expect(scoreNews(runs, at(0.6))).toMatchObject({ answered: 0, nearMissesRefused: 1, answerInFirstQuote: 0, shortF1: 0 });
    // A question asking for an account is held to the open threshold, never above the one for facts.
    const open = [{ ...runs[1]!, asksFact: false }];
    expect(scoreNews(open, { fact: 0.1, open: 0.02 })).toMatchObject({ answered: 1, nearMissesRefused: 0 });
    expect(scoreNews(open, { fact: 0.02, open: 0.05 })).toMatchObject({ answered: 1, nearMissesRefused: 0 });
    expect(scoreNews(open, { fact: 0.05, open: 0.05 })).toMatchObject({ answered: 0, nearMissesRefused: 0 });
  });
});

describe('short answers shown', () => {
  it('counts only those a user sees, and scores them against the gold', () => {
    const answer = (text: string, confidence: number, sure = true): Answer => ({
      question: 'q', found: true, sure, confidence: 0.5, shortAnswer: { text, articleId: 'a', start: 0, end: text.length, confidence }, answer: '', passages: [], sources: [],
    });
    const runs = [
      { answer: answer('the Eiffel Tower', 0.9), golds: ['Eiffel Tower'] },
      { answer: answer('Paris France', SHORT_ANSWER_SHOWN), golds: ['Paris'] },
      { answer: answer('London', SHORT_ANSWER_SHOWN - 0.01), golds: ['London'] },
      { answer: answer('Berlin', 0.9, false), golds: ['Berlin'] },
    ];
    const shown = shownShortAnswers(runs);
    expect(shown.share).toBe(50);
    expect(shown.exact).toBe(50);
    expect(shown.f1).toBeCloseTo((100 + (100 * 2) / 3) / 2, 6);
  });
});
