/**
 * `npm run eval`: answer and retrieval quality, printed as tables.
 *  - The two question sets about the shipped corpus (eval/questions.json, the tuning set, and
 *    eval/questions-holdout.json, never fitted on): passage and quote hit@1/@3, answered share, near misses
 *    and plainly off-topic questions refused, per retrieval mode, and a sweep of the reader's threshold.
 *  - The reader on SQuAD's 10 test articles (from --shared, ../shared/eval by default; skipped when absent):
 *    paragraph given (SQuAD 1.1 and 2.0 scores) and open corpus (every 2.0 question through the pipeline).
 *  - Each BEIR-style dataset folder given as an argument: nDCG@10, Recall@10/100, MRR@10 per mode, with
 *    published reference rows. Indexes are built with the project's own pipeline and cached in .cache/eval.
 *
 * Usage: npm run eval -- [DATASET_DIR ...] [--modes hybrid,dense,lexical] [--max-queries N] [--negatives SQUAD_DIR]
 */
import path from 'node:path';
import type { Answer } from '../src/answer.js';
import { loadConfig, PROJECT_ROOT, RETRIEVAL_MODES, type Config, type RetrievalMode } from '../src/config.js';
import { loadCorpus } from '../src/corpus/load.js';
import { loadEmbedder, type Embedder } from '../src/embedder.js';
import { cachedIndex, cachedIndexDir, EVAL_CACHE, squadIndex } from '../src/eval/cached-index.js';
import { loadDataset, type Dataset } from '../src/eval/datasets.js';
import { documentsFromChunks, mean, mrrAt, ndcgAt, recallAt } from '../src/eval/metrics.js';
import { locateEvidence, readQuestionSet, scoreAt, type CollectedAnswers, type QuestionSet } from '../src/eval/question-set.js';
import { askAll, paragraphGiven, scoreOpenCorpus } from '../src/eval/reading.js';
import { loadSquadSplit } from '../src/eval/squad.js';
import { chunkingSignature } from '../src/index/build.js';
import { answerQuestion } from '../src/pipeline.js';
import { buildCoverage, openCoverageStore } from '../src/coverage-store.js';
import { localStore, type Coverage } from '../src/index/coverage.js';
import { embedProgressBar, formatBuildReport } from '../src/cli/progress.js';
import { loadReaderModel } from '../src/reader/model.js';
import { loadReader, type Reader } from '../src/reader/reader.js';
import { retrieve } from '../src/retrieve.js';
import { existsSync } from 'node:fs';
import { ArgumentError, parseCommandLine } from '../src/cli/args.js';
import { exitWithError } from '../src/errors.js';

const REFERENCE_NDCG10: Record<string, Record<string, number>> = {
  'BM25 (BEIR paper)': { scifact: 0.665, nfcorpus: 0.325 },
  'all-MiniLM-L6-v2': { scifact: 0.645, nfcorpus: 0.316 },
  'bge-small-en-v1.5': { scifact: 0.713, nfcorpus: 0.343 },
  'BM25 + bge-base, RRF (Anserini)': { scifact: 0.742, nfcorpus: 0.373 },
};
const USAGE = 'Usage: npm run eval -- [DATASET_DIR ...] [--modes hybrid,dense,lexical] [--max-queries N] [--negatives SQUAD_DIR] [--shared DIR]';
const THRESHOLDS = [0, 0.02, 0.025, 0.03, 0.035, 0.04, 0.06, 0.08, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7];
/** Published SQuAD dev scores (whole dev sets; ours are on the 10 test articles). */
const SQUAD_REFERENCES = [
  ['SQuAD 1.1 paper: logistic regression (dev)', 'EM 40.4 / F1 51.0'],
  ['SQuAD 2.0 paper: always abstain (dev)', 'F1 50.1 (EM 50.1)'],
  ['SQuAD 2.0 paper: BNA (dev)', 'EM 59.8 / F1 62.6'],
];

const pct = (x: number) => `${(100 * x).toFixed(1)}%`.padStart(6);
const num = (x: number) => x.toFixed(3);

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
  return [line(header), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...rows.map(line)].join('\n');
}

