/**
 * Would the count rule carry to other question types? On SQuAD's training split, open corpus: for each type,
 * the answerable questions answered (at the coverage's threshold) whose first quote holds the gold, and the
 * unanswerable ones answered, split by whether the reader's best sentence holds a candidate of the kind the type
 * expects that the question does not name (what a rule like COUNTED would refuse on).
 */
import { answerQuestion } from '../../src/answer-question.js';
import { EXPECTED_KINDS, namedByQuestion, sentenceView } from '../../src/reader/context.js';
import { analyseQuestion, type QuestionType } from '../../src/reader/question.js';
import { loadReader } from '../../src/reader/reader.js';
import { squadTraining } from './squad-train.js';

const { config, embedder, index, questions } = await squadTraining();
const reader = loadReader(config.reader.modelFile);
const types: QuestionType[] = ['whatName', 'when', 'who', 'where', 'howMuch', 'which'];
const stats = new Map<QuestionType, { hitLacks: number; hit: number; unLacks: number; un: number }>();
for (const q of questions) {
  const analysis = analyseQuestion(q.question);
  if (!types.includes(analysis.type)) continue;
  const answer = await answerQuestion({ index, embedder, reader }, q.question, { mode: 'hybrid', passages: 3, answerAll: true });
  if (!answer.found || answer.confidence < reader.threshold || answer.passages.length === 0) continue;
  const p = answer.passages[0]!;
  // The best sentence: the one the first quote was built around.
  const id = index.sentences.findIndex((s) => s.articleId === p.articleId && s.start === p.sentenceStart);
  if (id < 0) continue;
  const view = sentenceView(index, { id, chunk: 0, chunkRank: 0, articleRank: 0 });
  const kinds = EXPECTED_KINDS[analysis.type]!;
  const lacks = !view.candidates.some((c) => kinds.includes(c.kind) && namedByQuestion(view, c, analysis) < 0.5);
  const s = stats.get(analysis.type) ?? { hitLacks: 0, hit: 0, unLacks: 0, un: 0 };
  if (q.impossible) { s.un++; if (lacks) s.unLacks++; }
  else if (q.documentAnswers.some((a) => a.start >= p.quoteStart && a.end <= p.quoteEnd && p.articleId === q.articleId)) { s.hit++; if (lacks) s.hitLacks++; }
  stats.set(analysis.type, s);
}
console.log('type | answered right | of them lacking the kind | unanswerable answered | of them lacking the kind');
for (const [type, s] of stats) console.log(`${type} | ${s.hit} | ${s.hitLacks} (${((100 * s.hitLacks) / s.hit).toFixed(1)}%) | ${s.un} | ${s.unLacks} (${((100 * s.unLacks) / s.un).toFixed(1)}%)`);
