/**
 * One index size: how long a whole answer takes through the pipeline (served lean, as the bot serves it), and
 * each stage apart; and the recall of an index's HNSW graph against exact search over its real vectors.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT, type Config } from '../../src/config.js';
import type { Embedder } from '../../src/embedder.js';
import { localStore, requireSnapshot } from '../../src/index/coverage.js';
import { loadDense, loadIndex } from '../../src/index/local-version.js';
import { projectionFile } from '../../src/index/vector-index.js';
import type { RetrievalMode } from '../../src/config.js';
import type { Pipeline } from '../../src/pipeline.js';
import { mean } from '../../src/eval/metrics.js';
import { log, median, ms, peakRssKb, percentiles, timed, type Percentiles } from './measure.js';
import type { BuildRecord, RecallRow, SizeResult } from './results.js';
import { openPipeline, scriptEnvironment, searchQuestion } from './shipped.js';
import { exactKthSimilarity, recallAtK, searchLatencies } from './vectors.js';

/**
 * The full M × efConstruction grid runs at PLAN.sweep vectors: on 2 cores one 100k × 512-d build of random
 * vectors takes minutes, and six of them would not fit the 30-minute budget. At PLAN.synthetic only the
 * configured defaults are built, with a wider efSearch range.
 */
export const SWEEP = { m: [8, 16, 32], efConstruction: [100, 200], efSearch: [10, 50, 100, 200] };
/** Depth the hybrid retriever asks the dense index for (retrieve.ts: max(limit * 2, 50) with limit 10). */
export const PIPELINE_DEPTH = 50;
export const WARMUP_QUESTIONS = 10;

const ANSWER_PROCESS = path.join(PROJECT_ROOT, 'scripts', 'bench', 'answer-process.mjs');

/**
 * Whole answers through the pipeline, warm: the wall and CPU time of each of `questions`, after the first
 * WARMUP_QUESTIONS of them untimed, in a process of its own (answer-process.mjs, the build the bot runs): on the
 * local index in `dir`, or on the database at `databaseUrl` (served by this process, as `npm run db:dev` serves a bot).
 * The bench's own process holds every index it built and timed before, and the collector's work on that heap
 * (2-3 GB by the 100k index) lands in the answers' times. Also the answering process's RSS once its questions
 * are answered, and at its peak.
 */
export function timeAnswersApart(dir: string, questions: string[], databaseUrl?: string): Promise<{ ask: Percentiles; askCpu: Percentiles; servingRssKb: number; servingPeakRssKb?: number }> {
  return new Promise((resolve, reject) => {
    const args = [ANSWER_PROCESS, dir, String(WARMUP_QUESTIONS), ...(databaseUrl ? [databaseUrl] : [])];
    // With the environment `npm start` gives the bot (MALLOC_ARENA_MAX).
    const child = spawn(process.execPath, args, { cwd: PROJECT_ROOT, env: { ...process.env, ...scriptEnvironment('start') }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-2_000)));
    child.stdin.on('error', () => {}); // a child that ends before reading its questions says why on stderr
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const ended = signal ? `was ended by ${signal}` : `exited with ${code}`;
      if (code !== 0) return reject(new Error(`the answering process for ${dir} ${ended}: ${stderr.trim() || 'no message'}`));
      try {
        const { wallMs, cpuMs, rssKb, peakRssKb } = JSON.parse(stdout) as { wallMs: number[]; cpuMs: number[]; rssKb: number; peakRssKb: number | null };
        resolve({ ask: percentiles(wallMs), askCpu: percentiles(cpuMs), servingRssKb: rssKb, servingPeakRssKb: peakRssKb ?? undefined });
      } catch (error) {
        reject(new Error(`the answering process for ${dir} printed no result (${(error as Error).message}): ${stdout.slice(0, 200)}`));
      }
    });
    child.stdin.end(JSON.stringify(questions));
  });
}

/**
 * The reader's parts of a question, as answering runs them: the question's search (src/question-search.ts:
 * embedded on its own thread while BM25 runs, the question analysed and BM25's first chunks read ahead in
 * that wait), then the read of the retrieved chunks, which is what the reader adds after retrieval. The
 * question's analysis is timed alone, and how much of the read-ahead was done before the vector came.
 */
export async function timeReading(pipeline: Pipeline, question: string, mode: RetrievalMode): Promise<{ prepareMs: number; readMs: number; readAhead: number }> {
  const prepareMs = (await timed(() => pipeline.reader.prepare(question))).ms;
  const { view, prepared, queryVector, retrieved, readAhead } = await searchQuestion(pipeline.index, pipeline.embedder, pipeline.reader, question, { mode });
  const read = await timed(() => pipeline.reader.read(view, prepared, queryVector, retrieved));
  const ahead = await readAhead?.catch(() => undefined);
  return { prepareMs, readMs: read.ms, readAhead: ahead && ahead.of > 0 ? ahead.sentences / ahead.of : 0 };
}