async function evaluateDataset(config: Config, embedder: Embedder, dataset: Dataset, modes: RetrievalMode[], maxQueries: number) {
  const index = await cachedIndex(config, embedder, dataset.name, dataset.corpusFile);
  const queries = dataset.queries.slice(0, maxQueries);
  const started = performance.now();
  const vectors: Float32Array[] = [];
  for (const query of queries) vectors.push(await embedder.embedQuery(query.text));
  const embedMs = (performance.now() - started) / queries.length;
  const rows: string[][] = [];
  for (const mode of modes) {
    const t0 = performance.now();
    const metrics = queries.map((query, i) => {
      const chunks = retrieve(index, query.text, vectors[i]!, { mode, limit: 400 });
      const ranked = documentsFromChunks(chunks.map((c) => index.chunks[c.label]!.articleId));
      const judgments = dataset.qrels.get(query.id)!;
      return [ndcgAt(ranked, judgments, 10), recallAt(ranked, judgments, 10), recallAt(ranked, judgments, 100), mrrAt(ranked, judgments, 10)];
    });
    const searchMs = (performance.now() - t0) / queries.length;
    rows.push([dataset.name, mode, ...[0, 1, 2, 3].map((m) => num(mean(metrics.map((r) => r[m]!)))), `${(embedMs + searchMs).toFixed(1)} ms`]);
  }
  for (const [system, scores] of Object.entries(REFERENCE_NDCG10)) {
    if (scores[dataset.name] !== undefined) rows.push([dataset.name, `ref: ${system}`, num(scores[dataset.name]!), '', '', '', '']);
  }
  return { rows, queries: queries.length, chunks: index.chunks.length, documents: index.articles.size };
}

type Ask = (question: string) => Promise<Answer>;

async function coverageUnderTest(config: Config, embedder: Embedder): Promise<{ index: Coverage; close: () => Promise<void> }> {
  // The local coverage is served as the bot serves it: lean, read per question from its SQLite file.
  if (!config.databaseUrl) return { index: await localStore(await cachedIndexDir(config, embedder, 'coverage', config.corpusDir), config.hnsw).open(), close: async () => {} };
  const store = await openCoverageStore(config);
  try {
    const corpus = await loadCorpus(config.corpusDir, { maxArticleBytes: config.maxArticleBytes });
    const bar = embedProgressBar();
    const report = await buildCoverage(store, config, corpus.articles, embedder, { onProgress: bar.update }).finally(bar.stop);
    console.error(formatBuildReport(report));
    console.log(`The question sets are asked of the coverage in the ${store.location} (BM25: ${store.lexical}); SQuAD and BEIR datasets use local indexes.`);
    return { index: await store.open(), close: () => store.close() };
  } catch (error) {
    await store.close();
    throw error;
  }
}

function asker(embedder: Embedder, reader: Reader, index: Coverage, mode: RetrievalMode): Ask {
  return (question) => answerQuestion({ index, embedder, reader }, question, { mode, passages: 3, answerAll: true });
}

async function collectAnswers(ask: Ask, index: Coverage, set: QuestionSet, extraNegatives: Answer[]): Promise<CollectedAnswers> {
  const answerable = [];
  for (const question of set.answerable) {
    answerable.push({ question, answer: await ask(question.question), spans: locateEvidence(question.evidence, index.articles.values()) });
  }
  const offTopic = [];
  for (const question of set.offTopic) offTopic.push({ question, answer: await ask(question.question) });
  return { answerable, offTopic, extraNegatives };
}

