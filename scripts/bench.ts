/**
 * `npm run bench [-- --quick] [--data DIR] [--json]`: measures the pipeline on this machine and writes
 * docs/BENCHMARKS.md and the chart docs/bench-scaling.svg; `--json` also prints one JSON object on stdout
 * (an `ask` array of {backend, chunks, p50Ms, p95Ms} rows among others).
 *
 *   1. embedding throughput through Embedder.embedPassages against a bare onnxruntime session (the ceiling);
 *   2. warm question latency through Pipeline.ask at ~100, ~1k, ~10k and all-SciFact chunks, and at 100k
 *      chunks of every public set with random passage vectors (scripts/bench/scale.ts), plus recall@10 of
 *      the HNSW index against exact search on the real vectors;
 *   3. an HNSW parameter sweep on synthetic random unit vectors (index part only);
 *   4. index build and load times, peak RSS, and the cold start of the ask CLI.
 *
 * Indexes are built with the project's buildIndex into .cache/bench/<name> and reused when present, so
 * only the first run pays for embedding the BEIR corpus.
 */
import { existsSync, readFileSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chunkArticle } from '../src/chunking.js';
import { parseCommandLine } from '../src/cli/args.js';
import { loadConfig, PROJECT_ROOT, type Config } from '../src/config.js';
import { exitWithError } from '../src/errors.js';
import { loadCorpus, parseFiles } from '../src/corpus/load.js';
import type { Article } from '../src/corpus/types.js';
import { loadEmbedder, type Embedder } from '../src/embedder.js';
import { chunkingSignature } from '../src/index/build.js';
import { localStore, requireSnapshot } from '../src/index/coverage.js';
import { currentVersion } from '../src/index/store.js';
import { loadIndex } from '../src/index/local-version.js';
import { loadHnswIndex } from '../src/index/vector-index.js';
import { openPipeline, RETRIEVE_LIMIT } from '../src/pipeline.js';
import { retrieve } from '../src/retrieve.js';
import { log, median, ms, packageVersion, peakRssKb, percentile, percentiles, timed } from './bench/measure.js';
import { latencyChart } from './bench/chart.js';
import { benchColdStart } from './bench/cold-start.js';
import { benchEmbedding } from './bench/embedding.js';
import { CACHE_DIR, chunkCounts, ensureIndex, prefixWithChunks } from './bench/indexes.js';
import { publicArticles, randomPassageEmbedder, scaleCorpus } from './bench/scale.js';
import { jsonSummary, printSummary, render } from './bench/report.js';
import type { BuildRecord, ColdStart, RecallRow, Results, SizeResult } from './bench/results.js';
import { benchSynthetic, exactKthSimilarity, recallAtK, searchLatencies } from './bench/vectors.js';

// ---------------------------------------------------------------------------------------------- settings

const USAGE = 'Usage: npm run bench [-- --quick] [--data DIR] [--out FILE] [--json]';
const flags = (() => {
  try {
    return parseCommandLine(
      {
        options: {
          quick: { type: 'boolean', default: false },
          data: { type: 'string', default: path.join(PROJECT_ROOT, '..', 'shared', 'eval') },
          out: { type: 'string' },
          json: { type: 'boolean', default: false },
          help: { type: 'boolean', short: 'h' },
        },
      },
      'npm run bench',
    ).values;
  } catch (error) {
    return exitWithError(error);
  }
})();
if (flags.help) {
  console.log(USAGE);
  process.exit(0);
}
const QUICK = flags.quick!;
const DATA_DIR = path.resolve(flags.data!);
// A smoke run must not overwrite the committed figures.
const OUT_FILE = path.resolve(flags.out ?? (QUICK ? path.join(CACHE_DIR, 'BENCHMARKS.quick.md') : path.join(PROJECT_ROOT, 'docs', 'BENCHMARKS.md')));

const PLAN = QUICK
  ? { embedChunks: 128, batchSizes: [8, 32, 128], embedReps: 1, subsetTargets: [1000], fullScifact: false, scale: false, questions: 50, synthetic: 10_000, sweep: 5_000, coldRuns: 1 }
  : { embedChunks: 256, batchSizes: [8, 16, 32, 64, 128], embedReps: 2, subsetTargets: [1000, 10_000], fullScifact: true, scale: true, questions: 200, synthetic: 100_000, sweep: 20_000, coldRuns: 3 };