export async function benchSize(name: string, dir: string, build: BuildRecord | undefined, cached: boolean, questions: string[], config: Config, scaleIndex = false): Promise<SizeResult> {
  // The local index of this size (the database backend is timed by its own rows).
  const sizeConfig: Config = { ...config, embeddingsDir: dir, databaseUrl: undefined };
  // Opening a version as the bot does: articles, term tables and HNSW in memory, the rest read per question.
  const loads: number[] = [];
  for (let i = 0; i < 3; i++) loads.push((await timed(() => localStore(dir, config.hnsw).open())).ms);

  const { ask, askCpu, servingRssKb, servingPeakRssKb } = await timeAnswersApart(dir, questions);
  // The stages are timed here, on a version just opened: each question's sentences are read for the first time.
  const pipeline = await openPipeline(sizeConfig);
  // The retrievers are timed on the version loaded whole (BM25 still runs in its SQLite file); the reader on
  // the view of the retrieved chunks that the served version gives it, as when answering.
  const index = requireSnapshot(pipeline.index, 'The benchmark');

  // The parts of a question, timed apart: the query embedding, and each retriever at the pipeline's depth.
  const embedQuery: number[] = [];
  const dense: number[] = [];
  const lexical: number[] = [];
  const prepare: number[] = [];
  const read: number[] = [];
  const readAhead: number[] = [];
  for (const question of questions) {
    const vector = await timed(() => pipeline.embedder.embedQuery(question));
    const reading = await timeReading(pipeline, question, config.retrieval.mode);
    prepare.push(reading.prepareMs);
    read.push(reading.readMs);
    readAhead.push(reading.readAhead);
    embedQuery.push(vector.ms);
    dense.push((await timed(() => index.dense.search(vector.value, PIPELINE_DEPTH))).ms);
    // Both BM25 searches a question makes: over chunks and over whole articles.
    lexical.push((await timed(() => [index.lexical.query(question, PIPELINE_DEPTH), index.lexical.queryArticles(question, PIPELINE_DEPTH)])).ms);
  }
  const readAgain: number[] = [];
  for (const question of questions) readAgain.push((await timeReading(pipeline, question, config.retrieval.mode)).readMs);
  const { counts } = pipeline.index.manifest;
  await pipeline.close();
  log(`  ${name}: ${counts.chunks} chunks, ask p50 ${ms(ask.p50)} ms, p95 ${ms(ask.p95)} ms (CPU ${ms(askCpu.p50)} / ${ms(askCpu.p95)} ms)`);
  return {
    name,
    backend: 'local',
    scaleIndex,
    chunks: counts.chunks,
    sentences: counts.sentences,
    build,
    buildCached: cached,
    loadMs: median(loads),
    ask,
    askCpu,
    embedQuery: percentiles(embedQuery),
    dense: percentiles(dense),
    lexical: percentiles(lexical),
    prepare: percentiles(prepare),
    read: percentiles(read),
    readAhead: mean(readAhead),
    readAgain: percentiles(readAgain),
    questions: questions.length,
    rssKb: peakRssKb(),
    servingRssKb,
    servingPeakRssKb,
  };
}

/** recall@10 of the live HNSW index of `dir` against exact search over its own (real) vectors. */
export async function realRecall(dir: string, questions: string[], embedder: Embedder, config: Config): Promise<{ chunks: number; rows: RecallRow[]; projected: boolean }> {
  const snapshot = await loadIndex(dir, config.hnsw);
  const data = Array.from({ length: snapshot.dense.size }, (_, label) => snapshot.dense.vector(label));
  const queries: Float32Array[] = [];
  for (const question of questions) queries.push(await embedder.embedQuery(question));
  const kth = exactKthSimilarity(data, queries, 10);
  const rows: RecallRow[] = [];
  for (const efSearch of SWEEP.efSearch) {
    const index = await loadDense(path.join(dir, snapshot.version), snapshot.manifest, { efSearch });
    rows.push({ efSearch, recall: recallAtK(index, data, queries, kth, 10), latency: percentiles(searchLatencies(index, queries, 10)) });
    index.close?.();
  }
  snapshot.dense.close?.();
  return { chunks: data.length, rows, projected: path.basename(projectionFile('dense.hnsw')) in snapshot.manifest.files };
}
