// `tsx scripts/experiments/term-selection.ts`: which query terms BM25 searches. Quality (nDCG@10, chunk BM25
// → documents) and CPU time per question (both searches) of the lexical index leaving out terms found in more
// than a share of the chunks, at each BEIR set's size and at ~100k chunks (every set, repeated under new ids).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { chunkArticle } from '../../src/chunking.js';
import { loadConfig, PROJECT_ROOT } from '../../src/config.js';
import { parseFiles } from '../../src/corpus/load.js';
import type { Article } from '../../src/corpus/types.js';
import { loadEmbedder } from '../../src/embedder.js';
import { loadDataset } from '../../src/eval/datasets.js';
import { mean, ndcgAt } from '../../src/eval/metrics.js';
import { chunkingSignature } from '../../src/index/build.js';
import { DEFAULT_BM25, LexicalIndex, type ChunkDocument } from '../../src/index/lexical-index.js';
import { lexicalCpuTimes } from '../bench/measure.js';

const DATA = path.join(PROJECT_ROOT, '..', 'shared', 'eval');
const config = await loadConfig();
const embedder = await loadEmbedder(config.embedding);
const budget = { ...chunkingSignature(embedder, config.chunking), countTokens: embedder.countPassageTokens };
const SHARES = [0.1, 0.03];
function cpuTimes(index: LexicalIndex, questions: string[]): string {
  const { p50, p95 } = lexicalCpuTimes(index, questions);
  return `${p50.toFixed(1)} / ${p95.toFixed(1)}`;
}
const rows: string[] = [];
const every: Article[] = [];
let scifactQuestions: string[] = [];
for (const name of ['scifact', 'nfcorpus', 'nq-utd']) {
  const dataset = await loadDataset(path.join(DATA, name), path.join(PROJECT_ROOT, '.cache', 'eval'));
  const articles = parseFiles([{ source: 'corpus.jsonl', bytes: new Uint8Array(readFileSync(dataset.corpusFile)) }]).articles;
  if (name === 'scifact') scifactQuestions = dataset.queries.map((q) => q.text);
  every.push(...articles.map((a) => ({ ...a, id: `${name}-${a.id}` })));
  const docs: ChunkDocument[] = [];
  const owner: string[] = [];
  for (const a of articles) for (const c of chunkArticle(a, budget)) { owner.push(a.id); docs.push({ label: docs.length, title: a.title, text: a.text.slice(c.start, c.end) }); }
  for (const share of SHARES) {
    const index = LexicalIndex.build(docs, articles, DEFAULT_BM25, share);
    const ndcg = mean(dataset.queries.map((q) => ndcgAt([...new Set(index.query(q.text, 100).map((h) => owner[h.label]!))], dataset.qrels.get(q.id)!, 10)));
    rows.push(`| ${name} | ${docs.length} | ${share} | ${ndcg.toFixed(3)} | ${cpuTimes(index, dataset.queries.map((q) => q.text))} |`);
    console.log(rows.at(-1));
  }
}
const docs: ChunkDocument[] = [];
for (let copy = 1; docs.length < 100_000; copy++) {
  for (const a of every) {
    if (docs.length >= 100_000) break;
    for (const c of chunkArticle(a, budget)) docs.push({ label: docs.length, title: a.title, text: a.text.slice(c.start, c.end) });
  }
}
for (const share of SHARES) {
  const large = LexicalIndex.build(docs.slice(0, 100_000), every, DEFAULT_BM25, share);
  rows.push(`| 100k (all sets, repeated) | 100000 | ${share} | — | ${cpuTimes(large, scifactQuestions)} |`);
  console.log(rows.at(-1));
}
console.log(['| set | chunks | common-term share | nDCG@10 | CPU ms p50 / p95 (both searches) |', '|---|---|---|---|---|', ...rows].join('\n'));