/**
 * The full M × efConstruction grid runs at PLAN.sweep vectors: on 2 cores one 100k × 512-d build of random
 * vectors takes minutes, and six of them would not fit the 30-minute budget. At PLAN.synthetic only the
 * configured defaults are built, with a wider efSearch range.
 */
const SWEEP = { m: [8, 16, 32], efConstruction: [100, 200], efSearch: [10, 50, 100, 200] };
const LARGE_EF_SEARCH = [10, 50, 100, 200, 400, 800];
/** Depth the hybrid retriever asks the dense index for (retrieve.ts: max(limit * 2, 50) with limit 20). */
const PIPELINE_DEPTH = 50;
const WARMUP_QUESTIONS = 10;
/** How this run is made, for the report. */
const RUN = { quick: QUICK, coldRuns: PLAN.coldRuns, pipelineDepth: PIPELINE_DEPTH, warmupQuestions: WARMUP_QUESTIONS, embedReps: PLAN.embedReps };

// ------------------------------------------------------------------------------------------------ corpora

function readJsonl(file: string): Article[] {
  // parseFiles, not loadCorpus: a BEIR folder also holds queries.jsonl, which loadCorpus would read as articles.
  const corpus = parseFiles([{ source: path.basename(file), bytes: new Uint8Array(readFileSync(file)) }]);
  return corpus.articles;
}

function readQueries(file: string, count: number): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => (JSON.parse(line) as { text: string }).text)
    .slice(0, count);
}

/** The shipped evaluation questions (every string field named "question"), repeated up to `count`. */
function shippedQuestions(count: number): string[] {
  const found: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'question' && typeof value === 'string') found.push(value);
        else walk(value);
      }
    }
  };
  walk(JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'eval', 'questions.json'), 'utf8')));
  return Array.from({ length: count }, (_, i) => found[i % found.length]!);
}

// ------------------------------------------------------------------------------------ 2. question latency


async function benchSize(name: string, dir: string, build: BuildRecord | undefined, cached: boolean, questions: string[], config: Config, randomVectors = false): Promise<SizeResult> {
  // The local index of this size (the database backend is timed by its own rows).
  const sizeConfig: Config = { ...config, embeddingsDir: dir, databaseUrl: undefined };
  // Opening a version as the bot does: articles, term tables and HNSW in memory, the rest read per question.
  const loads: number[] = [];
  for (let i = 0; i < 3; i++) loads.push((await timed(() => localStore(dir, config.hnsw).open())).ms);

  const pipeline = await openPipeline(sizeConfig);
  for (const question of questions.slice(0, WARMUP_QUESTIONS)) await pipeline.ask(question);
  const ask: number[] = [];
  for (const question of questions) ask.push((await timed(() => pipeline.ask(question))).ms);
  // The stages below use the version loaded whole (BM25 still runs in its SQLite file).
  const index = requireSnapshot(pipeline.index, 'The benchmark');

  // The parts of a question, timed apart: the query embedding, and each retriever at the pipeline's depth.
  const embedQuery: number[] = [];
  const dense: number[] = [];
  const lexical: number[] = [];
  const read: number[] = [];
  for (const question of questions) {
    const vector = await timed(() => pipeline.embedder.embedQuery(question));
    const retrieved = retrieve(index, question, vector.value, { mode: config.retrieval.mode, limit: RETRIEVE_LIMIT });
    read.push((await timed(() => pipeline.reader.read(index, question, vector.value, retrieved))).ms);
    embedQuery.push(vector.ms);
    dense.push((await timed(() => index.dense.search(vector.value, PIPELINE_DEPTH))).ms);
    // Both BM25 searches a question makes: over chunks and over whole articles.
    lexical.push((await timed(() => [index.lexical.query(question, PIPELINE_DEPTH), index.lexical.queryArticles(question, PIPELINE_DEPTH)])).ms);
  }
  const readAgain: number[] = [];
  for (const question of questions) {
    const vector = await pipeline.embedder.embedQuery(question);
    const retrieved = retrieve(index, question, vector, { mode: config.retrieval.mode, limit: RETRIEVE_LIMIT });
    readAgain.push((await timed(() => pipeline.reader.read(index, question, vector, retrieved))).ms);
  }
  const { counts } = pipeline.index.manifest;
  log(`  ${name}: ${counts.chunks} chunks, ask p50 ${ms(percentile(ask, 50))} ms, p95 ${ms(percentile(ask, 95))} ms`);
  return {
    name,
    backend: 'local',
    randomVectors,
    chunks: counts.chunks,
    sentences: counts.sentences,
    build,
    buildCached: cached,
    loadMs: median(loads),
    ask: percentiles(ask),
    embedQuery: percentiles(embedQuery),
    dense: percentiles(dense),
    lexical: percentiles(lexical),
    read: percentiles(read),
    readAgain: percentiles(readAgain),
    questions: questions.length,
    rssKb: peakRssKb(),
  };
}