async function evaluateReading(config: Config, embedder: Embedder, reader: Reader, threshold: number, shared: string): Promise<void> {
  if (!existsSync(path.join(shared, 'squad-v2.0'))) {
    console.log(`\nSQuAD reading: skipped (${shared} has no squad-v2.0; give --shared DIR).`);
    return;
  }
  const { test, test11 } = await loadSquadSplit(shared);
  const v2 = await squadIndex(config, embedder, 'squad-test', test);
  const v11 = await squadIndex(config, embedder, 'squad-test-v1.1', test11);
  // SQuAD is scored at the threshold calibrated on SQuAD (stored in the model file), the coverage at its own.
  const squadThreshold = loadReaderModel(config.reader.modelFile).threshold;
  const p11 = await paragraphGiven(reader, embedder, v11.index, v11.questions, squadThreshold);
  const p2 = await paragraphGiven(reader, embedder, v2.index, v2.questions, squadThreshold);
  console.log(`\nSQuAD reading, paragraph given: the 10 test articles (never trained or tuned on); abstention at the model's SQuAD-calibrated threshold ${squadThreshold}.`);
  const w = p2.withAbstention;
  console.log(table(['set', 'questions', 'answer sentence', 'EM', 'F1', 'HasAns EM', 'HasAns F1', 'NoAns accuracy'], [
    ['SQuAD 1.1 (always answer)', String(p11.questions), pct(p11.sentenceAccuracy / 100), p11.alwaysAnswer.exact.toFixed(1), p11.alwaysAnswer.f1.toFixed(1), '', '', ''],
    ['SQuAD 2.0, answerable, always answer', String(w.hasAnsTotal), pct(p2.sentenceAccuracy / 100), p2.alwaysAnswer.exact.toFixed(1), p2.alwaysAnswer.f1.toFixed(1), '', '', ''],
    ['SQuAD 2.0 with abstention', String(p2.questions), '', w.exact.toFixed(1), w.f1.toFixed(1), w.hasAnsExact.toFixed(1), w.hasAnsF1.toFixed(1), w.noAnsExact.toFixed(1)],
    ...SQUAD_REFERENCES.map(([name, score]) => [`ref: ${name}`, '', '', score!, '', '', '', '']),
  ]));
  const runs = await askAll(reader, embedder, v2.index, v2.questions);
  console.log(`\nSQuAD 2.0 open corpus: the 10 test articles indexed (${v2.index.chunks.length} chunks), ${runs.length} questions asked through the pipeline; in bold the SQuAD-calibrated threshold (the coverage uses ${threshold}).`);
  const rows = [...new Set([threshold, squadThreshold, ...THRESHOLDS])].sort((a, b) => a - b).map((t) => scoreOpenCorpus(runs, t)).map((s) => [
    s.threshold === squadThreshold ? `**${num(s.threshold)}**` : num(s.threshold), `${s.goldInFirstQuote.toFixed(1)}%`, `${s.goldInQuotes.toFixed(1)}%`, s.shortExact.toFixed(1), s.shortF1.toFixed(1), `${s.answerableAnswered.toFixed(1)}%`, `${s.unanswerableRefused.toFixed(1)}%`, s.overall.exact.toFixed(1), s.overall.f1.toFixed(1),
  ]);
  console.log(table(['threshold', 'gold in first quote', 'gold in quotes', 'short EM', 'short F1', 'answerable answered', 'unanswerable refused', 'overall EM', 'overall F1'], rows));
}

