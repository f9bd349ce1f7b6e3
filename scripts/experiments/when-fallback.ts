/**
 * A "when" question whose best sentence holds no date, read from the next-ranked sentence when that one holds
 * one (never refused for it: rules.ts datedInstead), on SQuAD's training split, open corpus, with and without.
 * Prints, at the coverage's and SQuAD's thresholds: answerable ones answered with the gold in the first quote,
 * short answers exact, and unanswerable ones refused.
 */
import { askAll, type OpenCorpusRun } from '../../src/eval/reading.js';
import { exactMatch } from '../../src/eval/squad.js';
import { analyseQuestion } from '../../src/reader/question.js';
import { goldInFirstQuote, squadTraining } from './squad-train.js';

const { embedder, index, questions, readerWith } = await squadTraining();
const asked = questions.filter((q) => analyseQuestion(q.question).type === 'when');
const answerable = asked.filter((q) => !q.impossible).length;
console.log(`${asked.length} "when" questions of ${questions.length} (${answerable} answerable)`);
console.log('dated fallback | threshold | answered, gold in first quote | answerable answered | short answer exact (of answered) | unanswerable refused');
for (const dated of [false, true]) {
  const runs = await askAll(readerWith({ dated }), embedder, index, asked);
  for (const t of [0.035, 0.15]) {
    const answered = (r: OpenCorpusRun) => r.answer.found && r.answer.confidence >= t;
    const a = runs.filter((r) => !r.question.impossible);
    const u = runs.filter((r) => r.question.impossible);
    const exact = a.filter((r) => answered(r) && r.answer.shortAnswer && r.question.answers.some((g) => exactMatch(r.answer.shortAnswer!.text, g.text) === 1));
    const pct = (n: number, d: number) => `${n}/${d} (${((100 * n) / Math.max(1, d)).toFixed(1)}%)`;
    console.log(`${dated ? 'on' : 'off'} | ${t} | ${pct(a.filter((r) => answered(r) && goldInFirstQuote(r)).length, a.length)} | ${pct(a.filter(answered).length, a.length)} | ${pct(exact.length, a.filter(answered).length)} | ${pct(u.filter((r) => !answered(r)).length, u.length)}`);
  }
}
