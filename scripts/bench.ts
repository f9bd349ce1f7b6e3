/**
 * `npm run bench [-- --quick] [--data DIR]`: measures the pipeline on this machine and writes
 * docs/BENCHMARKS.md.
 *
 *   1. embedding throughput through Embedder.embedPassages against a bare onnxruntime session (the ceiling);
 *   2. warm question latency through Pipeline.ask at ~100, ~1k, ~10k and all-SciFact chunks, plus recall@10
 *      of the HNSW index against exact search on the real vectors;
 *   3. an HNSW parameter sweep on synthetic random unit vectors (index part only);
 *   4. index build and load times, peak RSS, and the cold start of the ask CLI.
 *
 * Indexes are built with the project's buildIndex into .cache/bench/<name> and reused when present, so
 * only the first run pays for embedding the BEIR corpus.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AutoTokenizer } from '@xenova/transformers';
import ort from 'onnxruntime-node';
import { chunkArticle } from '../src/chunking.js';
import { parseCommandLine } from '../src/cli/args.js';
import { loadConfig, PROJECT_ROOT, type Config } from '../src/config.js';
import { exitWithError } from '../src/errors.js';
import { loadCorpus, parseFiles } from '../src/corpus/load.js';
import { collapseWhitespace } from '../src/corpus/paragraphs.js';
import type { Article } from '../src/corpus/types.js';
import { loadEmbedder, type Embedder } from '../src/embedder.js';
import { buildIndex, chunkingSignature, modelSignature } from '../src/index/build.js';
import { currentVersion, loadIndex, modelMismatch, type IndexSnapshot } from '../src/index/store.js';
import { buildHnswIndex, loadHnswIndex, type HnswParams, type VectorIndex } from '../src/index/vector-index.js';
import { openPipeline, RETRIEVE_LIMIT } from '../src/pipeline.js';
import { annotate } from '../src/reader/annotate.js';
import { splitSentences } from '../src/sentences.js';
import { retrieve } from '../src/retrieve.js';

// ---------------------------------------------------------------------------------------------- settings

const USAGE = 'Usage: npm run bench [-- --quick] [--data DIR] [--out FILE]';
const flags = (() => {
  try {
    return parseCommandLine(
      {
        options: {
          quick: { type: 'boolean', default: false },
          data: { type: 'string', default: path.join(PROJECT_ROOT, '..', 'shared', 'eval') },
          out: { type: 'string' },
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
const CACHE_DIR = path.join(PROJECT_ROOT, '.cache', 'bench');
const BUILD_RECORDS = path.join(CACHE_DIR, 'builds.json');
// A smoke run must not overwrite the committed figures.
const OUT_FILE = path.resolve(flags.out ?? (QUICK ? path.join(CACHE_DIR, 'BENCHMARKS.quick.md') : path.join(PROJECT_ROOT, 'docs', 'BENCHMARKS.md')));

const PLAN = QUICK
  ? { embedChunks: 128, batchSizes: [8, 32, 128], embedReps: 1, subsetTargets: [1000], fullScifact: false, questions: 50, synthetic: 10_000, sweep: 5_000, coldRuns: 1 }
  : { embedChunks: 256, batchSizes: [8, 16, 32, 64, 128], embedReps: 2, subsetTargets: [1000, 10_000], fullScifact: true, questions: 200, synthetic: 100_000, sweep: 20_000, coldRuns: 3 };
/**
 * The full M × efConstruction grid runs at PLAN.sweep vectors: on 2 cores one 100k × 512-d build of random
 * vectors takes minutes, and six of them would not fit the 30-minute budget. At PLAN.synthetic only the
 * configured defaults are built, with a wider efSearch range.
 */
const SWEEP = { m: [8, 16, 32], efConstruction: [100, 200], efSearch: [10, 50, 100, 200] };
const LARGE_EF_SEARCH = [10, 50, 100, 200, 400, 800];
/** Chunks taken for the throughput test: real passages of a realistic length. */
const CHUNK_TOKENS = { min: 60, max: 128 };
/** Depth the hybrid retriever asks the dense index for (retrieve.ts: max(limit * 2, 50) with limit 20). */
const PIPELINE_DEPTH = 50;
const WARMUP_QUESTIONS = 10;

// ----------------------------------------------------------------------------------------------- helpers

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

function percentiles(values: number[]): Percentiles {
  return { p50: percentile(values, 50), p95: percentile(values, 95), p99: percentile(values, 99) };
}

function median(values: number[]): number {
  return percentile(values, 50);
}

const ms = (n: number) => (Number.isFinite(n) ? (n >= 100 ? n.toFixed(0) : n.toFixed(n >= 10 ? 1 : 2)) : '–');
const fmt = (p: Percentiles) => `${ms(p.p50)} / ${ms(p.p95)} / ${ms(p.p99)}`;
const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;

function log(message: string): void {
  console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

async function timed<T>(fn: () => Promise<T> | T): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - start };
}

/** Peak RSS of this process so far (resourceUsage reports kilobytes). */
const peakRssKb = () => process.resourceUsage().maxRSS;

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

