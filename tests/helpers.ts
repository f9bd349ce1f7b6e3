/** Shared set-up for the suites: the real shipped model, the real corpus, indexes in temporary folders. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { configFromEnv, PROJECT_ROOT, type Config } from '../src/config.js';
import { loadCorpus } from '../src/corpus/load.js';
import type { Article } from '../src/corpus/types.js';
import { loadEmbedder, type Embedder } from '../src/embedder.js';
import { buildIndex, type BuildReport } from '../src/index/build.js';

export const ARTICLES_DIR = path.join(PROJECT_ROOT, 'articles');

/** A fresh temporary folder, removed when the process ends. */
export function tempDir(prefix = 'coverage-bot-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The default configuration with its folders pointed elsewhere. */
export function testConfig(env: Record<string, string> = {}): Config {
  return configFromEnv({ EMBEDDINGS_DIR: tempDir('coverage-bot-index-'), ...env });
}

let embedder: Promise<Embedder> | undefined;
/** The shipped model, loaded once per test file. */
export function sharedEmbedder(): Promise<Embedder> {
  embedder ??= loadEmbedder(configFromEnv({}).embedding);
  return embedder;
}

export async function shippedArticles(): Promise<Article[]> {
  return (await loadCorpus(ARTICLES_DIR)).articles;
}

export async function buildInto(config: Config, articles?: Article[], signal?: AbortSignal): Promise<BuildReport> {
  return buildIndex({
    articles: articles ?? (await shippedArticles()),
    embedder: await sharedEmbedder(),
    dir: config.embeddingsDir,
    chunking: config.chunking,
    hnsw: config.hnsw,
    signal,
  });
}
