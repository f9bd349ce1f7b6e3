/**
 * Are the short answers shown to questions asking for an account ("what did X say about Y", "what did Kim invite Putin
 * to do") worth showing? A helper's audit (thirty-fourth session) found "UN rapporteur" shown in bold for "what did
 * alice edwards say about torture" and "President Vladimir Putin" for "what did kim invite putin to do". On SQuAD's
 * training split (asked through the pipeline, every question answered, the shipped reader), the short answers a user
 * would be shown (`shownShortAnswer`), their share and EM / F1 against the golds, for the questions asking for an
 * account by a "what" (asksForFact false, type other or whatNoun) against those asking for a fact.
 * Usage: node --import tsx scripts/experiments/account-short-answers.ts
 */
import { answerQuestion } from '../../src/answer-question.js';
import { loadReader } from '../../src/reader/reader.js';
import { asksForFact } from '../../src/reader/question.js';
import { shownShortAnswers } from '../../src/eval/squad.js';
import type { Answer } from '../../src/answer.js';
import { squadTraining } from './squad-train.js';

const { config, embedder, index, questions } = await squadTraining();
const reader = loadReader(config.reader.modelFile, config.reader.threshold, config.reader.sureThreshold, config.reader.openThreshold);
/** "what did X say / tell / think / write / announce / claim / believe / mean …": asking what was said. */
const SAYS = /\b(?:say|says|said|tell|tells|told|think|thinks|thought|write|writes|wrote|announce|announced|claim|claimed|argue|argued|believe|believed|mean|means|meant|state|stated|suggest|suggested|warn|warned|describe|described)\b/i;
/** "what did X do", "what did X invite Y to do": asking what was done. */
const DOES = /\bdo\b\W*$/i;
const groups = new Map<string, { answer: Answer; golds: string[] }[]>();
let n = 0;
for (const q of questions) {
  if (q.impossible) continue;
  const analysis = reader.prepare(q.question);
  const account = !asksForFact(analysis);
  const what = analysis.type === 'other' || analysis.type === 'whatNoun';
  const group = !account ? 'fact' : !what ? `account-${analysis.type}` : SAYS.test(q.question) ? 'what-say' : DOES.test(q.question) ? 'what-do' : 'what-other';
  // Every fourth fact question (there are many); every account question.
  if (group === 'fact' && n++ % 4 !== 0) continue;
  const answer = await answerQuestion({ index, embedder, reader }, q.question, { mode: 'hybrid', passages: 3 });
  const golds = q.documentAnswers.map((a) => a.text);
  groups.set(group, [...(groups.get(group) ?? []), { answer, golds }]);
}
for (const [group, runs] of [...groups].sort()) {
  const { share, exact, f1 } = shownShortAnswers(runs);
  console.log(`${group.padEnd(16)} ${String(runs.length).padStart(5)} questions; short answer shown ${share.toFixed(1)} %; EM ${exact.toFixed(1)} / F1 ${f1.toFixed(1)} of those shown`);
}
