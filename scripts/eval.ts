/**
 * `npm run eval`: answer and retrieval quality, printed as tables.
 *  - The two question sets about the shipped corpus (eval/questions.json, the tuning set, and
 *    eval/questions-holdout.json, never fitted on): passage and quote hit@1/@3, answered share, near misses
 *    and plainly off-topic questions refused, per retrieval mode, and a sweep of the reader's threshold.
 *  - The reader on SQuAD's 10 test articles (from --shared, ../shared/eval by default; skipped when absent):
 *    paragraph given (SQuAD 1.1 and 2.0 scores) and open corpus (every 2.0 question through the pipeline).
 *  - The reader on news: NQ-UTD's 80 questions with their published answers, answerable and as near misses.
 *  - Each BEIR-style dataset folder given as an argument: nDCG@10, Recall@10/100, MRR@10 per mode, with
 *    published reference rows. Indexes are built with the project's own pipeline and cached in .cache/eval.
 *
 *    With --backends local,postgres, each dataset is also served by the Postgres backend (its local index
 *    copied into a PGlite folder in .cache/eval/postgres), and the nDCG@10 of each mode is compared.
 *
 * Usage: npm run eval -- [DATASET_DIR ...] [--modes hybrid,dense,lexical] [--backends local,postgres] [--max-queries N] [--negatives SQUAD_DIR]
 */
import path from 'node:path';
import { loadConfig, PROJECT_ROOT, RETRIEVAL_MODES, type RetrievalMode } from '../src/config.js';
import { loadEmbedder } from '../src/embedder.js';
import { EVAL_CACHE } from '../src/eval/cached-index.js';
import { loadDataset } from '../src/eval/datasets.js';
import { chunkingSignature } from '../src/index/build.js';
import { loadReader } from '../src/reader/reader.js';
import { ArgumentError, parseCommandLine } from '../src/cli/args.js';
import { exitWithError } from '../src/errors.js';
import type { Backend } from '../src/index/coverage.js';
import { evaluateQuestionSets } from './eval/question-sets.js';
import { BACKENDS, evaluateDataset } from './eval/retrieval.js';
import { evaluateNewsReading } from './eval/news-reading.js';
import { evaluateReading } from './eval/squad-reading.js';
import { table } from './eval/tables.js';

const USAGE = 'Usage: npm run eval -- [DATASET_DIR ...] [--modes hybrid,dense,lexical] [--backends local,postgres] [--max-queries N] [--negatives SQUAD_DIR] [--shared DIR]';
async function main(): Promise<void> {
  const { values, positionals } = parseCommandLine(
    {
      allowPositionals: true,
      options: { modes: { type: 'string' }, backends: { type: 'string' }, 'max-queries': { type: 'string' }, negatives: { type: 'string' }, shared: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    },
    'npm run eval',
  );
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const modes = (values.modes?.split(',') ?? [...RETRIEVAL_MODES]) as RetrievalMode[];
  const badMode = modes.find((mode) => !RETRIEVAL_MODES.includes(mode));
  if (badMode !== undefined) throw new ArgumentError(`--modes takes a comma-separated list of ${RETRIEVAL_MODES.join(', ')} (got "${badMode}").`);
  const backends = (values.backends?.split(',') ?? ['local']) as Backend[];
  const badBackend = backends.find((backend) => !BACKENDS.includes(backend));
  if (badBackend !== undefined) throw new ArgumentError(`--backends takes a comma-separated list of ${BACKENDS.join(', ')} (got "${badBackend}").`);
  const maxQueries = Number(values['max-queries'] ?? Infinity);
  if (!(maxQueries >= 1)) throw new ArgumentError(`--max-queries must be a positive number (got "${values['max-queries']}").`);
  const config = await loadConfig();
  const embedder = await loadEmbedder(config.embedding);
  const reader = loadReader(config.reader.modelFile, config.reader.threshold, config.reader.sureThreshold, config.reader.openThreshold);
  const chunking = chunkingSignature(embedder, config.chunking);
  console.log(`Model ${embedder.modelId} (${embedder.dimension}-d, ${embedder.maxTokens} tokens); chunks ≤ ${chunking.maxTokens} tokens, overlap ${chunking.overlapSentences} sentence; HNSW M=${config.hnsw.m} efC=${config.hnsw.efConstruction} ef=${config.hnsw.efSearch}; reader thresholds ${reader.threshold} (questions asking for a fact) and ${reader.openThreshold} (asking for an account).\n`);

  await evaluateQuestionSets(config, embedder, reader, modes, values.negatives);

  const shared = path.resolve(values.shared ?? path.join(PROJECT_ROOT, '..', 'shared', 'eval'));
  await evaluateReading(config, embedder, reader, reader.threshold, shared);
  await evaluateNewsReading(config, embedder, reader, shared);

  for (const dir of positionals) {
    const dataset = await loadDataset(dir, EVAL_CACHE);
    const result = await evaluateDataset(config, embedder, dataset, modes, maxQueries, backends);
    console.log(`\n${dataset.name}: ${result.queries} queries, ${result.documents} documents, ${result.chunks} chunks (document score = best chunk).`);
    console.log(table(['dataset', 'backend', 'mode', 'nDCG@10', 'R@10', 'R@100', 'MRR@10', 'latency/query'], result.rows));
    for (const { mode, difference } of result.parity) {
      console.log(`${dataset.name} ${mode}: nDCG@10 on ${backends[1]} ${difference >= 0 ? '+' : '−'}${Math.abs(difference).toFixed(4)} against ${backends[0]} (${Math.abs(difference) <= 0.01 ? 'within' : 'outside'} 0.01).`);
    }
  }
}

main().catch((error: unknown) => exitWithError(error));
