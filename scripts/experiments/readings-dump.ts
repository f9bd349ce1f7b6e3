/**
 * Experiment: every reading of the first 400 SciFact questions at the bench's 27k-chunk index, as JSON, to check
 * that a change meant only to make reading faster reads exactly as before: run it before and after, and compare
 * the two files (`cmp`).
 *
 *   node --import tsx scripts/experiments/readings-dump.ts OUT.json
 */
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { loadConfig, PROJECT_ROOT } from '../../src/config.js';
import { openPipeline } from '../../src/pipeline.js';
import { readQueries } from '../bench/questions.js';
import { searchQuestion } from '../../src/question-search.js';
const config = await loadConfig();
const questions = readQueries(path.join(PROJECT_ROOT, '..', 'shared', 'eval', 'scifact', 'queries.jsonl'), 400);
const pipeline = await openPipeline({ ...config, embeddingsDir: path.join(PROJECT_ROOT, '.cache', 'bench', 'scifact'), databaseUrl: undefined });
const out: unknown[] = [];
for (const q of questions) {
  const { view, prepared, queryVector, retrieved, readAhead } = await searchQuestion(pipeline.index, pipeline.embedder, pipeline.reader, q, { mode: config.retrieval.mode });
  await readAhead?.catch(() => undefined);
  out.push(pipeline.reader.read(view, prepared, queryVector, retrieved));
}
writeFileSync(process.argv[2]!, JSON.stringify(out));
await pipeline.close();
