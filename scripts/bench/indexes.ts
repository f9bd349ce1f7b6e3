/**
 * The bench's indexes, built with the project's buildIndex into .cache/bench/<name> and reused by later runs
 * (with a record of how each was built), and the subsets of a corpus that hold about a number of chunks.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { chunkArticle } from '../../src/chunking.js';
import { PROJECT_ROOT, type Config } from '../../src/config.js';
import type { Article } from '../../src/corpus/types.js';
import type { Embedder } from '../../src/embedder.js';
import { buildIndex, chunkingSignature, modelSignature } from '../../src/index/build.js';
import { articleHash } from '../../src/corpus/ids.js';
import { currentVersion, modelMismatch } from '../../src/index/store.js';
import { loadIndex } from '../../src/index/local-version.js';
import { graphOutdated } from '../../src/index/vector-index.js';
import { log } from './measure.js';
import { distinctTextsOf } from './scale.js';
import type { BuildRecord } from './results.js';

export const CACHE_DIR = path.join(PROJECT_ROOT, '.cache', 'bench');
const BUILD_RECORDS = path.join(CACHE_DIR, 'builds.json');

/** A cache's records by name (how each cached build was made), from a JSON file; none when it is missing. */
export async function readRecords<T>(file: string): Promise<Record<string, T>> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, T>;
  } catch {
    return {};
  }
}

export async function saveRecord<T>(file: string, name: string, record: T): Promise<void> {
  const records = await readRecords<T>(file);
  records[name] = record;
  await fs.writeFile(file, JSON.stringify(records, null, 2));
}

const readBuildRecords = () => readRecords<BuildRecord>(BUILD_RECORDS);
const saveBuildRecord = (name: string, record: BuildRecord) => saveRecord(BUILD_RECORDS, name, record);

/**
 * Whether the cached index in `dir` holds exactly these articles (their titles and texts as the corpus is read
 * now: a change in how articles are read, such as the twelfth session's composed Unicode, makes the cache stale),
 * embedded and chunked as configured.
 */
async function isCached(dir: string, articles: readonly Article[], embedder: Embedder, config: Config): Promise<boolean> {
  if (!(await currentVersion(dir).catch(() => undefined))) return false;
  const index = await loadIndex(dir, config.hnsw).catch(() => undefined);
  if (!index) return false;
  try {
    // An index whose graph a build now makes otherwise (a large one from before projected graphs) is built again.
    if (modelMismatch(index.manifest, modelSignature(embedder)) || graphOutdated(index.dense, config.hnsw.projectFrom)) return false;
    const chunking = chunkingSignature(embedder, config.chunking);
    if (index.manifest.chunking.maxTokens !== chunking.maxTokens || index.manifest.chunking.overlapSentences !== chunking.overlapSentences) return false;
    if (index.manifest.counts.articles !== articles.length) return false;
    return articles.every((article) => {
      const stored = index.articles.get(article.id);
      return stored !== undefined && articleHash(stored) === articleHash(article);
    });
  } finally {
    index.dense.close?.();
  }
}

/** Builds (or reuses) the index of `articles` in .cache/bench/<name>; `seed` is a larger index to derive it from. */
export async function ensureIndex(name: string, articles: Article[], embedder: Embedder, config: Config, seed?: string): Promise<{ dir: string; record?: BuildRecord; cached: boolean }> {
  const dir = path.join(CACHE_DIR, name);
  if (await isCached(dir, articles, embedder, config)) {
    return { dir, record: (await readBuildRecords())[name], cached: true };
  }
  let how = 'from scratch';
  if (seed) {
    await fs.rm(dir, { recursive: true, force: true });
    // buildIndex is incremental: seeded with a copy of a larger index it reuses the vectors of the articles
    // they share and only drops the rest, so a subset costs no embedding.
    await fs.cp(seed, dir, { recursive: true, filter: (source) => !path.basename(source).startsWith('.') });
    how = `incremental, from the cached ${path.basename(seed)} index`;
  } else if (await currentVersion(dir).catch(() => undefined)) {
    // The index an earlier run left (of an older format, say) is kept: buildIndex reuses what it can of it.
    how = 'incremental, from the index an earlier run left';
  } else {
    await fs.rm(dir, { recursive: true, force: true });
  }
  log(`building ${name} (${articles.length} articles, ${how})`);
  let shown = 0;
  const report = await buildIndex({
    articles,
    embedder,
    dir,
    chunking: config.chunking,
    hnsw: config.hnsw,
    onProgress: ({ embedded, toEmbed }) => {
      if (embedded - shown >= 2000 || (embedded === toEmbed && toEmbed > 0)) log(`  ${name}: embedded ${(shown = embedded)} / ${toEmbed}`);
    },
  });
  // A seed built another way cannot be reused, and then everything is embedded: say so.
  if (report.fullRebuildReason) how = `from scratch (${report.fullRebuildReason})`;
  const record: BuildRecord = { seconds: report.seconds, chunks: report.chunks, sentences: report.sentences, embeddedTexts: report.embeddedTexts, distinctTexts: distinctTextsOf(embedder), builtAt: new Date().toISOString(), how };
  await saveBuildRecord(name, record);
  return { dir, record, cached: false };
}

/** The first articles of a corpus whose chunks add up to about `target`. */
export function prefixWithChunks(articles: Article[], chunksPerArticle: Map<string, number>, target: number): Article[] {
  let total = 0;
  const picked: Article[] = [];
  for (const article of articles) {
    if (total >= target) break;
    picked.push(article);
    total += chunksPerArticle.get(article.id) ?? 0;
  }
  return picked;
}

export function chunkCounts(articles: Article[], embedder: Embedder, config: Config, upTo: number): Map<string, number> {
  const budget = chunkingSignature(embedder, config.chunking);
  const counts = new Map<string, number>();
  let total = 0;
  for (const article of articles) {
    if (total >= upTo) break;
    const n = chunkArticle(article, { ...budget, countTokens: embedder.countPassageTokens }).length;
    counts.set(article.id, n);
    total += n;
  }
  return counts;
}
