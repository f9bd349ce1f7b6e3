/**
 * Indexes for evaluation and training, built with the project's own pipeline and cached in .cache/eval
 * under a key of the model and build settings (efSearch is a query-time setting, so it does not key it).
 * SQuAD articles are written there as a JSON Lines corpus first: one document an article, its paragraphs
 * separated by blank lines.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { embedProgressBar, formatBuildReport } from '../cli/progress.js';
import { PROJECT_ROOT, type Config } from '../config.js';
import { loadCorpus } from '../corpus/load.js';
import type { Embedder } from '../embedder.js';
import { buildIndex, chunkingSignature, modelSignature } from '../index/build.js';
import { type IndexSnapshot } from '../index/store.js';
import { loadIndex } from '../index/local-version.js';
import { cacheKey } from './datasets.js';
import { articleAsDocument, type DocumentQuestion, type SquadArticle } from './squad.js';

export const EVAL_CACHE = path.join(PROJECT_ROOT, '.cache', 'eval');

/** Builds (or brings up to date from the cache) the index of a corpus file or folder; returns its folder. */
export async function cachedIndexDir(config: Config, embedder: Embedder, name: string, corpusPath: string, cacheDir = EVAL_CACHE): Promise<string> {
  const { m, efConstruction } = config.hnsw;
  const key = cacheKey({ model: modelSignature(embedder), chunking: chunkingSignature(embedder, config.chunking), hnsw: { m, efConstruction } });
  const dir = path.join(cacheDir, `${name}-${key}`);
  const corpus = await loadCorpus(corpusPath, { maxArticleBytes: config.maxArticleBytes });
  const bar = embedProgressBar();
  const started = performance.now();
  const report = await buildIndex({ articles: corpus.articles, embedder, dir, chunking: config.chunking, hnsw: config.hnsw, onProgress: bar.update });
  bar.stop();
  if (report.embeddedTexts > 0) console.error(formatBuildReport(report));
  console.error(`${name}: index ready in ${((performance.now() - started) / 1000).toFixed(1)} s (${report.chunks} chunks).`);
  return dir;
}

/** The cached index of a corpus, loaded whole into memory. */
async function cachedIndex(config: Config, embedder: Embedder, name: string, corpusPath: string): Promise<IndexSnapshot> {
  return loadIndex(await cachedIndexDir(config, embedder, name, corpusPath), config.hnsw);
}

export type IndexedQuestion = DocumentQuestion & { articleId: string };

/** Whether a sentence of the index holds one of a question's gold answers (where the answer starts). */
export function holdsAnswer(index: IndexSnapshot, sentence: number, question: IndexedQuestion): boolean {
  const s = index.sentences[sentence]!;
  return s.articleId === question.articleId && question.documentAnswers.some((a) => a.start >= s.start && a.start < s.end);
}

/** SQuAD articles as an indexed corpus, with their questions located in it. */
export async function squadIndex(config: Config, embedder: Embedder, name: string, articles: SquadArticle[]): Promise<{ index: IndexSnapshot; questions: IndexedQuestion[] }> {
  const converted = articles.map(articleAsDocument);
  const file = path.join(EVAL_CACHE, `${name}.jsonl`);
  await fs.mkdir(EVAL_CACHE, { recursive: true });
  await fs.writeFile(file, converted.map(({ document }) => JSON.stringify(document)).join('\n') + '\n');
  const index = await cachedIndex(config, embedder, name, file);
  const questions: IndexedQuestion[] = [];
  for (const { document, questions: asked } of converted) {
    const article = index.articles.get(document.id);
    if (article?.text !== document.text) throw new Error(`SQuAD article ${document.id} was not indexed with its text unchanged.`);
    for (const question of asked) questions.push({ ...question, articleId: document.id });
  }
  return { index, questions };
}
