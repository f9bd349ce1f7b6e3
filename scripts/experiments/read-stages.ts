/**
 * Experiment: a first read's time by stage at the bench's 27k-chunk SciFact index (the reading context built, the
 * sentences' features and scores, the short answer and answerability, the description and role rules; the count
 * rule's second reading, rare, is left out), by slice of the distribution, in one process. `skip` leaves out the first questions, read while V8 still compiles the reader (about half of a
 * fresh process's slowest 5 % are among its first 70 questions; the bench's process has read other sizes first).
 * Compare two checkouts by running it in each, alternately (the machine's noise is larger than most changes).
 *
 *   node --import tsx scripts/experiments/read-stages.ts [questions, default 1100] [skip, default 300]
 */
import path from 'node:path';
import { loadConfig, PROJECT_ROOT } from '../../src/config.js';
import { openPipeline } from '../../src/pipeline.js';
import { readQueries } from '../bench/questions.js';
import { searchQuestion } from '../../src/question-search.js';
import { candidateSentences, readingContext, scoreSentences, readScored, modelScorers, type Reader, type Scorers } from '../../src/reader/reader.js';
import { readAhead } from '../../src/reader/read-ahead.js';
import { loadReaderModel } from '../../src/reader/model.js';
import { withDescription } from '../../src/reader/definition.js';
import { withRoleHolder } from '../../src/reader/role.js';

const count = Number(process.argv[2] ?? 1100);
const skip = Number(process.argv[3] ?? 300);
const dir = path.join(PROJECT_ROOT, '.cache', 'bench', 'scifact');
const config = await loadConfig();
const model = loadReaderModel(config.reader.modelFile);
const scorers: Scorers = modelScorers(model);
const questions = readQueries(path.join(PROJECT_ROOT, '..', 'shared', 'eval', 'scifact', 'queries.jsonl'), count);
const pipeline = await openPipeline({ ...config, embeddingsDir: dir, databaseUrl: undefined });
// Read ahead with this model's synonym table, whose WordNet groups the read below then finds cached, as answering does.
const reader: Reader = { ...pipeline.reader, readAhead: (index, retrieved, until) => readAhead(index, candidateSentences(index, retrieved), model.synonyms, until) };
if (count <= skip) throw new Error(`Asks ${count} questions and leaves the first ${skip} out: ask more.`);
/** Per question: total, context, features, short answer and answerability, rules (ms), sentences read. */
const rows: number[][] = [];
for (const q of questions) {
  const { view, prepared, queryVector, retrieved, readAhead } = await searchQuestion(pipeline.index, pipeline.embedder, reader, q, { mode: config.retrieval.mode });
  await readAhead?.catch(() => undefined);
  const t0 = performance.now();
  const sentences = candidateSentences(view, retrieved);
  if (sentences.length === 0) continue;
  const context = readingContext(view, prepared, queryVector, sentences, model.synonyms);
  const t1 = performance.now();
  const scored = scoreSentences(context, scorers);
  const t2 = performance.now();
  const reading = readScored(context, scorers, scored);
  const t3 = performance.now();
  withRoleHolder(context, withDescription(context, reading));
  const t4 = performance.now();
  rows.push([t4 - t0, t1 - t0, t2 - t1, t3 - t2, t4 - t3, sentences.length]);
}
rows.splice(0, skip);
rows.sort((a, b) => a[0]! - b[0]!);
const n = rows.length;
const mean = (rs: number[][], i: number) => (rs.reduce((s, r) => s + r[i]!, 0) / rs.length).toFixed(2);
const show = (label: string, rs: number[][]) => console.log(label.padEnd(8), ['total', 'context', 'features', 'answer', 'rules', 'sentences'].map((name, i) => `${name} ${mean(rs, i)}`).join('  '));
console.log(`${n} first reads (after ${skip} untimed) at ${dir}: p50 ${rows[Math.floor(n * 0.5)]![0]!.toFixed(2)} ms, p95 ${rows[Math.floor(n * 0.95)]![0]!.toFixed(2)} ms; means (ms) by slice:`);
show('all', rows);
show('p0-50', rows.slice(0, n / 2));
show('p50-90', rows.slice(n / 2, Math.floor(n * 0.9)));
show('p90-95', rows.slice(Math.floor(n * 0.9), Math.floor(n * 0.95)));
show('p95-100', rows.slice(Math.floor(n * 0.95)));
await pipeline.close();
