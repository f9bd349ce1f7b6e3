/**
 * `npm run train-reader`: rebuilds the reader model, models/reader/reader.json, from public data only:
 * the 25 training articles of SQuAD 2.0 dev and the 13 SQuAD 1.1 dev articles 2.0 lacks (CC BY-SA 4.0;
 * ../shared/eval/SOURCES.md). The 10 test articles (src/eval/squad.ts TEST_ARTICLES) are never read here.
 *
 * The training questions are asked as a user would ask the bot: the training articles are indexed as a
 * corpus with the project's own pipeline, each question is embedded and retrieved, and the reader's
 * features (src/reader/sentence-features.ts and answer-features.ts, the same code that answers) are computed on what retrieval returns.
 * A third of the answerable questions are asked a second time with their own article withheld, and another
 * third with only the sentence that answers withheld: the near misses of a news archive, related coverage
 * (even the very article and paragraph) but not the fact.
 *
 *  1. sentence rows (answerable questions whose answer sentence was retrieved) → scripts/train_reader.py
 *     trains the sentence model, one per fold of articles and one on all;
 *  2. each question read with the sentence model of the fold that did not see its article → span rows
 *     (candidates of the best sentence, and of the answer sentence) and one answer row per question;
 *  3. train_reader.py trains the span and answerability models (out of fold again for the stacked scores),
 *     picks the threshold and writes the model file with its training report.
 *
 * Deterministic: fixed folds (article position modulo 5), fixed seeds, two threads.
 * Usage: npm run train-reader -- [--shared ../shared/eval] [--work .cache/reader]
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig, PROJECT_ROOT } from '../src/config.js';
import { loadEmbedder, type Embedder } from '../src/embedder.js';
import { modelSignature } from '../src/index/build.js';
import { holdsAnswer, squadIndex, type IndexedQuestion } from '../src/eval/cached-index.js';
import { f1Score, loadSquadSplit } from '../src/eval/squad.js';
import type { IndexSnapshot } from '../src/index/store.js';
import { Ensemble } from '../src/reader/model.js';
import { candidateSentences, readContext, readingContext, type ReadTrace } from '../src/reader/reader.js';
import { spanFeatures, TOP_SPAN_FEATURES } from '../src/reader/answer-features.js';
import type { SentenceView } from '../src/reader/context.js';
import { sentenceFeatures } from '../src/reader/sentence-features.js';
import { LexicalIndex } from '../src/index/lexical-index.js';
import { RETRIEVE_LIMIT } from '../src/pipeline.js';
import { retrieve } from '../src/retrieve.js';
import { Synonyms } from '../src/reader/synonyms.js';
import { RowWriter } from './training-rows.js';
import { buildSynonymTable } from './wordnet-table.js';

export const FOLDS = 5;
const WITHHELD_SHARE = 1 / 3;
const MODEL_FILE = path.join(PROJECT_ROOT, 'models', 'reader', 'reader.json');

interface Instance {
  question: IndexedQuestion;
  /** What is withheld from the reader: the question's own article, or only the sentence that answers it. */
  withheld: false | 'article' | 'sentence';
  fold: number;
  vector: Float32Array;
}

function spanLabel(view: SentenceView, first: number, last: number, q: IndexedQuestion): number {
  if (q.impossible || view.article.id !== q.articleId) return 0;
  const text = view.text.slice(view.annotated.tokens[first]!.start, view.annotated.tokens[last]!.end);
  return Math.max(0, ...q.documentAnswers.map((a) => f1Score(text, a.text)));
}

/** Debian's Python, which has python3-xgboost (a python3 earlier on the PATH may not). */
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

function python(stage: string, work: string): void {
  const result = spawnSync(PYTHON, [path.join(PROJECT_ROOT, 'scripts', 'train_reader.py'), stage, work, MODEL_FILE], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`scripts/train_reader.py ${stage} failed (exit ${result.status}). It needs python3 with numpy and xgboost: apt-get install python3-xgboost python3-sklearn.`);
}

/**
 * The index as it would be without one article: its chunks count in no word statistic (so a word only
 * that article uses is unknown, as a fact missing from the coverage is), and retrieval never returns them.
 */
const withheldViews = new Map<string, IndexSnapshot>();
function withoutArticle(index: IndexSnapshot, articleId: string): IndexSnapshot {
  let view = withheldViews.get(articleId);
  if (view) return view;
  const counts = new Map<string, number>();
  let chunks = 0;
  for (const chunk of index.chunks) {
    if (chunk.articleId !== articleId) continue;
    chunks++;
    for (const term of new Set(LexicalIndex.terms(index.articles.get(articleId)!.text.slice(chunk.start, chunk.end)))) counts.set(term, (counts.get(term) ?? 0) + 1);
  }
  const lexical = Object.create(index.lexical) as LexicalIndex;
  Object.defineProperty(lexical, 'chunkCount', { get: () => index.lexical.chunkCount - chunks });
  Object.defineProperty(lexical, 'documentFrequency', { value: (term: string) => index.lexical.documentFrequency(term) - (counts.get(term) ?? 0) });
  view = { ...index, lexical };
  withheldViews.set(articleId, view);
  return view;
}

