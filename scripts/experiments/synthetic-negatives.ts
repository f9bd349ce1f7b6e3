/**
 * Experiment (issue 9): near misses made from answerable questions, as extra negatives for the answerability
 * trees. SQuAD 2.0's writers made a fifth of its unanswerable questions by swapping an entity (Rajpurkar et al.
 * 2018, table 3): here a name or a year of an answerable training question that its article holds is swapped for
 * another of its article of the same kind (a person, a place, an organisation: compromise's), one the sentence that answers does not hold ("When did Kelly Rowland release
 * Dangerously in Love?"). Each such question is read as `npm run train-reader` reads its questions (the same
 * index, the out-of-fold sentence models of its work folder), and its span and answer rows are written beside
 * that folder's rows (spans-syn, answers-syn: label 0, impossible 1, withheld 3, instances from 1,000,000).
 * scripts/experiments/synthetic-negatives.py then compares answer trees fitted with and without them.
 *
 *   [SAME=1] node --import tsx scripts/experiments/synthetic-negatives.ts [WORK=.cache/reader] [SHARE=0.5]
 */
import { createHash } from 'node:crypto';
import nlp from 'compromise';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { loadConfig, PROJECT_ROOT } from '../../src/config.js';
import { loadEmbedder } from '../../src/embedder.js';
import { holdsAnswer, squadIndex, type IndexedQuestion } from '../../src/eval/cached-index.js';
import { loadSquadSplit } from '../../src/eval/squad.js';
import { Ensemble } from '../../src/reader/model.js';
import { candidateSentences, readContext, readingContext, type ReadTrace } from '../../src/reader/reader.js';
import { Synonyms } from '../../src/reader/synonyms.js';
import { RETRIEVE_LIMIT } from '../../src/pipeline.js';
import { retrieve } from '../../src/retrieve.js';
import { RowWriter } from '../training-rows.js';

const work = path.resolve(process.argv[2] ?? path.join(PROJECT_ROOT, '.cache', 'reader'));
const share = Number(process.argv[3] ?? 0.5);
/** SAME=1: the other name is one the sentence that answers holds (SQuAD's writers often swapped within it). */
const SAME_SENTENCE = process.env.SAME === '1';
const FOLDS = 5;
const draw = (text: string) => createHash('sha256').update(text).digest().readUInt32BE(0) / 2 ** 32;

/** People, places and organisations (compromise's), and years; stripped of the punctuation that follows them. */
function kinds(text: string): Record<'person' | 'place' | 'organization' | 'year', Set<string>> {
  const doc = nlp(text);
  const names = (list: string[]) => new Set(list.map((t) => t.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '')).filter((t) => t.length > 1));
  return { person: names(doc.people().out('array')), place: names(doc.places().out('array')), organization: names(doc.organizations().out('array')), year: new Set(text.match(/\b(?:1[0-9]{3}|20[0-9]{2})\b/g) ?? []) };
}
/** The question with one of its names or years swapped for another of its article, or undefined. */
function swapped(q: IndexedQuestion, inArticle: ReturnType<typeof kinds>, articleText: string, answerSentences: string[]): string | undefined {
  const asked = kinds(q.question);
  const answering = answerSentences.join(' ');
  const options: [string, string][] = [];
  for (const kind of ['person', 'place', 'organization', 'year'] as const) {
    for (const original of asked[kind]) {
      if (!articleText.includes(original)) continue;
      for (const other of inArticle[kind]) {
        if (other === original || other.includes(original) || original.includes(other)) continue;
        if (answering.includes(other) !== SAME_SENTENCE || q.question.includes(other)) continue;
        options.push([original, other]);
      }
    }
  }
  if (options.length === 0) return undefined;
  options.sort((a, b) => (a.join('|') < b.join('|') ? -1 : 1));
  const [original, other] = options[Math.floor(draw(`${q.id}:swap`) * options.length)]!;
  return q.question.replace(original, other);
}

const config = await loadConfig();
const embedder = await loadEmbedder(config.embedding);
const synonyms = new Synonyms(JSON.parse(await fs.readFile(path.join(work, 'synonyms.json'), 'utf8')));
const { train } = await loadSquadSplit(path.join(PROJECT_ROOT, '..', 'shared', 'eval'));
const { index, questions } = await squadIndex(config, embedder, 'squad-train', train);
const foldOf = new Map<string, number>();
train.forEach((a, i) => {
  for (const article of index.articles.values()) if (article.title === a.title.replace(/_/g, ' ')) foldOf.set(article.id, i % FOLDS);
});
const foldModels = (JSON.parse(await fs.readFile(path.join(work, 'sentence-folds.json'), 'utf8')) as { folds: ConstructorParameters<typeof Ensemble>[1][] }).folds;
const ensembles = foldModels.map((file, i) => new Ensemble(`sentence (fold ${i})`, file, 'sentence-folds.json'));

const spans = new RowWriter(path.join(work, 'spans-syn'));
const answers = new RowWriter(path.join(work, 'answers-syn'));
const examples: string[] = [];
const articleKinds = new Map<string, ReturnType<typeof kinds>>();
let made = 0;
for (const q of questions) {
  if (q.impossible || draw(`${q.id}:synthetic`) >= share) continue;
  const article = index.articles.get(q.articleId)!;
  const answerSentences = index.sentences.flatMap((s, id) => (holdsAnswer(index, id, q) ? [article.text.slice(s.start, s.end)] : []));
  if (!articleKinds.has(article.id)) articleKinds.set(article.id, kinds(article.text));
  const text = swapped(q, articleKinds.get(article.id)!, article.text, answerSentences);
  if (!text) continue;
  const instance = 1_000_000 + made++;
  if (draw(`${q.id}:example`) < 0.01) examples.push(`${q.question}  ->  ${text}`);
  const vector = await embedder.embedQuery(text);
  const retrieved = retrieve(index, text, vector, { mode: 'hybrid', limit: RETRIEVE_LIMIT });
  const ctx = readingContext(index, text, vector, candidateSentences(index, retrieved), synonyms);
  const fold = foldOf.get(q.articleId)!;
  const model = ensembles[fold]!;
  const trace: Partial<ReadTrace> = {};
  readContext(ctx, { sentence: (rows) => rows.map((r) => model.predict(r)), span: (rows) => rows.map(() => 0), answer: () => 0 }, trace);
  if (!trace.answerRow) continue;
  const meta = { fold, instance };
  trace.spanRows!.forEach((row) => spans.add(row, { ...meta, label: 0, extra: 0 }));
  answers.add(trace.answerRow, { ...meta, label: 0, impossible: 1, withheld: 3 });
}
await spans.close();
await answers.close();
console.error(examples.join('\n'));
console.error(`${made} swapped questions of ${questions.filter((q) => !q.impossible).length} answerable; ${answers.count} answer rows, ${spans.count} span rows.`);