/** recall@10 of the live HNSW index of `dir` against exact search over its own (real) vectors. */
async function realRecall(dir: string, questions: string[], embedder: Embedder, config: Config): Promise<{ chunks: number; rows: RecallRow[] }> {
  const snapshot = await loadIndex(dir, config.hnsw);
  const data = Array.from({ length: snapshot.dense.size }, (_, label) => snapshot.dense.vector(label));
  const queries: Float32Array[] = [];
  for (const question of questions) queries.push(await embedder.embedQuery(question));
  const kth = exactKthSimilarity(data, queries, 10);
  const file = path.join(dir, snapshot.version, 'dense.hnsw');
  const rows: RecallRow[] = [];
  for (const efSearch of SWEEP.efSearch) {
    const index = await loadHnswIndex(file, snapshot.manifest.model.dimension, { ...config.hnsw, efSearch });
    rows.push({ efSearch, recall: recallAtK(index, data, queries, kth, 10), latency: percentiles(searchLatencies(index, queries, 10)) });
  }
  return { chunks: data.length, rows };
}

// ------------------------------------------------------------------------------------------------ report

async function main(): Promise<void> {
  const started = performance.now();
  const loadAverages: string[] = [];
  const phase = (name: string) => {
    loadAverages.push(`${name} ${os.loadavg()[0]!.toFixed(2)}`);
    log(name);
  };
  await fs.mkdir(CACHE_DIR, { recursive: true });
  const config = await loadConfig();
  const embedder = await loadEmbedder(config.embedding);

  const scifactDir = path.join(DATA_DIR, 'scifact');
  const hasScifact = existsSync(path.join(scifactDir, 'corpus.jsonl'));
  if (!hasScifact) log(`no SciFact corpus in ${DATA_DIR}: only the shipped corpus and synthetic vectors will be measured (pass --data DIR)`);
  const scifact = hasScifact ? readJsonl(path.join(scifactDir, 'corpus.jsonl')) : [];
  const shipped = await loadCorpus(config.corpusDir, { maxArticleBytes: config.maxArticleBytes });

  phase('embedding');
  const embedding = await benchEmbedding(config, embedder, hasScifact ? scifact : shipped.articles, PLAN);
  const embeddingSource = hasScifact ? 'SciFact (BEIR)' : 'the shipped articles';

  phase('indexes');
  const sizes: SizeResult[] = [];
  // The shipped corpus is rebuilt every run: it is small, and gives a fresh from-scratch build time.
  await fs.rm(path.join(CACHE_DIR, 'shipped'), { recursive: true, force: true });
  const shippedBuild = await ensureIndex('shipped', shipped.articles, embedder, config);
  sizes.push(await benchSize('shipped', shippedBuild.dir, shippedBuild.record, false, shippedQuestions(PLAN.questions), config));

  let recall: Results['recall'];
  const coldTargets: { name: string; dir: string; question: string }[] = [{ name: 'shipped', dir: shippedBuild.dir, question: shippedQuestions(1)[0]! }];
  if (hasScifact) {
    const questions = readQueries(path.join(scifactDir, 'queries.jsonl'), PLAN.questions);
    // The full index is built once (the expensive part), and the smaller ones derived from it without embedding.
    const full = PLAN.fullScifact ? await ensureIndex('scifact', scifact, embedder, config) : undefined;
    const fullIndex = full ? await loadIndex(full.dir, config.hnsw) : undefined;
    const perArticle = fullIndex
      ? fullIndex.chunks.reduce((counts, chunk) => counts.set(chunk.articleId, (counts.get(chunk.articleId) ?? 0) + 1), new Map<string, number>())
      : chunkCounts(scifact, embedder, config, Math.max(...PLAN.subsetTargets));
    // A quick run still derives its subset from a full index that an earlier full run left in the cache.
    const fullCache = path.join(CACHE_DIR, 'scifact');
    const seed = full?.dir ?? ((await currentVersion(fullCache).catch(() => undefined)) ? fullCache : undefined);
    let largestDir = '';
    let largestName = '';
    for (const target of PLAN.subsetTargets) {
      const name = `scifact-${target >= 1000 ? `${target / 1000}k` : target}`;
      const built = await ensureIndex(name, prefixWithChunks(scifact, perArticle, target), embedder, config, seed);
      sizes.push(await benchSize(name, built.dir, built.record, built.cached, questions, config));
      [largestDir, largestName] = [built.dir, name];
    }
    if (full) {
      sizes.push(await benchSize('scifact', full.dir, full.record, full.cached, questions, config));
      [largestDir, largestName] = [full.dir, 'scifact'];
    }
    phase('recall on real vectors');
    recall = { name: largestName, ...(await realRecall(largestDir, questions, embedder, config)) };
    coldTargets.push({ name: largestName, dir: largestDir, question: questions[0]! });

    if (PLAN.scale) {
      phase('scale index (100k chunks, random passage vectors)');
      const budget = { ...chunkingSignature(embedder, config.chunking), countTokens: embedder.countPassageTokens };
      const corpus = scaleCorpus(publicArticles(DATA_DIR), (article) => chunkArticle(article, budget).length);
      const built = await ensureIndex('scale-100k', corpus, randomPassageEmbedder(embedder), config);
      sizes.push(await benchSize('scale-100k', built.dir, built.record, built.cached, questions, config, true));
      coldTargets.push({ name: 'scale-100k', dir: built.dir, question: questions[0]! });
    }
  }

  phase('synthetic sweep');
  const grid = SWEEP.m.flatMap((m) => SWEEP.efConstruction.map((efConstruction) => ({ m, efConstruction })));
  const sweep = await benchSynthetic(PLAN.sweep, embedder.dimension, PLAN.questions, grid, SWEEP.efSearch, PIPELINE_DEPTH, CACHE_DIR);
  phase('synthetic at full size');
  const synthetic = await benchSynthetic(PLAN.synthetic, embedder.dimension, PLAN.questions, [config.hnsw], LARGE_EF_SEARCH, PIPELINE_DEPTH, CACHE_DIR);

  phase('cold start');
  const cold: ColdStart[] = [];
  for (const target of coldTargets) cold.push(await benchColdStart(target.name, target.dir, target.question, PLAN.coldRuns));
  phase('done');

  const machine = {
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    'CPU model': os.cpus()[0]?.model ?? 'unknown',
    cores: String(os.cpus().length),
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    OS: `${os.type()} ${os.release()} ${os.arch()}`,
    Node: process.version,
    ...Object.fromEntries(['@xenova/transformers', 'onnxruntime-node', 'hnswlib-node', 'better-sqlite3', 'minisearch', 'tsx'].map((name) => [name, packageVersion(name)])),
  };
  const results: Results = { machine, config, embedding, embeddingSource, sizes, recall, sweep, synthetic, cold, loadAverages, seconds: (performance.now() - started) / 1000 };
  if (flags.json) console.log(JSON.stringify(jsonSummary(results)));
  else printSummary(results, RUN);
  await fs.mkdir(path.dirname(OUT_FILE), { recursive: true });
  await fs.writeFile(OUT_FILE, render(results, RUN));
  const chart = latencyChart(sizes);
  if (chart) await fs.writeFile(path.join(path.dirname(OUT_FILE), 'bench-scaling.svg'), chart);
  log(`wrote ${path.relative(PROJECT_ROOT, OUT_FILE)}${chart ? ' and bench-scaling.svg' : ''} in ${(results.seconds / 60).toFixed(1)} min`);
}

main().catch((error: unknown) => exitWithError(error));
