import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { INVISIBLE } from '../src/plain-text.js';
import { PROJECT_ROOT } from '../src/config.js';
import {
  articleAsDocument,
  bestOverGold,
  exactMatch,
  f1Score,
  loadSquadSplit,
  normalizeAnswer,
  readSquadFile,
  squadScores,
  TEST_ARTICLES,
  type SquadArticle,
} from '../src/eval/squad.js';

const sharedEvalDir = path.join(path.resolve(PROJECT_ROOT, '..', 'shared'), 'eval');

describe('SQuAD metrics (evaluate-v2.0.py)', () => {
  it('normalises case, punctuation, articles and white space', () => {
    expect(normalizeAnswer('The  Denver Broncos!')).toBe('denver broncos');
    expect(normalizeAnswer("A man, an apple & the\tcat's hat.")).toBe('man apple cats hat');
    expect(normalizeAnswer('theory Anthem')).toBe('theory anthem');
    expect(normalizeAnswer('the-end')).toBe('theend'); // punctuation goes before articles
    expect(normalizeAnswer('éthe café')).toBe('éthe café');
    expect(normalizeAnswer('  ')).toBe('');
  });

  it('scores exact match', () => {
    expect(exactMatch('the Denver Broncos', 'Denver Broncos')).toBe(1);
    expect(exactMatch('Denver Broncos.', 'denver broncos')).toBe(1);
    expect(exactMatch('Broncos', 'Denver Broncos')).toBe(0);
  });

  it('scores token F1', () => {
    expect(f1Score('Broncos won', 'Denver Broncos')).toBeCloseTo(0.5);
    expect(f1Score('the Denver Broncos', 'Denver Broncos')).toBe(1);
    // precision 1/1, recall 1/3 → F1 0.5
    expect(f1Score('Broncos', 'Denver Broncos team')).toBeCloseTo(0.5);
    // repeated tokens count once each: common = {a: 1}... with non-article tokens: x x y vs x → p 1/3, r 1
    expect(f1Score('x x y', 'x')).toBeCloseTo(0.5);
    expect(f1Score('Carolina Panthers', 'Denver Broncos')).toBe(0);
    expect(f1Score('', 'Denver')).toBe(0);
    expect(f1Score('the', '')).toBe(1);
  });

  it('takes the best gold, and treats unanswerable questions as gold ""', () => {
    expect(bestOverGold(f1Score, 'Broncos won', ['Carolina', 'Denver Broncos', 'Broncos'])).toBeCloseTo(2 / 3);
    expect(bestOverGold(exactMatch, '', [''])).toBe(1);
    expect(bestOverGold(exactMatch, '', [])).toBe(1);
    expect(bestOverGold(f1Score, 'Denver', [''])).toBe(0);
    // Golds that normalise to nothing are dropped, as in the official script.
    expect(bestOverGold(exactMatch, '', ['the', 'Denver'])).toBe(0);
  });

  it('aggregates percent scores like the official script', () => {
    const scores = squadScores([
      { prediction: 'the Denver Broncos', golds: ['Denver Broncos'], impossible: false },
      { prediction: 'Broncos won', golds: ['Denver Broncos'], impossible: false },
      { prediction: '', golds: [], impossible: true },
      { prediction: 'Oxygen', golds: [], impossible: true },
    ]);
    expect(scores).toEqual({
      exact: 50,
      f1: 62.5,
      hasAnsExact: 50,
      hasAnsF1: 75,
      noAnsExact: 50,
      total: 4,
      hasAnsTotal: 2,
      noAnsTotal: 2,
    });
  });
});

describe('articleAsDocument', () => {
  it('maps paragraph offsets into the joined text', () => {
    const article: SquadArticle = {
      title: 'Fresno,_California',
      version: '2.0',
      paragraphs: [
        { context: 'Alpha beta.', questions: [{ id: 'q1', question: '?', answers: [{ text: 'beta', start: 6 }], impossible: false, plausible: [] }] },
        { context: 'Gamma delta.', questions: [{ id: 'q2', question: '?', answers: [], impossible: true, plausible: [{ text: 'delta', start: 6 }] }] },
      ],
    };
    const { document, questions } = articleAsDocument(article);
    expect(document).toEqual({ id: 'fresno-california', title: 'Fresno, California', text: 'Alpha beta.\n\nGamma delta.' });
    expect(questions[1]).toMatchObject({ paragraph: 1, paragraphStart: 13, paragraphEnd: 25, documentPlausible: [{ text: 'delta', start: 19, end: 24 }] });
    expect(questions[0]!.documentAnswers).toEqual([{ text: 'beta', start: 6, end: 10 }]);
  });
});

describe.skipIf(!existsSync(sharedEvalDir))('SQuAD data in ../shared/eval', () => {
  it('splits by article with no test article in train', async () => {
    const { train, test, test11 } = await loadSquadSplit(sharedEvalDir);
    expect(train.filter((a) => a.version === '2.0')).toHaveLength(25);
    expect(train.filter((a) => a.version === '1.1')).toHaveLength(13);
    expect(train).toHaveLength(38);
    expect(test.map((a) => a.title)).toEqual(TEST_ARTICLES);
    expect(test11.map((a) => a.title)).toEqual(TEST_ARTICLES);
    expect(test11.every((a) => a.version === '1.1')).toBe(true);
    const testQuestions = test.flatMap((a) => a.paragraphs.flatMap((p) => p.questions));
    expect(testQuestions.filter((q) => !q.impossible)).toHaveLength(1951);
    expect(testQuestions.filter((q) => q.impossible)).toHaveLength(1905);
    const test11Questions = test11.flatMap((a) => a.paragraphs.flatMap((p) => p.questions));
    expect(test11Questions.every((q) => !q.impossible && q.answers.length > 0)).toBe(true);
    const trainTitles = new Set(train.map((a) => a.title));
    expect(TEST_ARTICLES.filter((t) => trainTitles.has(t))).toEqual([]);
  });

  it('locates every answer and plausible answer of both files in its article document', async () => {
    const articles = [
      ...(await readSquadFile(path.join(sharedEvalDir, 'squad-v2.0', 'dev-v2.0.json'), '2.0')),
      ...(await readSquadFile(path.join(sharedEvalDir, 'squad-v1.1', 'dev-v1.1.json'), '1.1')),
    ];
    expect(articles).toHaveLength(35 + 48);
    let spans = 0;
    const wrong: string[] = [];
    for (const article of articles) {
      const { document, questions } = articleAsDocument(article);
      for (const q of questions) {
        const originals = [...q.answers, ...q.plausible.filter((p) => p.text.length > 0)];
        [...q.documentAnswers, ...q.documentPlausible].forEach((s, i) => {
          spans++;
          // The loader collapses white space and takes invisible characters out (plainText), so the answer is found so.
          const expected = originals[i]!.text.replace(INVISIBLE, '').replace(/\s+/g, ' ').trim();
          if (document.text.slice(s.start, s.end) !== expected || s.start < q.paragraphStart || s.end > q.paragraphEnd) wrong.push(q.id);
        });
        expect(document.text.slice(q.paragraphStart, q.paragraphEnd)).toBe(article.paragraphs[q.paragraph]!.context.replace(INVISIBLE, '').replace(/\s+/g, ' ').trim());
      }
    }
    expect(wrong).toEqual([]);
    expect(spans).toBeGreaterThan(20_302 + 5_930);
  });
});