/** A seeded generator, so the synthetic vectors are the same on every run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random unit vectors, uniform on the sphere (normalised Gaussians). */
function randomUnitVectors(count: number, dimension: number, seed: number): Float32Array[] {
  const random = mulberry32(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Array.from({ length: count }, () => {
    const v = Float32Array.from({ length: dimension }, gaussian);
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/** Exact top-k by cosine (all vectors are unit length): returns the k-th best similarity per query. */
function exactKthSimilarity(data: Float32Array[], queries: Float32Array[], k: number): number[] {
  return queries.map((query) => {
    const best = new Float64Array(k).fill(-Infinity); // ascending: best[0] is the k-th best so far
    for (const vector of data) {
      const s = dot(query, vector);
      if (s <= best[0]!) continue;
      let i = 0;
      while (i + 1 < k && best[i + 1]! < s) {
        best[i] = best[i + 1]!;
        i++;
      }
      best[i] = s;
    }
    return best[0]!;
  });
}

/**
 * recall@k against exact search. A hit counts when its true similarity reaches the exact k-th best, so
 * ties (duplicate passages give identical vectors) are not counted as misses.
 */
function recallAtK(index: VectorIndex, data: Float32Array[], queries: Float32Array[], kth: number[], k: number): number {
  let found = 0;
  queries.forEach((query, q) => {
    for (const hit of index.search(query, k)) if (dot(query, data[hit.label]!) >= kth[q]! - 1e-6) found++;
  });
  return found / (queries.length * k);
}

function searchLatencies(index: VectorIndex, queries: Float32Array[], k: number): number[] {
  for (const query of queries.slice(0, 10)) index.search(query, k); // warm caches
  return queries.map((query) => {
    const start = performance.now();
    index.search(query, k);
    return performance.now() - start;
  });
}

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

// ------------------------------------------------------------------------------------------- 1. embedding

interface ThroughputRow {
  batchSize: number;
  project: number;
  ceiling: number;
  tokenizer: number;
}

/** Real passages of 60-128 tokens, as the index would hold them. */
function sampleChunks(articles: Article[], embedder: Embedder, config: Config, count: number): string[] {
  const budget = chunkingSignature(embedder, config.chunking);
  const texts: string[] = [];
  for (const article of articles) {
    for (const chunk of chunkArticle(article, { ...budget, countTokens: embedder.countPassageTokens })) {
      const text = article.text.slice(chunk.start, chunk.end);
      const tokens = embedder.countPassageTokens(text);
      if (tokens >= CHUNK_TOKENS.min && tokens <= CHUNK_TOKENS.max) texts.push(text);
    }
    if (texts.length >= count) break;
  }
  return texts.slice(0, count);
}

type TokenizerOutput = Record<string, { data: BigInt64Array; dims: number[] }>;

async function benchEmbedding(config: Config, embedder: Embedder, articles: Article[]) {
  const texts = sampleChunks(articles, embedder, config, PLAN.embedChunks);
  const tokenCounts = texts.map(embedder.countPassageTokens);
  log(`embedding: ${texts.length} chunks, ${Math.min(...tokenCounts)}-${Math.max(...tokenCounts)} tokens`);

  // The ceiling: the same model file in a bare session, created as transformers.js creates it (CPU provider,
  // default threads), fed the very batches embedPassages builds (same order, prefix, padding).
  const modelFile = path.join(config.embedding.modelsDir, config.embedding.modelId, 'onnx', config.embedding.quantized ? 'model_quantized.onnx' : 'model.onnx');
  const session = await ort.InferenceSession.create(await fs.readFile(modelFile), { executionProviders: ['cpu'] });
  const tokenizer = await AutoTokenizer.from_pretrained(config.embedding.modelId, { quantized: config.embedding.quantized });
  const order = texts.map((_, i) => i).sort((a, b) => texts[a]!.length - texts[b]!.length);
  const prepared = order.map((i) => embedder.profile.passagePrefix + collapseWhitespace(texts[i]!));

  const embedders = new Map<number, Embedder>();
  for (const batchSize of PLAN.batchSizes) embedders.set(batchSize, await loadEmbedder({ ...config.embedding, batchSize }));

  const best = new Map<number, ThroughputRow>();
  // Repetitions interleave project and ceiling, and the best of each is kept: the CPU is shared, so the
  // fastest run is the one least disturbed.
  for (let rep = 0; rep < PLAN.embedReps; rep++) {
    for (const batchSize of PLAN.batchSizes) {
      const project = await timed(() => embedders.get(batchSize)!.embedPassages(texts));

      const batches: TokenizerOutput[] = [];
      const tokenize = await timed(() => {
        for (let i = 0; i < prepared.length; i += batchSize) {
          batches.push(tokenizer(prepared.slice(i, i + batchSize), { padding: true, truncation: true }) as unknown as TokenizerOutput);
        }
      });
      let ceilingMs = 0;
      for (const batch of batches) {
        const feeds: Record<string, ort.Tensor> = {};
        for (const name of session.inputNames) {
          const source = batch[name] ?? { data: new BigInt64Array(batch.input_ids!.data.length), dims: batch.input_ids!.dims }; // token_type_ids: zeros
          feeds[name] = new ort.Tensor('int64', source.data, source.dims);
        }
        const run = await timed(() => session.run(feeds));
        ceilingMs += run.ms;
      }

      const row = { batchSize, project: texts.length / (project.ms / 1000), ceiling: texts.length / (ceilingMs / 1000), tokenizer: texts.length / (tokenize.ms / 1000) };
      const previous = best.get(batchSize);
      best.set(batchSize, {
        batchSize,
        project: Math.max(row.project, previous?.project ?? 0),
        ceiling: Math.max(row.ceiling, previous?.ceiling ?? 0),
        tokenizer: Math.max(row.tokenizer, previous?.tokenizer ?? 0),
      });
      log(`  batch ${batchSize}: project ${row.project.toFixed(1)}/s, ceiling ${row.ceiling.toFixed(1)}/s, tokenizer ${row.tokenizer.toFixed(0)}/s`);
    }
  }
  const rows = PLAN.batchSizes.map((b) => best.get(b)!);
  // The reader's annotations, made at embed time for every sentence of the same chunks (best of the reps).
  const sentences = texts.flatMap((text) => splitSentences(text).map((s) => text.slice(s.start, s.end)));
  let annotateMs = Infinity;
  for (let rep = 0; rep < PLAN.embedReps; rep++) annotateMs = Math.min(annotateMs, (await timed(() => sentences.forEach((s) => annotate(s)))).ms);
  // The smallest batch within 3 % of the best: larger batches only add padding waste and latency.
  const fastest = Math.max(...rows.map((row) => row.project));
  const recommended = rows.find((row) => row.project >= fastest * 0.97)!;
  return {
    chunks: texts.length,
    tokens: { min: Math.min(...tokenCounts), max: Math.max(...tokenCounts), mean: tokenCounts.reduce((a, b) => a + b, 0) / tokenCounts.length },
    inputNames: session.inputNames,
    rows,
    recommended: recommended.batchSize,
    annotation: { sentences: sentences.length, ms: annotateMs, embedMs: (texts.length / best.get(config.embedding.batchSize)!.project) * 1000 },
  };
}

// ------------------------------------------------------------------------------------------ 2. indexes

interface BuildRecord {
  seconds: number;
  chunks: number;
  sentences: number;
  embeddedTexts: number;
  builtAt: string;
  /** How it was built: from scratch, or incrementally from a larger cached index (no embedding). */
  how: string;
}

async function readBuildRecords(): Promise<Record<string, BuildRecord>> {
  try {
    return JSON.parse(await fs.readFile(BUILD_RECORDS, 'utf8')) as Record<string, BuildRecord>;
  } catch {
    return {};
  }
}

async function saveBuildRecord(name: string, record: BuildRecord): Promise<void> {
  const records = await readBuildRecords();
  records[name] = record;
  await fs.writeFile(BUILD_RECORDS, JSON.stringify(records, null, 2));
}

/** The cached index in `dir` if it holds exactly these articles, embedded and chunked as configured. */
async function cachedIndex(dir: string, articleCount: number, embedder: Embedder, config: Config): Promise<IndexSnapshot | undefined> {
  if (!(await currentVersion(dir).catch(() => undefined))) return undefined;
  const index = await loadIndex(dir, config.hnsw).catch(() => undefined);
  if (!index || modelMismatch(index.manifest, modelSignature(embedder))) return undefined;
  const chunking = chunkingSignature(embedder, config.chunking);
  if (index.manifest.chunking.maxTokens !== chunking.maxTokens || index.manifest.chunking.overlapSentences !== chunking.overlapSentences) return undefined;
  return index.manifest.counts.articles === articleCount ? index : undefined;
}

/** Builds (or reuses) the index of `articles` in .cache/bench/<name>; `seed` is a larger index to derive it from. */
async function ensureIndex(name: string, articles: Article[], embedder: Embedder, config: Config, seed?: string): Promise<{ dir: string; record?: BuildRecord; cached: boolean }> {
  const dir = path.join(CACHE_DIR, name);
  if (await cachedIndex(dir, articles.length, embedder, config)) {
    return { dir, record: (await readBuildRecords())[name], cached: true };
  }
  let how = 'from scratch';
  await fs.rm(dir, { recursive: true, force: true });
  if (seed) {
    // buildIndex is incremental: seeded with a copy of a larger index it reuses the vectors of the articles
    // they share and only drops the rest, so a subset costs no embedding.
    await fs.cp(seed, dir, { recursive: true, filter: (source) => !path.basename(source).startsWith('.') });
    how = `incremental, from the cached ${path.basename(seed)} index`;
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
  const record: BuildRecord = { seconds: report.seconds, chunks: report.chunks, sentences: report.sentences, embeddedTexts: report.embeddedTexts, builtAt: new Date().toISOString(), how };
  await saveBuildRecord(name, record);
  return { dir, record, cached: false };
}

/** The first articles of a corpus whose chunks add up to about `target`. */
function prefixWithChunks(articles: Article[], chunksPerArticle: Map<string, number>, target: number): Article[] {
  let total = 0;
  const picked: Article[] = [];
  for (const article of articles) {
    if (total >= target) break;
    picked.push(article);
    total += chunksPerArticle.get(article.id) ?? 0;
  }
  return picked;
}

function chunkCounts(articles: Article[], embedder: Embedder, config: Config, upTo: number): Map<string, number> {
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

interface SizeResult {
  name: string;
  chunks: number;
  sentences: number;
  build?: BuildRecord;
  buildCached: boolean;
  loadMs: number;
  ask: Percentiles;
  embedQuery: Percentiles;
  dense: Percentiles;
  lexical: Percentiles;
  /** The reading stage alone: every sentence of the retrieved chunks scored, the short answer, the verdict. */
  read: Percentiles;
  /** The same questions read again: their sentences' tags, stems and n-grams are cached by then. */
  readAgain: Percentiles;
  questions: number;
  rssKb: number;
}

async function benchSize(name: string, dir: string, build: BuildRecord | undefined, cached: boolean, questions: string[], config: Config): Promise<SizeResult> {
  const sizeConfig: Config = { ...config, embeddingsDir: dir };
  const loads: number[] = [];
  for (let i = 0; i < 3; i++) loads.push((await timed(() => loadIndex(dir, config.hnsw))).ms);

  const pipeline = await openPipeline(sizeConfig);
  for (const question of questions.slice(0, WARMUP_QUESTIONS)) await pipeline.ask(question);
  const ask: number[] = [];
  for (const question of questions) ask.push((await timed(() => pipeline.ask(question))).ms);

  // The parts of a question, timed apart: the query embedding, and each retriever at the pipeline's depth.
  const embedQuery: number[] = [];
  const dense: number[] = [];
  const lexical: number[] = [];
  const read: number[] = [];
  for (const question of questions) {
    const vector = await timed(() => pipeline.embedder.embedQuery(question));
    const retrieved = retrieve(pipeline.index, question, vector.value, { mode: config.retrieval.mode, limit: RETRIEVE_LIMIT });
    read.push((await timed(() => pipeline.reader.read(pipeline.index, question, vector.value, retrieved))).ms);
    embedQuery.push(vector.ms);
    dense.push((await timed(() => pipeline.index.dense.search(vector.value, PIPELINE_DEPTH))).ms);
    // Both BM25 searches a question makes: over chunks and over whole articles.
    lexical.push((await timed(() => [pipeline.index.lexical.query(question, PIPELINE_DEPTH), pipeline.index.lexical.queryArticles(question, PIPELINE_DEPTH)])).ms);
  }
  const readAgain: number[] = [];
  for (const question of questions) {
    const vector = await pipeline.embedder.embedQuery(question);
    const retrieved = retrieve(pipeline.index, question, vector, { mode: config.retrieval.mode, limit: RETRIEVE_LIMIT });
    readAgain.push((await timed(() => pipeline.reader.read(pipeline.index, question, vector, retrieved))).ms);
  }
  const { counts } = pipeline.index.manifest;
  log(`  ${name}: ${counts.chunks} chunks, ask p50 ${ms(percentile(ask, 50))} ms, p95 ${ms(percentile(ask, 95))} ms`);
  return {
    name,
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

interface RecallRow {
  efSearch: number;
  recall: number;
  latency: Percentiles;
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

// ------------------------------------------------------------------------------------------ 3. synthetic

interface SweepRow {
  m: number;
  efConstruction: number;
  buildSeconds: number;
  efSearch: number;
  recall: number;
  latency: Percentiles;
  latencyAtDepth: Percentiles;
}

async function benchSynthetic(count: number, dimension: number, queryCount: number, builds: { m: number; efConstruction: number }[], efSearches: number[]) {
  log(`synthetic: ${count} x ${dimension}-d random unit vectors`);
  const data = randomUnitVectors(count, dimension, 1);
  const queries = randomUnitVectors(queryCount, dimension, 2);
  const exact = await timed(() => exactKthSimilarity(data, queries, 10));
  const exactLatency = exact.ms / queries.length;
  const rows: SweepRow[] = [];
  const file = path.join(CACHE_DIR, `synthetic-${process.pid}.hnsw`);
  try {
    for (const { m, efConstruction } of builds) {
      {
        const params: HnswParams = { m, efConstruction, efSearch: 100 };
        const built = await timed(() => buildHnswIndex(data, dimension, params));
        await built.value.save(file);
        // VectorIndex fixes efSearch when loaded, so each efSearch gets its own load of the same graph.
        for (const efSearch of efSearches) {
          const index = await loadHnswIndex(file, dimension, { ...params, efSearch });
          rows.push({
            m,
            efConstruction,
            buildSeconds: built.ms / 1000,
            efSearch,
            recall: recallAtK(index, data, queries, exact.value, 10),
            latency: percentiles(searchLatencies(index, queries, 10)),
            latencyAtDepth: percentiles(searchLatencies(index, queries, PIPELINE_DEPTH)),
          });
        }
        log(`  M ${m}, efC ${efConstruction}: built in ${(built.ms / 1000).toFixed(1)} s; recall@10 ${rows.slice(-efSearches.length).map((r) => r.recall.toFixed(3)).join(' / ')}`);
      }
    }
  } finally {
    await fs.rm(file, { force: true });
  }
  return { count, dimension, queries: queryCount, exactLatencyMs: exactLatency, rows, rssKb: peakRssKb() };
}

// ----------------------------------------------------------------------------------------- 4. cold start

interface ColdStart {
  name: string;
  firstAnswerMs: number;
  exitMs: number;
  childPeakRssKb?: number;
  runs: number;
}

/** One `npx tsx src/cli/ask.ts --json` process: time from spawn to the answer on stdout, and to exit. */
function coldRun(dir: string, question: string): Promise<{ firstAnswerMs: number; exitMs: number; peakRssKb?: number }> {
  const command = ['npx', 'tsx', 'src/cli/ask.ts', '--json', question];
  // GNU time reports the peak RSS of the process tree it waits for (npx → tsx → node).
  const useTime = existsSync('/usr/bin/time');
  const [program, ...args] = useTime ? ['/usr/bin/time', '-f', 'BENCH_PEAK_RSS_KB=%M', ...command] : command;
  return new Promise((resolve, reject) => {
    const start = performance.now();
    let firstAnswerMs = NaN;
    let stdout = '';
    let stderr = '';
    const child = spawn(program!, args, { cwd: PROJECT_ROOT, env: { ...process.env, EMBEDDINGS_DIR: dir }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (data: Buffer) => {
      if (Number.isNaN(firstAnswerMs)) firstAnswerMs = performance.now() - start;
      stdout += data.toString();
    });
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const exitMs = performance.now() - start;
      if (code !== 0) return reject(new Error(`ask CLI exited with ${code}: ${stderr.slice(-500)}`));
      try {
        JSON.parse(stdout);
      } catch {
        return reject(new Error(`ask CLI printed no JSON answer: ${stdout.slice(0, 200)}`));
      }
      const rss = /BENCH_PEAK_RSS_KB=(\d+)/.exec(stderr);
      resolve({ firstAnswerMs, exitMs, peakRssKb: rss ? Number(rss[1]) : undefined });
    });
  });
}

async function benchColdStart(name: string, dir: string, question: string): Promise<ColdStart> {
  const runs = [];
  for (let i = 0; i < PLAN.coldRuns; i++) runs.push(await coldRun(dir, question));
  const result = {
    name,
    firstAnswerMs: median(runs.map((r) => r.firstAnswerMs)),
    exitMs: median(runs.map((r) => r.exitMs)),
    childPeakRssKb: runs[0]!.peakRssKb === undefined ? undefined : Math.max(...runs.map((r) => r.peakRssKb ?? 0)),
    runs: runs.length,
  };
  log(`  cold start ${name}: first answer ${ms(result.firstAnswerMs)} ms`);
  return result;
}

// ------------------------------------------------------------------------------------------------ report

interface Results {
  machine: Record<string, string>;
  config: Config;
  embedding: Awaited<ReturnType<typeof benchEmbedding>>;
  embeddingSource: string;
  sizes: SizeResult[];
  recall?: { name: string; chunks: number; rows: RecallRow[] };
  sweep: Awaited<ReturnType<typeof benchSynthetic>>;
  synthetic: Awaited<ReturnType<typeof benchSynthetic>>;
  cold: ColdStart[];
  loadAverages: string[];
  seconds: number;
}

function table(header: string[], rows: (string | number)[][]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function render(r: Results): string {
  const { config } = r;
  const e = r.embedding;
  const defaultRow = e.rows.find((row) => row.batchSize === config.embedding.batchSize);
  const largest = r.sizes[r.sizes.length - 1]!;
  const syntheticDefaults = r.synthetic.rows.filter((row) => row.m === config.hnsw.m && row.efConstruction === config.hnsw.efConstruction);
  const synthDefault = syntheticDefaults.find((row) => row.efSearch === config.hnsw.efSearch);
  const realDefault = r.recall?.rows.find((row) => row.efSearch === config.hnsw.efSearch);
  // At 100k chunks only the dense part is measured; the rest of a question is taken from the largest real
  // index, plus BM25's typical (p50) cost grown linearly with the chunk count (its posting lists grow with
  // the corpus). Scaling its p95 would mostly scale scheduling noise.
  const scale = r.synthetic.count / largest.chunks;
  const estimate100k = synthDefault
    ? largest.ask.p95 - largest.dense.p95 + synthDefault.latencyAtDepth.p95 + (scale - 1) * largest.lexical.p50
    : NaN;

  const lines: string[] = [
    '# Benchmarks',
    '',
    `Generated by \`npm run bench${QUICK ? ' -- --quick' : ''}\` (scripts/bench.ts) on ${r.machine.date}, in ${(r.seconds / 60).toFixed(1)} min. Re-run it to refresh; the figures below are from one machine and one run.`,
    '',
    '## Machine',
    '',
    table(['', ''], Object.entries(r.machine).map(([k, v]) => [k, v])),
    '',
    `Load average (1 min) at each phase: ${r.loadAverages.join(', ')}. The bench's own work counts in these; anything else running on the 2 cores makes the figures noisy, since one busy neighbour process can halve the speed of the ONNX runtime, which uses both cores. Repeated runs on this machine differ by up to ±15 % in throughput. Throughputs are the best of ${PLAN.embedReps} interleaved repetitions for that reason.`,
    '',
    `Configuration used (from the environment / .env, as the bot would run): model \`${config.embedding.modelId}\` (${config.embedding.quantized ? 'quantized' : 'fp32'}), EMBEDDING_BATCH_SIZE ${config.embedding.batchSize}, HNSW_M ${config.hnsw.m}, HNSW_EF_CONSTRUCTION ${config.hnsw.efConstruction}, HNSW_EF_SEARCH ${config.hnsw.efSearch}, RETRIEVAL_MODE ${config.retrieval.mode}, ANSWER_PASSAGES ${config.retrieval.passages}.`,
    '',
    '## 1. Embedding throughput',
    '',
    `**The reader's annotations** (src/reader/annotate.ts, made by \`npm run embed\` for every sentence): the ${e.annotation.sentences} sentences of these chunks annotated in ${ms(e.annotation.ms)} ms (${(e.annotation.sentences / (e.annotation.ms / 1000)).toFixed(0)} sentences/s), ${((e.annotation.ms / e.annotation.embedMs) * 100).toFixed(1)} % of the time it takes to embed the chunks alone at the configured batch size; a build also embeds every sentence, so the share of a whole build is smaller still.`,
    '',
    `${e.chunks} real chunks from ${r.embeddingSource} (${e.tokens.min}-${e.tokens.max} tokens, mean ${e.tokens.mean.toFixed(0)}), embedded through \`Embedder.embedPassages\` ("project": tokenize + ONNX + pooling + normalise + copy) and, as the ceiling, the same tokenized batches (same order, padding and prefix) through a bare \`onnxruntime-node\` InferenceSession on the same model file (inputs: ${e.inputNames.join(', ')}). "Tokenizer" is the transformers.js tokenizer alone on the same batches.`,
    '',
    table(
      ['batch size', 'project chunks/s', 'ceiling chunks/s', 'project / ceiling', 'tokenizer chunks/s'],
      e.rows.map((row) => [
        row.batchSize === config.embedding.batchSize ? `**${row.batchSize}** (config)` : row.batchSize,
        row.project.toFixed(1),
        row.ceiling.toFixed(1),
        `${((row.project / row.ceiling) * 100).toFixed(0)} %`,
        row.tokenizer.toFixed(0),
      ]),
    ),
    '',
    `Recommended EMBEDDING_BATCH_SIZE: **${e.recommended}** (the smallest batch within 3 % of the best project throughput${defaultRow ? `; the configured ${config.embedding.batchSize} gives ${defaultRow.project.toFixed(1)} chunks/s` : ''}).`,
    '',
    '## 2. Warm question latency (Pipeline.ask)',
    '',
    `Each index is built with \`buildIndex\` into \`.cache/bench/<name>\` and reused by later runs. Questions: the shipped eval questions for the shipped corpus, SciFact queries for the SciFact indexes; ${WARMUP_QUESTIONS} warm-up questions first, then ${largest.questions} timed ones through \`Pipeline.ask\` (embed + hybrid retrieval + answer with quotes; no Discord). The part columns time each step alone on the same questions (dense and BM25 at the pipeline's depth of ${PIPELINE_DEPTH}; the reader on the chunks the pipeline retrieves, first when each question's sentences are read for the first time, then again with their tags, stems and n-grams cached). All times in ms, p50 / p95 / p99.`,
    '',
    table(
      ['index', 'chunks', 'sentences', 'ask', 'embed query', 'dense search', 'BM25', 'reader', 'reader, read again', 'load (loadIndex)', 'peak RSS so far'],
      r.sizes.map((s) => [s.name, s.chunks, s.sentences, fmt(s.ask), fmt(s.embedQuery), fmt(s.dense), fmt(s.lexical), fmt(s.read), fmt(s.readAgain), `${ms(s.loadMs)} ms`, mb(s.rssKb)]),
    ),
    '',
    `**Estimate at ${r.synthetic.count.toLocaleString('en')} chunks** (no real corpus that large here): p95 ≈ ${ms(estimate100k)} ms = ask p95 at ${largest.chunks} chunks (${ms(largest.ask.p95)}) − its dense p95 (${ms(largest.dense.p95)}) + synthetic dense p95 at depth ${PIPELINE_DEPTH} (${ms(synthDefault?.latencyAtDepth.p95 ?? NaN)}) + BM25 p50 (${ms(largest.lexical.p50)}) × ${(scale - 1).toFixed(1)} for the larger corpus. An estimate, not a measurement.`,
    '',
    '### Index build',
    '',
    table(
      ['index', 'chunks', 'texts embedded', 'build time', 'how', 'built'],
      r.sizes.map((s) => [s.name, s.chunks, s.build?.embeddedTexts ?? '?', s.build ? `${s.build.seconds.toFixed(1)} s` : '?', s.build?.how ?? 'unknown (cache made elsewhere)', s.buildCached ? `cached (${s.build?.builtAt.slice(0, 16) ?? '?'})` : 'this run']),
    ),
    '',
    'A build embeds every chunk and every distinct sentence (sentence vectors pick the quotes), so it embeds about 2.5× as many texts as there are chunks; embedding is nearly all of the build time.',
    '',
  ];

  if (r.recall) {
    lines.push(
      `### recall@10 on real vectors (${r.recall.name}, ${r.recall.chunks} chunks)`,
      '',
      `The live index (M ${config.hnsw.m}, efConstruction ${config.hnsw.efConstruction}) against exact brute-force cosine search over its own vectors, for ${largest.questions} embedded SciFact queries; search latency at k = 10.`,
      '',
      table(['efSearch', 'recall@10', 'search ms p50 / p95 / p99'], r.recall.rows.map((row) => [row.efSearch === config.hnsw.efSearch ? `**${row.efSearch}** (config)` : row.efSearch, row.recall.toFixed(4), fmt(row.latency)])),
      '',
    );
  }

  const s = r.synthetic;
  const sweepTable = (rows: SweepRow[]) =>
    table(
      ['M', 'efConstruction', 'build s', 'efSearch', 'recall@10', 'ms p50 / p95 / p99 (k=10)', `ms p50 / p95 / p99 (k=${PIPELINE_DEPTH})`],
      rows.map((row) => {
        const isDefault = row.m === config.hnsw.m && row.efConstruction === config.hnsw.efConstruction && row.efSearch === config.hnsw.efSearch;
        const cell = (v: string | number) => (isDefault ? `**${v}**` : String(v));
        return [cell(row.m), cell(row.efConstruction), cell(row.buildSeconds.toFixed(1)), cell(row.efSearch), cell(row.recall.toFixed(3)), cell(fmt(row.latency)), cell(fmt(row.latencyAtDepth))];
      }),
    );
  lines.push(
    `## 3. HNSW sweep — synthetic vectors (index part only)`,
    '',
    `**Synthetic vectors (index part only)**: random unit vectors × ${s.dimension}-d (uniform on the sphere, seeded), ${s.queries} random unit queries, built with the project's \`buildHnswIndex\` (cosine, one thread). recall@10 is against exact brute-force search. Uniform random vectors are the worst case for HNSW: with no structure, all neighbours are almost equally far (cosine ≈ 0 ± 0.05), so recall here is a lower bound; real embeddings (section 2) are far easier. Latency is measured at k = 10 and at the pipeline's depth k = ${PIPELINE_DEPTH} (hnswlib searches with max(efSearch, k), so with hybrid retrieval an efSearch below ${PIPELINE_DEPTH} changes nothing).`,
    '',
    `### Defaults at ${s.count.toLocaleString('en')} vectors`,
    '',
    `Exact search: ${ms(s.exactLatencyMs)} ms per query (plain JS loop).`,
    '',
    sweepTable(s.rows),
    '',
    `### M × efConstruction grid at ${r.sweep.count.toLocaleString('en')} vectors`,
    '',
    `Six 100k builds of random 512-d vectors do not fit a 30-minute run on 2 cores (one takes minutes), so the grid runs at ${r.sweep.count.toLocaleString('en')} vectors; the trends (recall and build time rising with M and efConstruction) carry over, the absolute recall drops with size.`,
    '',
    sweepTable(r.sweep.rows),
    '',
    `Peak RSS after the sweep: ${mb(s.rssKb)}.`,
    '',
    '## 4. Cold start',
    '',
    `\`npx tsx src/cli/ask.ts --json "question"\` spawned against an existing index: time from spawn to the answer on stdout, and to process exit (median of ${PLAN.coldRuns}). Includes npx, tsx compilation, model load, index load and verification (sha256 of every file).`,
    '',
    table(
      ['index', 'first answer', 'exit', 'child peak RSS'],
      r.cold.map((c) => [c.name, `${ms(c.firstAnswerMs)} ms`, `${ms(c.exitMs)} ms`, c.childPeakRssKb ? mb(c.childPeakRssKb) : '–']),
    ),
    '',
    `Peak RSS of the bench process (process.resourceUsage().maxRSS): ${mb(peakRssKb())}.`,
    '',
    '## Targets',
    '',
    table(
      ['target', 'measured', 'met?'],
      [
        [
          `recall@10 ≥ 0.99 at the defaults (M ${config.hnsw.m}, efC ${config.hnsw.efConstruction}, efSearch ${config.hnsw.efSearch})`,
          `real vectors (${r.recall?.chunks ?? '?'} chunks): ${realDefault?.recall.toFixed(4) ?? '–'}; synthetic worst case (${s.count.toLocaleString('en')}): ${synthDefault?.recall.toFixed(3) ?? '–'}`,
          realDefault ? (realDefault.recall >= 0.99 ? 'yes on real vectors' : 'no') + (synthDefault && synthDefault.recall < 0.99 ? '; not on random vectors' : '') : '–',
        ],
        [
          `warm p95 < 20 ms at ${s.count.toLocaleString('en')} chunks`,
          `dense search alone p95 ${ms(synthDefault?.latencyAtDepth.p95 ?? NaN)} ms (synthetic, k=${PIPELINE_DEPTH}); whole question ≈ ${ms(estimate100k)} ms (estimate); measured ask p95 ${ms(largest.ask.p95)} ms at ${largest.chunks} real chunks`,
          estimate100k < 20 ? 'yes (estimate)' : synthDefault && synthDefault.latencyAtDepth.p95 < 20 ? 'index part yes; whole question no' : 'no',
        ],
      ],
    ),
    '',
  );
  return lines.join('\n');
}

function printSummary(r: Results): void {
  console.log('\nEmbedding throughput (chunks/s)');
  console.table(r.embedding.rows.map((row) => ({ batch: row.batchSize, project: +row.project.toFixed(1), ceiling: +row.ceiling.toFixed(1), '%': +((row.project / row.ceiling) * 100).toFixed(0), tokenizer: +row.tokenizer.toFixed(0) })));
  console.log('Warm latency, ms (p50 / p95 / p99)');
  console.table(r.sizes.map((s) => ({ index: s.name, chunks: s.chunks, ask: fmt(s.ask), embed: fmt(s.embedQuery), dense: fmt(s.dense), bm25: fmt(s.lexical), reader: fmt(s.read), 'reader again': fmt(s.readAgain), 'load ms': +s.loadMs.toFixed(0), 'build s': s.build ? +s.build.seconds.toFixed(1) : '?' })));
  if (r.recall) {
    console.log(`recall@10, real vectors (${r.recall.name})`);
    console.table(r.recall.rows.map((row) => ({ efSearch: row.efSearch, recall: +row.recall.toFixed(4), 'ms p50/p95/p99': fmt(row.latency) })));
  }
  for (const run of [r.synthetic, r.sweep]) {
    console.log(`HNSW, synthetic vectors (index part only), ${run.count} x ${run.dimension}-d`);
    console.table(run.rows.map((row) => ({ M: row.m, efC: row.efConstruction, 'build s': +row.buildSeconds.toFixed(1), ef: row.efSearch, recall: +row.recall.toFixed(3), 'k=10 ms': fmt(row.latency), [`k=${PIPELINE_DEPTH} ms`]: fmt(row.latencyAtDepth) })));
  }
  console.log('Cold start');
  console.table(r.cold.map((c) => ({ index: c.name, 'first answer ms': +c.firstAnswerMs.toFixed(0), 'exit ms': +c.exitMs.toFixed(0), 'peak RSS MB': c.childPeakRssKb ? +(c.childPeakRssKb / 1024).toFixed(0) : '–' })));
}

// -------------------------------------------------------------------------------------------------- main

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
  const embedding = await benchEmbedding(config, embedder, hasScifact ? scifact : shipped.articles);
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
  }

  phase('synthetic sweep');
  const grid = SWEEP.m.flatMap((m) => SWEEP.efConstruction.map((efConstruction) => ({ m, efConstruction })));
  const sweep = await benchSynthetic(PLAN.sweep, embedder.dimension, PLAN.questions, grid, SWEEP.efSearch);
  phase('synthetic at full size');
  const synthetic = await benchSynthetic(PLAN.synthetic, embedder.dimension, PLAN.questions, [config.hnsw], LARGE_EF_SEARCH);

  phase('cold start');
  const cold: ColdStart[] = [];
  for (const target of coldTargets) cold.push(await benchColdStart(target.name, target.dir, target.question));
  phase('done');

  const machine = {
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    'CPU model': os.cpus()[0]?.model ?? 'unknown',
    cores: String(os.cpus().length),
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    OS: `${os.type()} ${os.release()} ${os.arch()}`,
    Node: process.version,
    ...Object.fromEntries(['@xenova/transformers', 'onnxruntime-node', 'hnswlib-node', 'minisearch', 'tsx'].map((name) => [name, packageVersion(name)])),
  };
  const results: Results = { machine, config, embedding, embeddingSource, sizes, recall, sweep, synthetic, cold, loadAverages, seconds: (performance.now() - started) / 1000 };
  printSummary(results);
  await fs.mkdir(path.dirname(OUT_FILE), { recursive: true });
  await fs.writeFile(OUT_FILE, render(results));
  log(`wrote ${path.relative(PROJECT_ROOT, OUT_FILE)} in ${(results.seconds / 60).toFixed(1)} min`);
}

main().catch((error: unknown) => exitWithError(error));
