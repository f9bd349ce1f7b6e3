/**
 * Experiment: the reader's time after retrieval at the bench's 27k-chunk SciFact index, as `npm run bench` times it
 * (scripts/bench/sizes.ts timeReading: first reads on a version just opened, then the same questions read again),
 * in one process, for profiling (`node --cpu-prof --import tsx …`) and for comparing reader code quickly.
 *
 *   node --import tsx scripts/experiments/reader-time.ts [questions, default 210] [index dir, default .cache/bench/scifact]
 */
import path from 'node:path';
import { loadConfig, PROJECT_ROOT } from '../../src/config.js';
import { openPipeline } from '../../src/pipeline.js';
import { readQueries } from '../bench/questions.js';
import { timeReading } from '../bench/sizes.js';

const count = Number(process.argv[2] ?? 210);
const dir = path.resolve(process.argv[3] ?? path.join(PROJECT_ROOT, '.cache', 'bench', 'scifact'));
const config = await loadConfig();
const questions = readQueries(path.join(PROJECT_ROOT, '..', 'shared', 'eval', 'scifact', 'queries.jsonl'), count);
const pipeline = await openPipeline({ ...config, embeddingsDir: dir, databaseUrl: undefined });
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
const first: number[] = [];
for (const q of questions) first.push((await timeReading(pipeline, q, config.retrieval.mode)).readMs);
const again: number[] = [];
for (const q of questions) again.push((await timeReading(pipeline, q, config.retrieval.mode)).readMs);
console.log(`${questions.length} questions at ${dir}: first read p50 ${pct(first, 0.5).toFixed(2)} ms, p95 ${pct(first, 0.95).toFixed(2)} ms; read again p50 ${pct(again, 0.5).toFixed(2)}, p95 ${pct(again, 0.95).toFixed(2)} ms`);
await pipeline.close();
