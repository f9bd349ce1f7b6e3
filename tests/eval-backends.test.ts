/**
 * `npm run eval -- DATASET --backends local,postgres` (scripts/eval/retrieval.ts): one BEIR-style dataset, its
 * questions asked of the same coverage served by the local index and by Postgres (the index copied into a real
 * PGlite by the bench's loader process, reached through the `pg` driver), with nDCG@10 per backend and mode.
 * The dataset is the shipped corpus with the tuning set's answerable questions, each judged relevant to the
 * articles that hold its evidence.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { evaluateDataset } from '../scripts/eval/retrieval.js';
import { PROJECT_ROOT } from '../src/config.js';
import { EVAL_CACHE } from '../src/eval/cached-index.js';
import { loadDataset } from '../src/eval/datasets.js';
import { locateEvidence, readQuestionSet } from '../src/eval/question-set.js';
import { sharedEmbedder, shippedArticles, tempDir, testConfig } from './helpers.js';

it('gives the same hybrid nDCG@10 on both backends, within the 0.01 the issue allows', async () => {
  const articles = await shippedArticles();
  const dir = path.join(tempDir('coverage-bot-dataset-'), 'shipped-news');
  mkdirSync(path.join(dir, 'qrels'), { recursive: true });
  writeFileSync(path.join(dir, 'corpus.jsonl'), articles.map((a) => JSON.stringify({ _id: a.id, title: a.title, text: a.text })).join('\n') + '\n');
  // The questions whose evidence is found verbatim in the corpus (the question-set evaluation needs the same).
  const questions = readQuestionSet(path.join(PROJECT_ROOT, 'eval', 'questions.json')).answerable.filter((q) => locateEvidence(q.evidence, articles).length > 0);
  expect(questions.length).toBeGreaterThan(80);
  writeFileSync(path.join(dir, 'queries.jsonl'), questions.map((q) => JSON.stringify({ _id: q.id, text: q.question })).join('\n') + '\n');
  const qrels = questions.flatMap((q) => [...new Set(locateEvidence(q.evidence, articles).map((s) => s.articleId))].map((id) => `${q.id}\t${id}\t1`));
  writeFileSync(path.join(dir, 'qrels', 'test.tsv'), `query-id\tcorpus-id\tscore\n${qrels.join('\n')}\n`);

  const cacheDir = tempDir('coverage-bot-eval-cache-');
  const dataset = await loadDataset(dir, cacheDir);
  expect(dataset.queries.length).toBe(questions.length);
  const result = await evaluateDataset(testConfig(), await sharedEmbedder(), dataset, ['hybrid', 'dense', 'lexical'], Infinity, ['local', 'postgres'], cacheDir);

  expect(result).toMatchObject({ queries: questions.length, documents: articles.length });
  expect(result.rows.filter((r) => r[1] === 'local').map((r) => r[2])).toEqual(['hybrid', 'dense', 'lexical']);
  expect(result.rows.filter((r) => r[1] === 'postgres').map((r) => r[2])).toEqual(['hybrid', 'dense', 'lexical']);
  const hybrid = Number(result.rows.find((r) => r[1] === 'local' && r[2] === 'hybrid')![3]);
  expect(hybrid).toBeGreaterThan(0.5);
  expect(result.parity.map((p) => p.mode)).toEqual(['hybrid', 'dense', 'lexical']);
  // The issue asks hybrid nDCG@10 within 0.01; BM25 alone may differ a little more (the local BM25 scores as
  // MiniSearch does, which also weighs how many of the question's terms a chunk holds; pg_textsearch does not).
  const difference = new Map(result.parity.map((p) => [p.mode, Math.abs(p.difference)]));
  expect([...difference.keys()]).toEqual(['hybrid', 'dense', 'lexical']);
  expect(difference.get('hybrid')).toBeLessThanOrEqual(0.01);
  expect(difference.get('dense')).toBeLessThanOrEqual(0.01);
  expect(difference.get('lexical')).toBeLessThanOrEqual(0.03);
  // The index and its PGlite copy went to the given folder, not to the project's own cache.
  expect(readdirSync(cacheDir).some((name) => name.startsWith('shipped-news-'))).toBe(true);
  expect(existsSync(path.join(cacheDir, 'postgres', 'postgres-shipped-news'))).toBe(true);
  expect(existsSync(EVAL_CACHE) && readdirSync(EVAL_CACHE).some((name) => name.startsWith('shipped-news'))).toBe(false);
}, 240_000);
