/**
 * COUNT_FALLBACK (src/reader/reader.ts) on SQuAD's training split, open corpus: the count and measure questions
 * asked through the pipeline with the best sentence's count looked for in 0, 1, 2, 3 or 5 sentences after it.
 * Prints, at the SQuAD and the coverage thresholds, answerable questions answered with the gold in the first
 * quote, answerable answered, and unanswerable refused.
 */
import { askAll, type OpenCorpusRun } from '../../src/eval/reading.js';
import { analyseQuestion } from '../../src/reader/question.js';
import { candidateSentences, loadReader, readingContext, readWithRules, type Reader } from '../../src/reader/reader.js';
import { COUNTED } from '../../src/reader/rules.js';
import { squadTraining } from './squad-train.js';

const { config, embedder, model, scorers, index, questions } = await squadTraining();
const counted = questions.filter((q) => COUNTED.has(analyseQuestion(q.question).type));
const base = loadReader(config.reader.modelFile);

function readerWith(fallback: number): Reader {
  const readSentences: Reader['readSentences'] = (ix, question, vector, sentences) => {
    const { reading, refused } = readWithRules(readingContext(ix, question, vector, sentences, model.synonyms), scorers, { fallback });
    return { ...reading, answerable: !refused && reading.confidence >= base.threshold, sure: !refused && reading.confidence >= base.sureThreshold };
  };
  return { ...base, readSentences, read: (ix, q, v, retrieved) => readSentences(ix, q, v, candidateSentences(ix, retrieved)) };
}

const inFirst = (r: OpenCorpusRun) => { const p = r.answer.passages[0]; return !!p && p.articleId === r.question.articleId && r.question.documentAnswers.some((a) => a.start >= p.quoteStart && a.end <= p.quoteEnd); };
const answerable = counted.filter((q) => !q.impossible).length;
console.log(`${counted.length} count and measure questions of ${questions.length} (${answerable} answerable)`);
console.log('fallback | threshold | answered, gold in first quote | answerable answered | unanswerable refused');
for (const fallback of [0, 1, 2, 3, 5]) {
  const runs = await askAll(readerWith(fallback), embedder, index, counted);
  for (const t of [0.035, 0.15]) {
    const answered = (r: OpenCorpusRun) => r.answer.found && r.answer.confidence >= t;
    const a = runs.filter((r) => !r.question.impossible);
    const u = runs.filter((r) => r.question.impossible);
    const pct = (n: number, d: number) => `${((100 * n) / d).toFixed(1)}%`;
    console.log(`${fallback} | ${t} | ${pct(a.filter((r) => answered(r) && inFirst(r)).length, a.length)} | ${pct(a.filter(answered).length, a.length)} | ${pct(u.filter((r) => !answered(r)).length, u.length)}`);
  }
}
