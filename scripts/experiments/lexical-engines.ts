/**
 * `tsx scripts/experiments/lexical-engines.ts [--data DIR]`: MiniSearch BM25 (the shipped lexical index)
 * against SQLite FTS5 BM25 with the same tokenisation, on the BEIR sets in ../shared/eval: nDCG@10 of
 * chunk-level BM25 (a document ranked by its best chunk) and query latency, then latency alone on a corpus
 * of ~100k chunks made of every public set (repeated under new ids to reach the size).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { chunkArticle } from '../../src/chunking.js';
import { loadConfig, PROJECT_ROOT } from '../../src/config.js';
import { parseFiles } from '../../src/corpus/load.js';
import type { Article } from '../../src/corpus/types.js';
import { loadEmbedder } from '../../src/embedder.js';
import { chunkingSignature } from '../../src/index/build.js';
import { loadDataset } from '../../src/eval/datasets.js';
import { mean, ndcgAt } from '../../src/eval/metrics.js';
import { Fts5Lexical } from './fts5-lexical.js';
import { LexicalIndex, type ChunkDocument } from '../../src/index/lexical-index.js';
import { lexicalCpuTimes } from '../bench/measure.js';

const DATA = path.resolve(process.argv.includes('--data') ? process.argv[process.argv.indexOf('--data') + 1]! : path.join(PROJECT_ROOT, '..', 'shared', 'eval'));
const config = await loadConfig();
const embedder = await loadEmbedder(config.embedding);
const countTokens = embedder.countPassageTokens;
const { maxTokens } = chunkingSignature(embedder, config.chunking);

function chunksOf(articles: Article[]): { docs: ChunkDocument[]; owner: string[] } {
  const docs: ChunkDocument[] = [];
  const owner: string[] = [];
  for (const article of articles) {
    for (const c of chunkArticle(article, { maxTokens, overlapSentences: config.chunking.overlapSentences, countTokens })) {
      owner.push(article.id);
      docs.push({ label: docs.length + 1, title: article.title, text: article.text.slice(c.start, c.end) });
    }
  }
  return { docs, owner };
}

interface Engine {
  query(text: string, k: number): { label: number }[];
  queryArticles(text: string, k: number): unknown[];
}

const timeQueries = (engine: Engine, questions: string[]) => lexicalCpuTimes(engine, questions);

const rows: string[] = [];
const allArticles: Article[] = [];
for (const name of ['scifact', 'nfcorpus', 'nq-utd']) {
  const dataset = await loadDataset(path.join(DATA, name), path.join(PROJECT_ROOT, '.cache', 'eval'));
  const articles = parseFiles([{ source: path.basename(dataset.corpusFile), bytes: new Uint8Array(readFileSync(dataset.corpusFile)) }]).articles;
  allArticles.push(...articles);
  const { docs, owner } = chunksOf(articles);
  const mini = LexicalIndex.build(docs, articles);
  const fts = Fts5Lexical.build(':memory:', docs, articles, mini);
  for (const [engineName, engine] of [['MiniSearch', mini], ['FTS5', fts]] as const) {
    const scores = dataset.queries.map((q) => {
      const ranked = [...new Set(engine.query(q.text, 100).map((h) => owner[h.label - 1]!))];
      return ndcgAt(ranked, dataset.qrels.get(q.id)!, 10);
    });
    const speed = timeQueries(engine, dataset.queries.map((q) => q.text));
    rows.push(`| ${name} | ${docs.length} | ${engineName} | ${mean(scores).toFixed(3)} | ${speed.p50.toFixed(2)} | ${speed.p95.toFixed(2)} |`);
    console.log(rows.at(-1));
  }
  fts.close();
}

// ~100k chunks: every set's chunks, repeated under new ids until the size is reached (latency only).
const scifactQuestions = (await loadDataset(path.join(DATA, 'scifact'), path.join(PROJECT_ROOT, '.cache', 'eval'))).queries.map((q) => q.text);
const base = chunksOf(allArticles).docs;
const large: ChunkDocument[] = [];
for (let copy = 0; large.length < 100_000; copy++) for (const d of base) if (large.length < 100_000) large.push({ ...d, label: large.length + 1 });
const largeArticles = allArticles.map((a) => ({ id: a.id, title: a.title, text: a.text }));
const rss0 = process.memoryUsage().rss;
const mini = LexicalIndex.build(large, largeArticles);
const rssMini = process.memoryUsage().rss;
const fts = Fts5Lexical.build(':memory:', large, largeArticles, mini);
for (const [engineName, engine] of [['MiniSearch', mini], ['FTS5', fts]] as const) {
  const speed = timeQueries(engine, scifactQuestions);
  rows.push(`| 100k (all sets, repeated) | ${large.length} | ${engineName} | — | ${speed.p50.toFixed(2)} | ${speed.p95.toFixed(2)} |`);
  console.log(rows.at(-1));
}
console.log(`MiniSearch heap growth at 100k: ${((rssMini - rss0) / 1e6).toFixed(0)} MB`);
console.log(['| set | chunks | engine | nDCG@10 (chunk BM25) | CPU ms p50 | CPU ms p95 |', '|---|---|---|---|---|---|', ...rows].join('\n'));
