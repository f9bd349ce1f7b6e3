/**
 * What the share rule does ("what percentage / proportion / share of" refused, as a count is, when its best
 * sentence, or the next-ranked one, gives no percentage, number or share in words): on SQuAD's training split, open
 * corpus, the questions it applies to that the reader answers at the coverage's threshold for facts
 * (READER_THRESHOLD) with the rule off (`readerWith({ shares: false })`), split by whether the rule refuses them.
 */
import { answerQuestion } from '../../src/answer-question.js';
import { sentenceView } from '../../src/reader/context.js';
import { analyseQuestion } from '../../src/reader/question.js';
import { asksShare } from '../../src/reader/rules.js';
import { squadTraining } from './squad-train.js';

const { config, embedder, index, questions, readerWith } = await squadTraining();
const without = readerWith({ shares: false });
const withRule = readerWith({});
const threshold = config.reader.threshold;
const s = { hit: 0, hitLacks: 0, un: 0, unLacks: 0, wrong: 0, wrongLacks: 0 };
for (const q of questions) {
  const analysis = analyseQuestion(q.question);
  if (!asksShare(analysis)) continue;
  const answer = await answerQuestion({ index, embedder, reader: without }, q.question, { mode: 'hybrid', passages: 3, answerAll: true });
  if (!answer.found || answer.confidence < threshold || answer.passages.length === 0) continue;
  const p = answer.passages[0]!;
  const id = index.sentences.findIndex((x) => x.articleId === p.articleId && x.start === p.sentenceStart);
  if (id < 0) continue;
  const view = (i: number) => sentenceView(index, { id: i, chunk: 0, chunkRank: 0, articleRank: 0 });
  const ruled = await answerQuestion({ index, embedder, reader: withRule }, q.question, { mode: 'hybrid', passages: 3, answerAll: true });
  const lacks = !ruled.found || ruled.confidence < threshold;
  const gold = q.documentAnswers.some((a) => a.start >= p.quoteStart && a.end <= p.quoteEnd && p.articleId === q.articleId);
  if (q.impossible) { s.un++; s.unLacks += +lacks; }
  else if (gold) { s.hit++; s.hitLacks += +lacks; if (lacks) console.log('answered right, would be refused:', q.question, '|', view(id).text.slice(0, 160)); }
  else { s.wrong++; s.wrongLacks += +lacks; }
}
console.log(`threshold ${threshold}:`, s);
