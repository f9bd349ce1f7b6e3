/**
 * Experiment: does the reader read a small corpus as it reads a large one? The coverage's question sets are asked
 * of 5 articles (104 chunks); the reader was trained on the SQuAD training split indexed whole (38 articles, 4,412
 * chunks). Here the training split's questions are read twice with the shipped reader: on the whole index, and on a
 * view of it holding only their article's group (GROUP articles by position; its chunks alone counted in the word
 * statistics, retrieval kept to them). In sample for the sentence model (it was trained on these questions, read
 * on the whole index): what matters is how the two readings differ.
 *
 *   GROUP=1 node --import tsx scripts/experiments/corpus-scale.ts [every nth question, default 2]
 */
import { holdsAnswer } from '../../src/eval/cached-index.js';
import { LexicalIndex } from '../../src/index/lexical-index.js';
import type { IndexSnapshot } from '../../src/index/store.js';
import { RETRIEVE_LIMIT } from '../../src/pipeline.js';
import { loadReader } from '../../src/reader/reader.js';
import { retrieve } from '../../src/retrieve.js';
import { squadTraining } from './squad-train.js';

const GROUP = Number(process.env.GROUP ?? 1);
const every = Number(process.argv[2] ?? 2);
const { config, embedder, index, questions } = await squadTraining();
const reader = loadReader(config.reader.modelFile);
const articleIds = [...new Set(index.chunks.map((c) => c.articleId))];
const groupOf = new Map(articleIds.map((id, i) => [id, Math.floor(i / GROUP)]));

const views = new Map<number, IndexSnapshot>();
function groupView(group: number): IndexSnapshot {
  let view = views.get(group);
  if (view) return view;
  const counts = new Map<string, number>();
  let chunks = 0;
  for (const chunk of index.chunks) {
    if (groupOf.get(chunk.articleId) !== group) continue;
    chunks++;
    for (const term of new Set(LexicalIndex.terms(index.articles.get(chunk.articleId)!.text.slice(chunk.start, chunk.end)))) counts.set(term, (counts.get(term) ?? 0) + 1);
  }
  const lexical = Object.create(index.lexical) as LexicalIndex;
  Object.defineProperty(lexical, 'chunkCount', { get: () => chunks });
  Object.defineProperty(lexical, 'documentFrequency', { value: (term: string) => counts.get(term) ?? 0 });
  const made: IndexSnapshot = { ...index, lexical };
  views.set(group, made);
  return made;
}

type Run = { confidence: number; right: boolean; impossible: boolean };
const runs: Record<'whole' | 'group', Run[]> = { whole: [], group: [] };
for (const [i, q] of questions.entries()) {
  if (i % every !== 0) continue;
  const vector = await embedder.embedQuery(q.question);
  const group = groupOf.get(q.articleId)!;
  for (const setting of ['whole', 'group'] as const) {
    const seen = setting === 'whole' ? index : groupView(group);
    const retrieved = retrieve(seen, q.question, vector, { mode: 'hybrid', limit: RETRIEVE_LIMIT, keepArticle: setting === 'whole' ? undefined : (id) => groupOf.get(id) === group });
    const reading = reader.read(seen, q.question, vector, retrieved);
    const top = reading.sentences[0];
    runs[setting].push({ confidence: reading.confidence, right: !q.impossible && !!top && holdsAnswer(index, top.sentence, q), impossible: q.impossible });
  }
}

function auc(pos: number[], neg: number[]): number {
  let wins = 0;
  for (const p of pos) for (const n of neg) wins += p > n ? 1 : p === n ? 0.5 : 0;
  return wins / (pos.length * neg.length);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
console.log(`GROUP=${GROUP}, ${runs.whole.length} questions`);
console.log('setting\tanswerable: top sentence right\tmedian conf. right\tmedian conf. unanswerable\tAUC right vs unanswerable\tanswered @0.15 / @0.025\tunanswerable refused @0.15 / @0.025');
for (const [setting, rs] of Object.entries(runs)) {
  const answerable = rs.filter((r) => !r.impossible);
  const right = answerable.filter((r) => r.right).map((r) => r.confidence);
  const unanswerable = rs.filter((r) => r.impossible).map((r) => r.confidence);
  const at = (xs: number[], t: number) => xs.filter((c) => c >= t).length / xs.length;
  const all = answerable.map((r) => r.confidence);
  console.log(`${setting}\t${pct(right.length / answerable.length)}\t${median(right).toFixed(3)}\t${median(unanswerable).toFixed(3)}\t${auc(right, unanswerable).toFixed(3)}\t${pct(at(all, 0.15))} / ${pct(at(all, 0.025))}\t${pct(1 - at(unanswerable, 0.15))} / ${pct(1 - at(unanswerable, 0.025))}`);
}
process.exit(0);
