/**
 * Would a "what percentage" question be refused, as a count is, when its best sentence holds no percentage? On
 * SQuAD's training split, open corpus: the questions asking for a percentage, proportion or share, answered at
 * the coverage's threshold, split by whether the reader's best sentence holds a percentage (or any number) the
 * question does not name.
 */
import { answerQuestion } from '../../src/answer-question.js';
import { namedByQuestion, sentenceView } from '../../src/reader/context.js';
import { analyseQuestion } from '../../src/reader/question.js';
import { loadReader } from '../../src/reader/reader.js';
import { squadTraining } from './squad-train.js';

const PERCENT_QUESTION = /\bwhat (percentage|percent|proportion|fraction|share)\b|\bwhat %/i;
const { config, embedder, index, questions } = await squadTraining();
const reader = loadReader(config.reader.modelFile);
const s = { hit: 0, hitNoPct: 0, hitNoNum: 0, un: 0, unNoPct: 0, unNoNum: 0, miss: 0, missNoPct: 0 };
for (const q of questions) {
  if (!PERCENT_QUESTION.test(q.question)) continue;
  const analysis = analyseQuestion(q.question);
  const answer = await answerQuestion({ index, embedder, reader }, q.question, { mode: 'hybrid', passages: 3, answerAll: true });
  if (!answer.found || answer.confidence < reader.threshold || answer.passages.length === 0) continue;
  const p = answer.passages[0]!;
  const id = index.sentences.findIndex((x) => x.articleId === p.articleId && x.start === p.sentenceStart);
  if (id < 0) continue;
  const view = sentenceView(index, { id, chunk: 0, chunkRank: 0, articleRank: 0 });
  const free = view.candidates.filter((c) => namedByQuestion(view, c, analysis) < 0.5);
  const noPct = !free.some((c) => c.kind === 'PERCENT');
  const noNum = !free.some((c) => c.kind === 'PERCENT' || c.kind === 'CARDINAL');
  const gold = q.documentAnswers.some((a) => a.start >= p.quoteStart && a.end <= p.quoteEnd && p.articleId === q.articleId);
  if (q.impossible) { s.un++; s.unNoPct += +noPct; s.unNoNum += +noNum; }
  else if (gold) { s.hit++; s.hitNoPct += +noPct; s.hitNoNum += +noNum; if (noPct) console.log('answered right, no percentage:', q.question, '|', view.text.slice(0, 160)); }
  else { s.miss++; s.missNoPct += +noPct; }
}
console.log(s);
