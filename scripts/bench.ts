/**
 * `npm run bench [-- --quick] [--data DIR] [--json] [--pg-budget MINUTES]`: measures the pipeline on this machine and writes
 * docs/BENCHMARKS.md and the chart docs/bench-scaling.svg; `--json` also prints one JSON object on stdout
 * (an `ask` array of {backend, chunks, p50Ms, p95Ms} rows among others).
 *
 *   1. embedding throughput through Embedder.embedPassages against a bare onnxruntime session (the ceiling);
 *   2. warm question latency through Pipeline.ask at ~100, ~1k, ~10k and all-SciFact chunks, and at 100k
 *      chunks of every public set, repeated and embedded by the model (scripts/bench/scale.ts), plus recall@10 of
 *      the HNSW index against exact search on the real vectors;
 *   3. an HNSW parameter sweep on synthetic random unit vectors (index part only);
 *   4. index build and load times, peak RSS, the cold start of the ask CLI, re-embedding, and embedding the
 *      same articles from scratch into each backend;
 *   5. the same question latency on the Postgres backend: each index copied into a PGlite database served on
 *      127.0.0.1 (scripts/bench/pg-load.ts, pg-size.ts), a size whose load does not fit `--pg-budget` minutes
 *      reported as not measured.
 *
 * Indexes are built with the project's buildIndex into .cache/bench/<name> and reused when present, so
 * only the first run pays for embedding the BEIR corpus.
 */
import { existsSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chunkArticle } from '../src/chunking.js';
import { parseCommandLine } from '../src/cli/args.js';
import { loadConfig, PROJECT_ROOT } from '../src/config.js';
import { exitWithError, UserFacingError } from '../src/errors.js';
import { loadCorpus } from '../src/corpus/load.js';
import type { Article } from '../src/corpus/types.js';
import { loadEmbedder, type Embedder } from '../src/embedder.js';
import { chunkingSignature } from '../src/index/build.js';
import { currentVersion } from '../src/index/store.js';
import { loadIndex } from '../src/index/local-version.js';
import { log, packageVersion } from './bench/measure.js';
import { chartPoints, latencyChart } from './bench/chart.js';
import { benchColdStart } from './bench/cold-start.js';
import { benchEmbedding } from './bench/embedding.js';
import { CACHE_DIR, chunkCounts, ensureIndex, prefixWithChunks } from './bench/indexes.js';
import { distinctTextEmbedder, publicArticles, SCALE_INDEX, scaleCorpus } from './bench/scale.js';
import { render } from './bench/report.js';
import { jsonSummary, printSummary } from './bench/summary.js';
import { readJsonl, readQueries, shippedQuestions } from './bench/questions.js';
import { benchSize, PIPELINE_DEPTH, realRecall, SWEEP, WARMUP_QUESTIONS } from './bench/sizes.js';
import { PG_LOAD_BUDGET_MINUTES } from './bench/pg-load.js';
import { benchPostgres, type PostgresTarget } from './bench/pg-size.js';
import { benchReembed } from './bench/reembed.js';
import { benchEmbedBackends } from './bench/embed-backends.js';
import type { BuildRecord, ColdStart, ReembedRow, Results, SizeResult } from './bench/results.js';
import { benchSynthetic } from './bench/vectors.js';

// ---------------------------------------------------------------------------------------------- settings

