/**
 * A short answer that ends on a name the question gives ("which news agency said kim invited putin" answered
 * "President Vladimir Putin"): on SQuAD's training split, paragraph given, for who, which and what-name
 * questions, the span model's short answer as chosen now (skipping only candidates made wholly of the question's
 * words) and with candidates whose last word the question names skipped too, scored against the gold answers.
 */
import { bestOverGold, exactMatch, f1Score } from '../../src/eval/squad.js';
import { ranking, readContext, readingContext, type ReadTrace } from '../../src/reader/reader.js';
import { analyseQuestion } from '../../src/reader/question.js';
import { tellsSomething } from '../../src/reader/rules.js';
import type { CandidateSentence } from '../../src/reader/context.js';
import { squadTraining } from './squad-train.js';

const { embedder, model, scorers, index, questions } = await squadTraining();
const sums = { now: { em: 0, f1: 0 }, skip: { em: 0, f1: 0 } };
let asked = 0, changed = 0;
for (const q of questions) {
  if (q.impossible) continue;
  const question = analyseQuestion(q.question);
  if (!['who', 'which', 'whatName'].includes(question.type)) continue;
  asked++;
  const sentences: CandidateSentence[] = [];
  index.sentences.forEach((s, id) => {
    if (s.articleId === q.articleId && s.start >= q.paragraphStart && s.end <= q.paragraphEnd) sentences.push({ id, chunk: 0, chunkRank: 0, articleRank: 0 });
  });
  const context = readingContext(index, q.question, await embedder.embedQuery(q.question), sentences, model.synonyms);
  const trace: Partial<ReadTrace> = {};
  const reading = readContext(context, scorers, trace);
  const best = context.sentences.find((v) => v.id === reading.sentences[0]?.sentence);
  if (!best || !trace.spanRows?.length) continue;
  const order = ranking(scorers.span(trace.spanRows));
  const textOf = (i: number | undefined) => (i === undefined ? '' : best.article.text.slice(best.start + best.annotated.tokens[best.candidates[i]!.first]!.start, best.start + best.annotated.tokens[best.candidates[i]!.last]!.end));
  const lastNamed = (i: number) => {
    const c = best.candidates[i]!;
    const stem = best.stems[c.last];
    return c.kind === 'PROPER' && c.last > c.first && !!stem && (context.question.terms.includes(stem) || context.question.words.has(best.lower[c.last]!));
  };
  const now = order.find((i) => tellsSomething(context.question, best, best.candidates[i]!));
  const skip = order.find((i) => tellsSomething(context.question, best, best.candidates[i]!) && !lastNamed(i));
  const golds = q.documentAnswers.map((a) => a.text);
  for (const [key, i] of [['now', now], ['skip', skip]] as const) {
    sums[key].em += bestOverGold(exactMatch, textOf(i), golds);
    sums[key].f1 += bestOverGold(f1Score, textOf(i), golds);
  }
  if (now !== skip) {
    changed++;
    console.log(`${q.question}\t[${textOf(now)}] → [${textOf(skip)}]\tgold: ${golds.slice(0, 2).join(' | ')}`);
  }
}
console.log(`${asked} answerable who / which / what-name questions; short answer changed for ${changed}; EM ${sums.now.em} → ${sums.skip.em}, F1 sum ${sums.now.f1.toFixed(2)} → ${sums.skip.f1.toFixed(2)}`);
