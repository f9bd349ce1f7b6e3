/**
 * COUNT_FALLBACK (src/reader/reader.ts) on SQuAD's training split, open corpus: the count and measure questions
 * asked through the pipeline with the best sentence's count looked for in 0, 1, 2, 3 or 5 sentences after it.
 * Prints, at the SQuAD and the coverage thresholds, answerable questions answered with the gold in the first
 * quote, answerable answered, and unanswerable refused.
 */
import { askAll, type OpenCorpusRun } from '../../src/eval/reading.js';
import { analyseQuestion } from '../../src/reader/question.js';
import { COUNTED } from '../../src/reader/rules.js';
import { goldInFirstQuote, squadTraining } from './squad-train.js';

const { embedder, index, questions, readerWith } = await squadTraining();
const counted = questions.filter((q) => COUNTED.has(analyseQuestion(q.question).type));

const answerable = counted.filter((q) => !q.impossible).length;
console.log(`${counted.length} count and measure questions of ${questions.length} (${answerable} answerable)`);
console.log('fallback | threshold | answered, gold in first quote | answerable answered | unanswerable refused');
for (const fallback of [0, 1, 2, 3, 5]) {
  const runs = await askAll(readerWith({ fallback }), embedder, index, counted);
  for (const t of [0.035, 0.15]) {
    const answered = (r: OpenCorpusRun) => r.answer.found && r.answer.confidence >= t;
    const a = runs.filter((r) => !r.question.impossible);
    const u = runs.filter((r) => r.question.impossible);
    const pct = (n: number, d: number) => `${((100 * n) / d).toFixed(1)}%`;
    console.log(`${fallback} | ${t} | ${pct(a.filter((r) => answered(r) && goldInFirstQuote(r)).length, a.length)} | ${pct(a.filter(answered).length, a.length)} | ${pct(u.filter((r) => !answered(r)).length, u.length)}`);
  }
}
