/**
 * Experiment (issue 9, the coverage's own questions as training rows): the tuning set's questions
 * (eval/questions.json only; never the held-out set) asked of the shipped coverage exactly as `npm run eval` asks
 * them (answerQuestion through scripts/eval/question-sets.ts's asker: chat opening out, spelling corrected, hybrid
 * retrieval), with a reader that records, for every question, the sentence model's feature rows of the sentences it
 * read (src/reader/sentence-features.ts, the same rows the model scores at ask time) and the answer row.
 *
 * Writes to WORK (default .cache/exp-news):
 *  - coverage-sentences.{f32,json}: one row per candidate sentence of each answerable question that has an evidence
 *    sentence among them (label 1: the sentence holds at least half an evidence span, as a quote hit counts), meta
 *    columns label, fold (the question's file, 0-4, in the order of the corpus's file names), instance;
 *  - coverage-folds.json: every tuning question's fold. An answerable question's is its article's; a near miss's or
 *    off-topic question's is the file of the first passage the shipped reader quotes for it (so that it is scored
 *    by a model that never saw the questions about the article it is read against).
 *
 *   node --import tsx scripts/experiments/coverage-rows.ts [WORK]
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { loadConfig, PROJECT_ROOT } from '../../src/config.js';
import { loadEmbedder } from '../../src/embedder.js';
import { cachedIndexDir } from '../../src/eval/cached-index.js';
import { holdsEvidence, locateEvidence, readQuestionSet } from '../../src/eval/question-set.js';
import { localStore } from '../../src/index/coverage.js';
import { loadReaderModel } from '../../src/reader/model.js';
import { candidateSentences, loadReader, readingContext, type Reader } from '../../src/reader/reader.js';
import { sentenceFeatures } from '../../src/reader/sentence-features.js';
import { RowWriter } from '../training-rows.js';
import { asker } from '../eval/question-sets.js';

const work = path.resolve(process.argv[2] ?? path.join(PROJECT_ROOT, '.cache', 'exp-news'));
await fs.mkdir(work, { recursive: true });
const config = await loadConfig();
const embedder = await loadEmbedder(config.embedding);
const index = await localStore(await cachedIndexDir(config, embedder, 'coverage', config.corpusDir), config.hnsw).open();
const base = loadReader(config.reader.modelFile, config.reader.threshold, config.reader.sureThreshold, config.reader.openThreshold);
const { synonyms } = loadReaderModel(config.reader.modelFile);

/** What the reader read for the last question: its sentences (article, start, end) and their feature rows. */
type Captured = { sentences: { articleId: string; start: number; end: number }[]; rows: Record<string, number>[] };
let captured: Captured | undefined;
/** What the reader recorded for the question asked last (and forgets it). */
const take = (): Captured | undefined => {
  const last = captured;
  captured = undefined;
  return last;
};
const recording: Reader = {
  ...base,
  read(view, question, vector, retrieved) {
    const sentences = candidateSentences(view, retrieved);
    const context = readingContext(view, question, vector, sentences, synonyms);
    captured = { sentences: context.sentences.map((s) => ({ articleId: s.article.id, start: s.start, end: s.end })), rows: sentenceFeatures(context) };
    return base.readSentences(view, question, vector, sentences);
  },
};
const ask = asker(embedder, recording, index, 'hybrid');

// Folds by the corpus's file (five files; a listing page's stories are articles of their own, of the same file).
const fileOf = (articleId: string) => index.articles.get(articleId)!.source.split('#')[0]!;
const files = [...new Set([...index.articles.keys()].map(fileOf))].sort();
console.error(`files: ${files.map((f, i) => `${i}=${f} (${[...index.articles.keys()].filter((id) => fileOf(id) === f).length} stories)`).join('; ')}`);
const fileFold = (file: string) => {
  const fold = files.indexOf(file);
  if (fold < 0) throw new Error(`no file ${file} in the corpus`);
  return fold;
};

const set = readQuestionSet(path.join(PROJECT_ROOT, 'eval', 'questions.json'));
const rows = new RowWriter(path.join(work, 'coverage-sentences'));
const folds: Record<string, number> = {};
let withPositive = 0;
for (const [n, q] of set.answerable.entries()) {
  take();
  await ask(q.question);
  const fold = fileFold(q.file);
  folds[q.id] = fold;
  const read = take();
  if (!read) continue;
  const evidence = locateEvidence(q.evidence, index.articles.values());
  const { sentences, rows: featureRows } = read;
  const labels = sentences.map((s) => (holdsEvidence(evidence, s.articleId, s.start, s.end) ? 1 : 0));
  if (!labels.includes(1)) continue;
  withPositive++;
  featureRows.forEach((row, i) => rows.add(row, { label: labels[i]!, fold, instance: n }));
}
for (const q of set.offTopic) {
  const { answer } = await ask(q.question);
  const articleId = answer.passages[0]?.articleId;
  folds[q.id] = articleId === undefined ? 0 : fileFold(fileOf(articleId));
}
await rows.close();
await fs.writeFile(path.join(work, 'coverage-folds.json'), JSON.stringify(folds, null, 1));
const count = (kind: string) => Object.entries(folds).filter(([id]) => (kind === 'answerable' ? set.answerable.some((q) => q.id === id) : set.offTopic.some((q) => q.id === id && q.kind === kind)));
for (const kind of ['answerable', 'near-miss', 'off-topic']) {
  const per = [0, 0, 0, 0, 0];
  for (const [, fold] of count(kind)) per[fold]!++;
  console.error(`${kind}: per fold ${per.join(' / ')}`);
}
console.error(`${rows.count} sentence rows from ${withPositive} of ${set.answerable.length} answerable questions (the rest have no evidence sentence among those read).`);
index.close?.();