function context(index: IndexSnapshot, instance: Instance, synonyms: Synonyms) {
  const { question } = instance;
  const article = instance.withheld === 'article';
  const seen = article ? withoutArticle(index, question.articleId) : index;
  const retrieved = retrieve(seen, question.question, instance.vector, { mode: 'hybrid', limit: RETRIEVE_LIMIT, excludeArticle: article ? question.articleId : undefined });
  let sentences = candidateSentences(seen, retrieved);
  if (instance.withheld === 'sentence') {
    sentences = sentences.filter(({ id }) => !holdsAnswer(index, id, question));
  }
  return readingContext(seen, question.question, instance.vector, sentences, synonyms);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { shared: { type: 'string' }, work: { type: 'string' }, 'index-only': { type: 'boolean' } } });
  const shared = path.resolve(values.shared ?? path.join(PROJECT_ROOT, '..', 'shared', 'eval'));
  const work = path.resolve(values.work ?? path.join(PROJECT_ROOT, '.cache', 'reader'));
  if (values['index-only']) {
    const config = await loadConfig();
    await squadIndex(config, await loadEmbedder(config.embedding), 'squad-train', (await loadSquadSplit(shared)).train);
    return;
  }
  // The training index is built (or brought up to date) by a process of its own: the tagger keeps, for each word its
  // model lacks, the features of the first text it met the word in, so questions read in the process that tagged
  // the articles were read a little otherwise than in one that found them cached (2 answer rows of 18,156 differed),
  // and a first run trained another model than the next.
  const indexing = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--index-only', '--shared', shared], { stdio: 'inherit' });
  if (indexing.status !== 0) throw new Error(`Indexing the training articles failed (exit ${indexing.status}).`);
  await fs.mkdir(work, { recursive: true });
  const started = performance.now();
  // The synonym table goes into the model file with the models trained on its matches (train_reader.py).
  const table = buildSynonymTable();
  await fs.writeFile(path.join(work, 'synonyms.json'), JSON.stringify(table));
  const synonyms = new Synonyms(table);
  const { train } = await loadSquadSplit(shared);
  const config = await loadConfig();
  const embedder = await loadEmbedder(config.embedding);
  const { index, questions } = await squadIndex(config, embedder, 'squad-train', train);
  const foldOf = new Map(train.map((article, i) => [articleAsId(index, article.title), i % FOLDS]));

  const vectors = await questionVectors(work, embedder, questions.map((q) => q.question));
  const instances: Instance[] = [];
  for (const [i, question] of questions.entries()) {
    const vector = vectors[i]!;
    const fold = foldOf.get(question.articleId)!;
    instances.push({ question, withheld: false, fold, vector });
    const draw = createHash('sha256').update(question.id).digest().readUInt32BE(0) / 2 ** 32;
    if (!question.impossible && draw < WITHHELD_SHARE) instances.push({ question, withheld: 'article', fold, vector });
    else if (!question.impossible && draw < 2 * WITHHELD_SHARE) instances.push({ question, withheld: 'sentence', fold, vector });
  }

  // 1. Sentence rows.
  const sentences = new RowWriter(path.join(work, 'sentences'));
  instances.forEach((instance, n) => {
    if (instance.withheld || instance.question.impossible) return;
    const ctx = context(index, instance, synonyms);
    const labels = ctx.sentences.map((view) => (holdsAnswer(index, view.id, instance.question) ? 1 : 0));
    if (!labels.includes(1)) return;
    sentenceFeatures(ctx).forEach((row, i) => sentences.add(row, { label: labels[i]!, fold: instance.fold, instance: n }));
  });
  await sentences.close();
  console.error(`${sentences.count} sentence rows.`);
  python('sentence', work);

  // 2. Span and answer rows, read with the out-of-fold sentence models.
  const foldModels = (JSON.parse(await fs.readFile(path.join(work, 'sentence-folds.json'), 'utf8')) as { folds: ConstructorParameters<typeof Ensemble>[1][] }).folds;
  const ensembles = foldModels.map((file, i) => new Ensemble(`sentence (fold ${i})`, file, 'sentence-folds.json'));
  const spans = new RowWriter(path.join(work, 'spans'));
  const answers = new RowWriter(path.join(work, 'answers'));
  instances.forEach((instance, n) => {
    const ctx = context(index, instance, synonyms);
    const model = ensembles[instance.fold]!;
    const trace: Partial<ReadTrace> = {};
    const reading = readContext(ctx, { sentence: (rows) => rows.map((r) => model.predict(r)), span: (rows) => rows.map(() => 0), answer: () => 0 }, trace);
    if (!trace.answerRow) return;
    const q = instance.question;
    const top = ctx.sentences.find((v) => v.id === reading.sentences[0]!.sentence)!;
    const topRight = !instance.withheld && !q.impossible && holdsAnswer(index, top.id, q);
    const meta = { fold: instance.fold, instance: n };
    trace.spanRows!.forEach((row, i) => spans.add(row, { ...meta, label: spanLabel(top, top.candidates[i]!.first, top.candidates[i]!.last, q), extra: 0 }));
    // The answer sentence's candidates teach the span model too, when it was not ranked first.
    const gold = ctx.sentences.find((v) => holdsAnswer(index, v.id, q));
    if (!instance.withheld && !q.impossible && gold && gold !== top) {
      const rank = reading.sentences.findIndex((s) => s.sentence === gold.id);
      spanFeatures(ctx, gold, reading.sentences[rank]!.score, rank).forEach((row, i) =>
        spans.add(row, { ...meta, label: spanLabel(gold, gold.candidates[i]!.first, gold.candidates[i]!.last, q), extra: 1 }),
      );
    }
    answers.add(trace.answerRow, { ...meta, label: topRight ? 1 : 0, impossible: q.impossible ? 1 : 0, withheld: instance.withheld === 'article' ? 1 : instance.withheld === 'sentence' ? 2 : 0 });
  });
  await spans.close();
  await answers.close();
  await fs.writeFile(path.join(work, 'top-span-features.json'), JSON.stringify(TOP_SPAN_FEATURES));
  console.error(`${spans.count} span rows, ${answers.count} answer rows.`);
  python('final', work);
  // WordNet's licence goes beside the model file that now holds the table made from it.
  await fs.writeFile(path.join(path.dirname(MODEL_FILE), 'WORDNET-LICENSE'), `${table.source}\n`);

  // The model file must score in Node exactly as in Python, for each of its three models.
  const check = JSON.parse(await fs.readFile(path.join(work, 'parity.json'), 'utf8')) as Record<string, { rows: Record<string, number>[]; predictions: number[] }>;
  const shipped = JSON.parse(await fs.readFile(MODEL_FILE, 'utf8')) as { models: Record<string, ConstructorParameters<typeof Ensemble>[1]> };
  let worst = 0;
  for (const [name, { rows, predictions }] of Object.entries(check)) {
    const ensemble = new Ensemble(name, shipped.models[name]!, MODEL_FILE);
    worst = Math.max(worst, ...rows.map((row, i) => Math.abs(ensemble.predict(row) - predictions[i]!)));
  }
  if (worst > 1e-5) throw new Error(`The exported model scores differently in Node (largest difference ${worst}).`);
  console.error(`Node and Python agree (largest difference ${worst.toExponential(1)}). Done in ${((performance.now() - started) / 60000).toFixed(1)} min: ${path.relative(PROJECT_ROOT, MODEL_FILE)}.`);
}

