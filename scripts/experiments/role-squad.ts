/**
 * The role rule (src/reader/role.ts) on SQuAD's training split, open corpus: the questions asking who holds a
 * role ("Who is the current Premier of Victoria?"), asked through the pipeline with and without the rule. Prints,
 * at the coverage's and SQuAD's thresholds: answerable ones answered with the gold in the first quote, their short
 * answers exact (normalised as SQuAD's), and unanswerable ones refused; and how often a holder the rule found is
 * exactly the gold answer.
 */
import { askAll, type OpenCorpusRun } from '../../src/eval/reading.js';
import { exactMatch } from '../../src/eval/squad.js';
import { analyseQuestion } from '../../src/reader/question.js';
import { ROLE_CONFIDENCE, roleAsked } from '../../src/reader/role.js';
import { goldInFirstQuote, squadTraining } from './squad-train.js';

const { embedder, index, questions, readerWith } = await squadTraining();
const asked = questions.filter((q) => roleAsked(analyseQuestion(q.question)) !== null);

const answerable = asked.filter((q) => !q.impossible).length;
console.log(`${asked.length} questions asking who holds a role, of ${questions.length} (${answerable} answerable)`);
console.log('role rule | threshold | answered, gold in first quote | answerable answered | short answer exact (of answered) | unanswerable refused');
for (const roles of [false, true]) {
  const runs = await askAll(readerWith({ roles }), embedder, index, asked);
  for (const t of [0.035, 0.15]) {
    const answered = (r: OpenCorpusRun) => r.answer.found && r.answer.confidence >= t;
    const a = runs.filter((r) => !r.question.impossible);
    const u = runs.filter((r) => r.question.impossible);
    const exact = a.filter((r) => answered(r) && r.answer.shortAnswer && r.question.answers.some((g) => exactMatch(r.answer.shortAnswer!.text, g.text) === 1));
    const pct = (n: number, d: number) => `${n}/${d} (${((100 * n) / Math.max(1, d)).toFixed(1)}%)`;
    console.log(`${roles ? 'on' : 'off'} | ${t} | ${pct(a.filter((r) => answered(r) && goldInFirstQuote(r)).length, a.length)} | ${pct(a.filter(answered).length, a.length)} | ${pct(exact.length, a.filter(answered).length)} | ${pct(u.filter((r) => !answered(r)).length, u.length)}`);
  }
  if (roles) {
    // How often a holder the rule found is the answer, exactly: what ROLE_CONFIDENCE stands for.
    const held = runs.filter((r) => !r.question.impossible && r.answer.shortAnswer?.confidence === ROLE_CONFIDENCE);
    const exactHeld = held.filter((r) => r.question.answers.some((g) => exactMatch(r.answer.shortAnswer!.text, g.text) === 1));
    console.log(`holders found for answerable questions: ${held.length}, exact ${exactHeld.length}; for unanswerable ones: ${runs.filter((r) => r.question.impossible && r.answer.shortAnswer?.confidence === ROLE_CONFIDENCE).length}`);
  }
  if (roles) for (const r of runs) console.log(`  ${r.question.impossible ? 'U' : 'A'} ${r.question.question} → ${r.answer.found ? (r.answer.shortAnswer?.text ?? '(no short answer)') : 'refused'} | gold ${r.question.answers[0]?.text ?? '-'}`);
}
