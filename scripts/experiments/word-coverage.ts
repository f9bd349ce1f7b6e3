/**
 * Experiment (issue 9, nineteenth session): does a near miss lack a word that an answerable question has, said
 * exactly or in other words? Tuning set (eval/questions.json), every question answered: for each content word of
 * the question, its best GloVe cosine (1 for the word itself) to the words of the first quote, its passage and
 * its article; then, over the questions answered at their threshold, how well each measure tells near misses
 * from answerable questions (ROC AUC). Result: 0.53-0.56, the reader's own confidence 0.58: not built.
 * GLOVE_DIR: as scripts/experiments/glove-head.py makes it (glove.npy, glove-words.txt).
 * Usage: node --import tsx scripts/experiments/word-coverage.ts GLOVE_DIR
 */
import path from 'node:path';
import fs from 'node:fs';
import { PROJECT_ROOT, loadConfig } from '../../src/config.js';
import { loadEmbedder } from '../../src/embedder.js';
import { loadReader } from '../../src/reader/reader.js';
import { cachedIndexDir } from '../../src/eval/cached-index.js';
import { localStore } from '../../src/index/coverage.js';
import { readQuestionSet, asksFactOf, thresholdOf, readerThresholds } from '../../src/eval/question-set.js';
import { answerQuestion, searchedText } from '../../src/answer-question.js';
import { contentWords } from '../../src/reader/context.js';

const glove = process.argv[2] ?? '.cache/glove';
const TOP = 200_000;
const words = fs.readFileSync(path.join(glove, 'glove-words.txt'), 'utf8').split('\n').slice(0, TOP);
const npy = fs.readFileSync(path.join(glove, 'glove.npy'));
const header = 10 + npy.readUInt16LE(8);
const vec = new Float32Array(npy.buffer.slice(npy.byteOffset + header, npy.byteOffset + header + TOP * 100 * 4));
const idOf = new Map(words.map((w, i) => [w, i]));
const cos = (a: number, b: number) => { let s = 0; for (let k = 0; k < 100; k++) s += vec[a * 100 + k]! * vec[b * 100 + k]!; return s; };
const toks = (t: string) => [...new Set((t.toLowerCase().match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu) ?? []))];
function best(word: string, text: string[]): number {
  if (text.includes(word)) return 1;
  const a = idOf.get(word); if (a === undefined) return -1;
  let m = -1; for (const t of text) { const b = idOf.get(t); if (b !== undefined) m = Math.max(m, cos(a, b)); }
  return m;
}
const config = await loadConfig();
const embedder = await loadEmbedder(config.embedding);
const reader = loadReader(config.reader.modelFile, config.reader.threshold, config.reader.sureThreshold, config.reader.openThreshold);
const index = await localStore(await cachedIndexDir(config, embedder, 'coverage', config.corpusDir), config.hnsw).open();
const set = readQuestionSet(path.join(PROJECT_ROOT, 'eval', 'questions.json'));
interface WordRow { idf: number; quote: number; passage: number; article: number }
const out: { kind: string; answered: boolean; conf: number; words: WordRow[] }[] = [];
for (const q of [...set.answerable.map((q) => ({ ...q, kind: 'answerable' as const })), ...set.offTopic]) {
  const answer = await answerQuestion({ index, embedder, reader }, q.question, { mode: 'hybrid', passages: 3, answerAll: true });
  const fact = asksFactOf(index.terms.vocabulary, reader, q.question);
  const answered = answer.found && answer.confidence >= thresholdOf(fact, readerThresholds(reader));
  const analysis = reader.prepare(searchedText(index.terms.vocabulary, q.question, reader.isWord).text);
  const p = answer.passages[0];
  const article = p ? index.articles.get(p.articleId) : undefined;
  const quoteW = toks(p?.quote ?? ''), passW = toks(p?.text ?? ''), artW = toks(article ? `${article.title}\n${article.text}` : '');
  const qw = contentWords(analysis.annotated.tokens).map(({ term, word }) => ({ term, word: word.toLowerCase(), idf: index.terms.idf(term), quote: +best(word.toLowerCase(), quoteW).toFixed(3), passage: +best(word.toLowerCase(), passW).toFixed(3), article: +best(word.toLowerCase(), artW).toFixed(3) }));
  out.push({ kind: q.kind, answered, conf: answer.confidence, words: qw });
}
/** ROC AUC of scores for positives against negatives (ties count half). */
function auc(pos: number[], neg: number[]): number {
  let sum = 0;
  for (const p of pos) for (const n of neg) sum += p > n ? 1 : p === n ? 0.5 : 0;
  return sum / (pos.length * neg.length);
}
const measures: Record<string, (words: WordRow[]) => number> = {};
for (const scope of ['quote', 'passage', 'article'] as const) {
  measures[`exact missing, ${scope}`] = (ws) => Math.max(0, ...ws.filter((w) => w[scope] < 1).map((w) => w.idf));
  measures[`soft missing, ${scope}`] = (ws) => Math.max(0, ...ws.map((w) => w.idf * (1 - Math.max(0, w[scope]))));
  measures[`lowest cosine, ${scope}`] = (ws) => -Math.min(1, ...ws.map((w) => Math.max(0, w[scope])));
  measures[`mean cosine, ${scope}`] = (ws) => (ws.length ? -ws.reduce((s, w) => s + Math.max(0, w[scope]), 0) / ws.length : -1);
}
const answered = out.filter((r) => r.answered);
const near = answered.filter((r) => r.kind === 'near-miss');
const right = answered.filter((r) => r.kind === 'answerable');
console.log(`answered at their threshold: ${near.length} near misses, ${right.length} answerable questions`);
for (const [name, m] of Object.entries(measures)) console.log(`${name.padEnd(26)} AUC ${auc(near.map((r) => m(r.words)), right.map((r) => m(r.words))).toFixed(3)}`);
console.log(`${'reader confidence'.padEnd(26)} AUC ${auc(near.map((r) => -r.conf), right.map((r) => -r.conf)).toFixed(3)}`);
