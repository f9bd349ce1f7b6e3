/**
 * Run by pg-load.ts in a process of its own (so that a load over its time budget can be stopped, and one
 * that runs out of memory ends only itself): copies the live version of a local index folder into a PGlite
 * data folder, written as `npm run embed` writes a version to Postgres (the store's own write, pg-write.ts,
 * over the wire protocol through the `pg` driver), with the vectors, annotations and term tables the local
 * index already holds: nothing is embedded.
 *
 *   node --import tsx scripts/bench/pg-loader.ts <index folder> <data folder>
 *
 * Prints JSON lines on stdout: `{"progress": …}` every few seconds (what it is doing, its wall and CPU time
 * and RSS so far), then `{"done": …}` (a PostgresLoad without its date and source, which the bench adds).
 */
import { loadConfig } from '../../src/config.js';
import { startDevDatabase } from '../../src/db/dev-server.js';
import { openPostgresStore } from '../../src/db/pg-store.js';
import { exitWithError } from '../../src/errors.js';
import { LexicalIndex } from '../../src/index/lexical-index.js';
import { openLocalVersion, previousOf } from '../../src/index/local-version.js';
import type { IndexContents } from '../../src/index/store.js';
import { cpuMs, peakRssKb } from './measure.js';
import type { LoaderProgress } from './pg-load.js';

/** How often the loader says how far it is. */
const PROGRESS_SECONDS = 10;

async function main(): Promise<void> {
  const [indexDir, dataDir] = process.argv.slice(2);
  if (!indexDir || !dataDir) throw new Error('Usage: pg-loader.ts <index folder> <data folder>');
  const started = performance.now();
  let doing = 'reading the local index';
  const progress = (): LoaderProgress => ({ doing, seconds: (performance.now() - started) / 1000, cpuSeconds: cpuMs() / 1000, rssMb: process.memoryUsage().rss / 2 ** 20 });
  setInterval(() => console.log(JSON.stringify({ progress: progress() })), PROGRESS_SECONDS * 1000).unref();

  const config = await loadConfig();
  const local = await openLocalVersion(indexDir, config.hnsw);
  // The records a re-embed would reuse (reading them closes the file, the articles' texts read before), and
  // the version's HNSW index and terms.
  const previous = previousOf(local);
  const records = await previous.records();
  const { formatVersion: _format, builtAt: _builtAt, files: _files, ...manifest } = previous.manifest;
  const contents: IndexContents = {
    manifest,
    articles: local.articleIds.map((id) => previous.articles.get(id)!),
    chunks: records.chunks,
    sentences: records.sentences,
    sentenceVectors: records.sentenceVectors,
    annotations: records.annotations,
    chunkVector: (label) => local.dense.vector(label),
    terms: local.terms,
    chunkTerms: records.chunks.map((c) => LexicalIndex.terms(previous.articles.get(c.articleId)!.text.slice(c.start, c.end))),
  };

  doing = `writing ${manifest.counts.chunks} chunks and ${manifest.counts.sentences} sentences`;
  const writeStarted = performance.now();
  const writeCpu = cpuMs();
  const db = await startDevDatabase({ dataDir, port: 0 });
  try {
    const store = await openPostgresStore(db.url, config.hnsw);
    try {
      await store.target.write(contents);
    } finally {
      await store.close();
    }
  } finally {
    doing = 'closing the database';
    await db.stop();
  }
  const done = {
    chunks: manifest.counts.chunks,
    sentences: manifest.counts.sentences,
    seconds: (performance.now() - writeStarted) / 1000,
    cpuSeconds: (cpuMs() - writeCpu) / 1000,
    peakRssMb: peakRssKb() / 1024,
  };
  console.log(JSON.stringify({ done }));
}

main().catch((error: unknown) => exitWithError(error));