const USAGE = 'Usage: npm run bench [-- --quick] [--data DIR] [--out FILE] [--json] [--pg-budget MINUTES]';
const flags = (() => {
  try {
    return parseCommandLine(
      {
        options: {
          quick: { type: 'boolean', default: false },
          data: { type: 'string', default: path.join(PROJECT_ROOT, '..', 'shared', 'eval') },
          out: { type: 'string' },
          json: { type: 'boolean', default: false },
          'pg-budget': { type: 'string', default: String(PG_LOAD_BUDGET_MINUTES) },
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
const PG_BUDGET = Number(flags['pg-budget']);
if (!(PG_BUDGET > 0)) exitWithError(new UserFacingError(`--pg-budget takes a number of minutes above 0, not "${flags['pg-budget']}".`));
const DATA_DIR = path.resolve(flags.data!);
// A smoke run must not overwrite the committed figures.
const OUT_FILE = path.resolve(flags.out ?? (QUICK ? path.join(CACHE_DIR, 'BENCHMARKS.quick.md') : path.join(PROJECT_ROOT, 'docs', 'BENCHMARKS.md')));

const PLAN = QUICK
  ? { embedChunks: 128, batchSizes: [8, 32, 128], embedReps: 1, subsetTargets: [1000], fullScifact: false, scale: false, questions: 50, synthetic: 10_000, sweep: 5_000, coldRuns: 1, embedBackends: { articles: 20, rounds: 1 } }
  : { embedChunks: 256, batchSizes: [8, 16, 32, 64, 128], embedReps: 2, subsetTargets: [1000, 10_000], fullScifact: true, scale: true, questions: 200, synthetic: 100_000, sweep: 20_000, coldRuns: 3, embedBackends: { articles: 500, rounds: 2 } };
const LARGE_EF_SEARCH = [10, 50, 100, 200, 400, 800];
/** How this run is made, for the report. */
const RUN = { quick: QUICK, coldRuns: PLAN.coldRuns, pipelineDepth: PIPELINE_DEPTH, warmupQuestions: WARMUP_QUESTIONS, embedReps: PLAN.embedReps, pgBudgetMinutes: PG_BUDGET };

// ------------------------------------------------------------------------------------------------ corpora

// ------------------------------------------------------------------------------------------------ report

async function main(): Promise<void> {
  const started = performance.now();
  const loadAverages: string[] = [];
  const phase = (name: string) => {
    loadAverages.push(`${name} ${os.loadavg()[0]!.toFixed(2)}`);
    log(name);
  };
  await fs.mkdir(CACHE_DIR, { recursive: true });
  // V8's own heap growth in this process (HEAP_GROWTH_PERCENT=0): it holds every index it built and timed (2-3 GB
  // of heap by the 100k one), where a bot holds one; with a growth of 30 % over that, full collections of that heap
  // ran among the stage timings (the reader's p95 at 27k: 5.02 and 5.50 ms in two runs, 4.79 with V8's own growth).
  // The answering processes that time whole answers read the configuration as a bot does.
  const config = { ...(await loadConfig()), heapGrowthPercent: 0 };
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
  // Every size measured locally is measured on Postgres too, with the same questions (phase below).
  const postgresTargets: PostgresTarget[] = [];
  const measure = async (name: string, built: { dir: string; record?: BuildRecord; cached: boolean }, questions: string[], scaleIndex = false) => {
    const size = await benchSize(name, built.dir, built.record, built.cached, questions, config, scaleIndex);
    sizes.push(size);
    postgresTargets.push({ size, dir: built.dir, questions });
  };
  // The shipped corpus is rebuilt every run: it is small, and gives a fresh from-scratch build time.
  await fs.rm(path.join(CACHE_DIR, 'shipped'), { recursive: true, force: true });
  const shippedBuild = await ensureIndex('shipped', shipped.articles, embedder, config);
  await measure('shipped', { ...shippedBuild, cached: false }, shippedQuestions(PLAN.questions));

  let recall: Results['recall'];
  const reembedTargets: { name: string; dir: string; articles: Article[]; embedder: Embedder }[] = [];
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
      await measure(name, built, questions);
      [largestDir, largestName] = [built.dir, name];
    }
    if (full) {
      await measure('scifact', full, questions);
      [largestDir, largestName] = [full.dir, 'scifact'];
    }
    phase('recall on real vectors');
    recall = { name: largestName, ...(await realRecall(largestDir, questions, embedder, config)) };
    coldTargets.push({ name: largestName, dir: largestDir, question: questions[0]! });
    if (full) reembedTargets.push({ name: 'scifact', dir: full.dir, articles: scifact, embedder });

    if (PLAN.scale) {
      phase('scale index (100k chunks of the public sets)');
      const budget = { ...chunkingSignature(embedder, config.chunking), countTokens: embedder.countPassageTokens };
      const corpus = scaleCorpus(publicArticles(DATA_DIR), (article) => chunkArticle(article, budget).length);
      // Named anew when its vectors became the model's (random before): a cache of the old index is not reused,
      // and is removed with its PGlite copy (gigabytes).
      for (const retired of ['scale-100k', 'postgres-scale-100k'].map((name) => path.join(CACHE_DIR, name)).filter(existsSync)) {
        log(`removing the retired ${path.basename(retired)} cache`);
        await fs.rm(retired, { recursive: true, force: true });
      }
      const built = await ensureIndex(SCALE_INDEX, corpus, distinctTextEmbedder(embedder), config);
      await measure(SCALE_INDEX, built, questions, true);
      coldTargets.push({ name: SCALE_INDEX, dir: built.dir, question: questions[0]! });
      reembedTargets.push({ name: SCALE_INDEX, dir: built.dir, articles: corpus, embedder });
    }
  }

  phase('postgres backend (PGlite)');
  const postgres = await benchPostgres(postgresTargets, config, { cacheDir: CACHE_DIR, budgetMinutes: PG_BUDGET });

  phase('synthetic sweep');
  const grid = SWEEP.m.flatMap((m) => SWEEP.efConstruction.map((efConstruction) => ({ m, efConstruction })));
  const sweep = await benchSynthetic(PLAN.sweep, embedder.dimension, PLAN.questions, grid, SWEEP.efSearch, PIPELINE_DEPTH, CACHE_DIR);
  phase('synthetic at full size');
  const synthetic = await benchSynthetic(PLAN.synthetic, embedder.dimension, PLAN.questions, [config.hnsw], LARGE_EF_SEARCH, PIPELINE_DEPTH, CACHE_DIR);

  phase('cold start');
  const cold: ColdStart[] = [];
  for (const target of coldTargets) cold.push(await benchColdStart(target.name, target.dir, target.question, PLAN.coldRuns));

  phase('re-embed');
  const reembed: ReembedRow[] = [];
  for (const target of reembedTargets) reembed.push(...(await benchReembed(target.name, target.dir, target.articles, target.embedder, config, path.join(CACHE_DIR, '.reembed'))));
  phase('embedding into each backend');
  const embedBackends = hasScifact ? await benchEmbedBackends(scifact.slice(0, PLAN.embedBackends.articles), embedder, config, path.join(CACHE_DIR, '.embed-backends'), PLAN.embedBackends.rounds) : [];
  phase('done');

  const machine = {
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    'CPU model': os.cpus()[0]?.model ?? 'unknown',
    cores: String(os.cpus().length),
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    OS: `${os.type()} ${os.release()} ${os.arch()}`,
    Node: process.version,
    ...Object.fromEntries(['@xenova/transformers', 'onnxruntime-node', 'hnswlib-node', 'better-sqlite3', 'minisearch', 'tsx', 'esbuild'].map((name) => [name, packageVersion(name)])),
  };
  const results: Results = { machine, config, embedding, embeddingSource, sizes, postgres, recall, sweep, synthetic, cold, reembed, embedBackends, loadAverages, seconds: (performance.now() - started) / 1000 };
  if (flags.json) console.log(JSON.stringify(jsonSummary(results)));
  else printSummary(results, RUN);
  await fs.mkdir(path.dirname(OUT_FILE), { recursive: true });
  await fs.writeFile(OUT_FILE, render(results, RUN));
  const notMeasured = postgres.filter((s) => 'notMeasured' in s).map((s) => `postgres: not measured at ${s.chunks.toLocaleString('en')}`);
  const chart = latencyChart(chartPoints(sizes, postgres), notMeasured.length > 0 ? [...notMeasured, 'chunks (see BENCHMARKS.md)'] : []);
  if (chart) await fs.writeFile(path.join(path.dirname(OUT_FILE), 'bench-scaling.svg'), chart);
  log(`wrote ${path.relative(PROJECT_ROOT, OUT_FILE)}${chart ? ' and bench-scaling.svg' : ''} in ${(results.seconds / 60).toFixed(1)} min`);
}

main().catch((error: unknown) => exitWithError(error));
