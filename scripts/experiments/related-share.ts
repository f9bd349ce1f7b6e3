/**
 * Experiment (twenty-fourth session): how the reader's score of the second and third quote compares with the
 * first's, on the tuning set (eval/questions.json; every question answered, three passages): for the quotes that
 * hold the question's evidence, and for those that do not. Chooses the share under which a further quote is
 * cited in the answer's text as related coverage rather than as part of the answer (src/answer.ts).
 *
 *   node --import tsx scripts/experiments/related-share.ts [question file, default eval/questions.json]
 */
import { holdsEvidence, locateEvidence } from '../../src/eval/question-set.js';
import { answerQuestion } from '../../src/answer-question.js';
import { coverageSetup } from './coverage-setup.js';

const { embedder, reader, index, set } = await coverageSetup(process.argv[2]);
const holding: number[] = [];
const other: number[] = [];
for (const q of set.answerable) {
  const answer = await answerQuestion({ index, embedder, reader }, q.question, { mode: 'hybrid', passages: 3, answerAll: true });
  const spans = locateEvidence(q.evidence, index.articles.values());
  const first = answer.passages[0]?.score ?? 0;
  // A first quote scored 0 makes no later one related (src/answer.ts): nothing to measure.
  if (first === 0) continue;
  for (const passage of answer.passages.slice(1)) {
    const share = passage.score / first;
    (holdsEvidence(spans, passage.articleId, passage.quoteStart, passage.quoteEnd) ? holding : other).push(share);
  }
}
const below = (xs: number[], t: number) => xs.filter((x) => x < t).length;
console.log(`further quotes: ${holding.length} hold the evidence, ${other.length} do not`);
console.log('share of the first quote\'s score | holding it, under | not holding it, under');
for (const t of [0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5]) console.log(`${t.toFixed(2)} | ${below(holding, t)} (${((100 * below(holding, t)) / holding.length).toFixed(1)} %) | ${below(other, t)} (${((100 * below(other, t)) / other.length).toFixed(1)} %)`);