/** The questions' vectors, embedded once and kept in the work folder under a key of model and questions. */
async function questionVectors(work: string, embedder: Embedder, texts: string[]): Promise<Float32Array[]> {
  const key = createHash('sha256').update(JSON.stringify([modelSignature(embedder), texts])).digest('hex').slice(0, 12);
  const file = path.join(work, `questions-${key}.f32`);
  const dimension = embedder.dimension;
  if (existsSync(file)) {
    const data = new Float32Array((await fs.readFile(file)).buffer.slice(0));
    return texts.map((_, i) => data.slice(i * dimension, (i + 1) * dimension));
  }
  console.error(`Embedding ${texts.length} training questions...`);
  const vectors: Float32Array[] = [];
  for (const text of texts) vectors.push(await embedder.embedQuery(text));
  const data = new Float32Array(texts.length * dimension);
  vectors.forEach((v, i) => data.set(v, i * dimension));
  await fs.writeFile(file, new Uint8Array(data.buffer));
  return vectors;
}

/** The indexed id of a SQuAD article (the corpus loader's id of its document). */
function articleAsId(index: IndexSnapshot, title: string): string {
  const name = title.replace(/_/g, ' ');
  for (const article of index.articles.values()) if (article.title === name) return article.id;
  throw new Error(`SQuAD article ${title} is not in the training index.`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