async function main(): Promise<void> {
  const { values, positionals } = parseCommandLine(
    {
      allowPositionals: true,
      options: { modes: { type: 'string' }, 'max-queries': { type: 'string' }, negatives: { type: 'string' }, shared: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
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
  const maxQueries = Number(values['max-queries'] ?? Infinity);
  if (!(maxQueries >= 1)) throw new ArgumentError(`--max-queries must be a positive number (got "${values['max-queries']}").`);
  const config = await loadConfig();
  const embedder = await loadEmbedder(config.embedding);
  const reader = loadReader(config.reader.modelFile, config.reader.threshold);
  const threshold = reader.threshold;
  const chunking = chunkingSignature(embedder, config.chunking);
  console.log(`Model ${embedder.modelId} (${embedder.dimension}-d, ${embedder.maxTokens} tokens); chunks ≤ ${chunking.maxTokens} tokens, overlap ${chunking.overlapSentences} sentence; HNSW M=${config.hnsw.m} efC=${config.hnsw.efConstruction} ef=${config.hnsw.efSearch}; reader threshold ${threshold}.\n`);

  // The shipped coverage and its two question sets: from the database with DATABASE_URL (embedded there first,
  // as \`npm run embed\` would), else from a cached local index.
  const { index, close } = await coverageUnderTest(config, embedder);
  const negatives = values.negatives ? (await loadDataset(values.negatives, EVAL_CACHE)).queries.filter((_, i) => i % 35 === 0).map((q) => q.text) : [];
  // The tuning set may be looked at to tune; the held-out set, written separately, shows how far that
  // tuning carries to new questions (docs/EVALUATION.md says what it was consulted for).
  const sets = [
    { name: 'tuning', file: 'questions.json' },
    { name: 'held-out', file: 'questions-holdout.json' },
  ].map((s) => ({ ...s, set: readQuestionSet(path.join(PROJECT_ROOT, 'eval', s.file)), rows: [] as string[][], sweeps: [] as string[] }));
  for (const mode of modes) {
    const ask = asker(embedder, reader, index, mode);
    const negativeAnswers: Answer[] = [];
    for (const question of negatives) negativeAnswers.push(await ask(question));
    for (const { name, set, rows, sweeps } of sets) {
      const collected = await collectAnswers(ask, index, set, negativeAnswers);
      const at = scoreAt(collected, index.articles, threshold);
      const all = scoreAt(collected, index.articles, 0);
      rows.push([mode, pct(at.hitAt1), pct(at.hitAt3), pct(at.quoteHitAt1), pct(at.quoteHitAt3), pct(all.hitAt3), pct(all.quoteHitAt1), pct(at.answered), pct(at.refusedNearMiss), pct(at.refusedOffTopic), at.refusedExtra === undefined ? '-' : pct(at.refusedExtra), at.misses.join(' '), at.unrefused.join(' ')]);
      const sweepRows = [...new Set([threshold, ...THRESHOLDS])].sort((a, b) => a - b).map((t) => scoreAt(collected, index.articles, t)).map((s) => [s.threshold === threshold ? `**${num(s.threshold)}**` : num(s.threshold), pct(s.quoteHitAt1), pct(s.hitAt3), pct(s.answered), pct(s.refusedNearMiss), pct(s.refusedOffTopic), s.refusedExtra === undefined ? '-' : pct(s.refusedExtra)]);
      sweeps.push(`Threshold sweep, ${name} set, ${mode}:\n` + table(['threshold', 'quote hit@1', 'hit@3', 'answered', 'near misses refused', 'off-topic refused', 'SQuAD refused'], sweepRows));
    }
  }
  for (const { name, file, set, rows, sweeps } of sets) {
    const nearMisses = set.offTopic.filter((q) => q.kind === 'near-miss').length;
    console.log(`\n${name} question set (eval/${file}): ${set.answerable.length} answerable, ${nearMisses} near misses, ${set.offTopic.length - nearMisses} off-topic${negatives.length ? `, ${negatives.length} SQuAD questions as extra off-corpus negatives` : ''}; reader threshold ${threshold}.`);
    console.log(table(['mode', 'hit@1', 'hit@3', 'quote hit@1', 'quote hit@3', 'hit@3 (no threshold)', 'quote hit@1 (no threshold)', 'answered', 'near misses refused', 'off-topic refused', 'SQuAD refused', 'misses at 3', 'refusals missed'], rows));
    console.log('\n' + sweeps.join('\n\n'));
  }

  await close();

  await evaluateReading(config, embedder, reader, threshold, path.resolve(values.shared ?? path.join(PROJECT_ROOT, '..', 'shared', 'eval')));

  for (const dir of positionals) {
    const dataset = await loadDataset(dir, EVAL_CACHE);
    const result = await evaluateDataset(config, embedder, dataset, modes, maxQueries);
    console.log(`\n${dataset.name}: ${result.queries} queries, ${result.documents} documents, ${result.chunks} chunks (document score = best chunk).`);
    console.log(table(['dataset', 'mode', 'nDCG@10', 'R@10', 'R@100', 'MRR@10', 'latency/query'], result.rows));
  }
}

main().catch((error: unknown) => exitWithError(error));
