/**
 * Experiment: do SQuAD 2.0's unanswerable questions teach the sentence model which sentence a question is about?
 * Each was written beside a paragraph, and its `plausible_answers` mark the span a reader would take for the answer:
 * the sentence holding it is the one to quote as the closest the coverage comes. Writes the training split's sentence
 * rows (as `npm run train-reader` does, whole index, nothing withheld) for the answerable questions and, marked
 * `plausible`, for the unanswerable ones labelled by their plausible answer's sentence, to WORK (default
 * .cache/plausible); scripts/experiments/plausible-sentences.py then compares the sentence model fitted with and
 * without the plausible rows, out of fold, on the answerable questions alone.
 *
 *   node --import tsx scripts/experiments/plausible-sentences.ts [WORK]
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/config.js';
import { loadSquadSplit } from '../../src/eval/squad.js';
import type { IndexSnapshot } from '../../src/index/store.js';
import { RETRIEVE_LIMIT } from '../../src/pipeline.js';
import { candidateSentences, readingContext } from '../../src/reader/reader.js';
import { sentenceFeatures } from '../../src/reader/sentence-features.js';
import { retrieve } from '../../src/retrieve.js';
import { RowWriter } from '../training-rows.js';
import { squadTraining } from './squad-train.js';

const FOLDS = 5;
const work = path.resolve(process.argv[2] ?? path.join(PROJECT_ROOT, '.cache', 'plausible'));
await fs.mkdir(work, { recursive: true });
const { embedder, index, questions, model } = await squadTraining();
const { train } = await loadSquadSplit(path.join(PROJECT_ROOT, '..', 'shared', 'eval'));
const idOf = (title: string) => [...index.articles.values()].find((a) => a.title === title.replace(/_/g, ' '))!.id;
const foldOf = new Map(train.map((article, i) => [idOf(article.title), i % FOLDS]));
const holds = (ix: IndexSnapshot, id: number, articleId: string, spans: { start: number }[]) => {
  const s = ix.sentences[id]!;
  return s.articleId === articleId && spans.some((a) => a.start >= s.start && a.start < s.end);
};
const rows = new RowWriter(path.join(work, 'sentences'));
let plausibleQuestions = 0;
for (const [n, q] of questions.entries()) {
  const spans = q.impossible ? q.documentPlausible : q.documentAnswers;
  if (spans.length === 0) continue;
  const vector = await embedder.embedQuery(q.question);
  const retrieved = retrieve(index, q.question, vector, { mode: 'hybrid', limit: RETRIEVE_LIMIT });
  const ctx = readingContext(index, q.question, vector, candidateSentences(index, retrieved), model.synonyms);
  const labels = ctx.sentences.map((view) => (holds(index, view.id, q.articleId, spans) ? 1 : 0));
  if (!labels.includes(1)) continue;
  if (q.impossible) plausibleQuestions++;
  sentenceFeatures(ctx).forEach((row, i) => rows.add(row, { label: labels[i]!, fold: foldOf.get(q.articleId)!, instance: n, plausible: q.impossible ? 1 : 0 }));
}
await rows.close();
console.error(`${rows.count} sentence rows, ${plausibleQuestions} of them unanswerable questions labelled by their plausible answer.`);
process.exit(0);
