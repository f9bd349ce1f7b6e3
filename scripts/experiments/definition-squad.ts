/**
 * The description rule (src/reader/definition.ts) on SQuAD's training split, paragraph given: for each question
 * it fires on ("who/what is X"), the short answer with and without it, scored against the gold answers.
 */
import { bestOverGold, exactMatch, f1Score } from '../../src/eval/squad.js';
import { readContext, readingContext } from '../../src/reader/reader.js';
import { DESCRIPTION_CONFIDENCE, definitionSubject, withDescription } from '../../src/reader/definition.js';
import type { CandidateSentence } from '../../src/reader/context.js';
import { squadTraining } from './squad-train.js';

const { embedder, model, scorers, index, questions } = await squadTraining();
const found: { impossible: boolean; em: number; f1: number }[] = [];
let fired = 0, changed = 0, nulled = 0;
const sums = { before: { em: 0, f1: 0 }, after: { em: 0, f1: 0 } };
for (const q of questions) {
  if (!definitionSubject(q.question)) continue;
  const sentences: CandidateSentence[] = [];
  index.sentences.forEach((s, id) => {
    if (s.articleId === q.articleId && s.start >= q.paragraphStart && s.end <= q.paragraphEnd) sentences.push({ id, chunk: 0, chunkRank: 0, articleRank: 0 });
  });
  const context = readingContext(index, q.question, await embedder.embedQuery(q.question), sentences, model.synonyms);
  const raw = readContext(context, scorers);
  const ruled = withDescription(context, raw);
  fired++;
  const described = ruled.shortAnswer?.confidence === DESCRIPTION_CONFIDENCE;
  if (described) {
    const g = q.documentAnswers.map((a) => a.text);
    found.push({ impossible: q.impossible, em: q.impossible ? 0 : bestOverGold(exactMatch, ruled.shortAnswer!.text, g), f1: q.impossible ? 0 : bestOverGold(f1Score, ruled.shortAnswer!.text, g) });
  }
  if (ruled.shortAnswer?.text === raw.shortAnswer?.text) continue;
  changed++;
  if (!ruled.shortAnswer) nulled++;
  const golds = q.documentAnswers.map((a) => a.text);
  console.log(`${q.impossible ? 'NOANS' : ''}\t${q.question}\t[${raw.shortAnswer?.text ?? ''}] → [${ruled.shortAnswer?.text ?? ''}]\tgold: ${golds.slice(0, 2).join(' | ')}`);
  if (q.impossible) continue;
  sums.before.em += bestOverGold(exactMatch, raw.shortAnswer?.text ?? '', golds);
  sums.before.f1 += bestOverGold(f1Score, raw.shortAnswer?.text ?? '', golds);
  sums.after.em += bestOverGold(exactMatch, ruled.shortAnswer?.text ?? '', golds);
  sums.after.f1 += bestOverGold(f1Score, ruled.shortAnswer?.text ?? '', golds);
}
console.log(`questions ${questions.length}; the rule's pattern ${fired}; short answer changed ${changed} (${nulled} to none); over the changed answerable ones, sum EM ${sums.before.em} → ${sums.after.em}, sum F1 ${sums.before.f1.toFixed(2)} → ${sums.after.f1.toFixed(2)}`);
const answerable = found.filter((f) => !f.impossible);
console.log(`descriptions found: ${found.length} (${found.length - answerable.length} for unanswerable questions); exact ${answerable.reduce((a, f) => a + f.em, 0)} / ${answerable.length}, mean F1 ${(answerable.reduce((a, f) => a + f.f1, 0) / answerable.length).toFixed(3)}`);
