/**
 * `npm run eval`: retrieval quality, printed as tables.
 *  - The question set about the shipped corpus (eval/questions.json): hit@1, hit@3, refusal accuracy per
 *    retrieval mode, and a sweep of the evidence threshold (answer recall against refusal accuracy).
 *  - Each BEIR-style dataset folder given as an argument: nDCG@10, Recall@10/100, MRR@10 per mode, with
 *    published reference rows. Indexes are built with the project's own pipeline and cached in .cache/eval.
 *
 * Usage: npm run eval -- [DATASET_DIR ...] [--modes hybrid,dense,lexical] [--max-queries N] [--negatives SQUAD_DIR]
 */
import path from 'node:path';
import { buildAnswer, type Answer } from '../src/answer.js';
import { loadConfig, PROJECT_ROOT, RETRIEVAL_MODES, type Config, type RetrievalMode } from '../src/config.js';
import { loadCorpus } from '../src/corpus/load.js';
import { loadEmbedder, type Embedder } from '../src/embedder.js';
import { cacheKey, loadDataset, type Dataset } from '../src/eval/datasets.js';
import { documentsFromChunks, mean, mrrAt, ndcgAt, recallAt } from '../src/eval/metrics.js';
import { locateEvidence, readQuestionSet, scoreAt, type CollectedAnswers, type QuestionSet } from '../src/eval/question-set.js';
import { buildIndex, chunkingSignature, modelSignature } from '../src/index/build.js';
import { loadIndex, type IndexSnapshot } from '../src/index/store.js';
import { retrieve } from '../src/retrieve.js';
import { ArgumentError, parseCommandLine } from '../src/cli/args.js';
import { embedProgressBar, formatBuildReport } from '../src/cli/progress.js';
import { exitWithError } from '../src/errors.js';

const REFERENCE_NDCG10: Record<string, Record<string, number>> = {
  'BM25 (BEIR paper)': { scifact: 0.665, nfcorpus: 0.325 },
  'all-MiniLM-L6-v2': { scifact: 0.645, nfcorpus: 0.316 },
  'bge-small-en-v1.5': { scifact: 0.713, nfcorpus: 0.343 },
  'BM25 + bge-base, RRF (Anserini)': { scifact: 0.742, nfcorpus: 0.373 },
};
const USAGE = 'Usage: npm run eval -- [DATASET_DIR ...] [--modes hybrid,dense,lexical] [--max-queries N] [--negatives SQUAD_DIR]';
const THRESHOLDS = [0, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6];

const pct = (x: number) => `${(100 * x).toFixed(1)}%`.padStart(6);
const num = (x: number) => x.toFixed(3);

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
  return [line(header), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...rows.map(line)].join('\n');
}

/** Builds (or reuses from the cache) the index of a corpus with the project's pipeline. */
async function cachedIndex(config: Config, embedder: Embedder, name: string, corpusPath: string): Promise<IndexSnapshot> {
  // efSearch is a query-time setting, so it does not key the cache.
  const { m, efConstruction } = config.hnsw;
  const key = cacheKey({ model: modelSignature(embedder), chunking: chunkingSignature(embedder, config.chunking), hnsw: { m, efConstruction } });
  const dir = path.join(PROJECT_ROOT, '.cache', 'eval', `${name}-${key}`);
  const corpus = await loadCorpus(corpusPath, { maxArticleBytes: config.maxArticleBytes });
  const bar = embedProgressBar();
  const started = performance.now();
  const report = await buildIndex({ articles: corpus.articles, embedder, dir, chunking: config.chunking, hnsw: config.hnsw, onProgress: bar.update });
  bar.stop();
  if (report.embeddedTexts > 0) console.error(formatBuildReport(report));
  const index = await loadIndex(dir, config.hnsw);
  console.error(`${name}: index ready in ${((performance.now() - started) / 1000).toFixed(1)} s (${index.chunks.length} chunks).`);
  return index;
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

function asker(embedder: Embedder, index: IndexSnapshot, mode: RetrievalMode): Ask {
  return async (question) => {
    const vector = await embedder.embedQuery(question);
    const retrieved = retrieve(index, question, vector, { mode, limit: 20 });
    return buildAnswer(index, question, vector, retrieved, { passages: 3, minEvidenceScore: 0 });
  };
}

async function collectAnswers(ask: Ask, index: IndexSnapshot, set: QuestionSet, extraNegatives: Answer[]): Promise<CollectedAnswers> {
  const answerable = [];
  for (const question of set.answerable) {
    answerable.push({ question, answer: await ask(question.question), spans: locateEvidence(question.evidence, index.articles.values()) });
  }
  const offTopic = [];
  for (const question of set.offTopic) offTopic.push({ question, answer: await ask(question.question) });
  return { answerable, offTopic, extraNegatives };
}

async function main(): Promise<void> {
  const { values, positionals } = parseCommandLine(
    {
      allowPositionals: true,
      options: { modes: { type: 'string' }, 'max-queries': { type: 'string' }, negatives: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
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
  const chunking = chunkingSignature(embedder, config.chunking);
  console.log(`Model ${embedder.modelId} (${embedder.dimension}-d, ${embedder.maxTokens} tokens); chunks ≤ ${chunking.maxTokens} tokens, overlap ${chunking.overlapSentences} sentence; HNSW M=${config.hnsw.m} efC=${config.hnsw.efConstruction} ef=${config.hnsw.efSearch}.\n`);

  // The shipped coverage and its two question sets.
  const index = await cachedIndex(config, embedder, 'coverage', config.corpusDir);
  const negatives = values.negatives ? (await loadDataset(values.negatives, path.join(PROJECT_ROOT, '.cache', 'eval'))).queries.filter((_, i) => i % 35 === 0).map((q) => q.text) : [];
  // The tuning set calibrates the threshold and the weights; the held-out set, written separately, shows
  // how far that tuning carries to new questions (docs/EVALUATION.md says what it was consulted for).
  const sets = [
    { name: 'tuning', file: 'questions.json' },
    { name: 'held-out', file: 'questions-holdout.json' },
  ].map((s) => ({ ...s, set: readQuestionSet(path.join(PROJECT_ROOT, 'eval', s.file)), rows: [] as string[][], sweeps: [] as string[] }));
  for (const mode of modes) {
    const ask = asker(embedder, index, mode);
    const negativeAnswers: Answer[] = [];
    for (const question of negatives) negativeAnswers.push(await ask(question));
    for (const { name, set, rows, sweeps } of sets) {
      const collected = await collectAnswers(ask, index, set, negativeAnswers);
      const at = scoreAt(collected, index.articles, config.retrieval.minEvidenceScore);
      rows.push([mode, pct(at.hitAt1), pct(at.hitAt3), pct(at.quoteHitAt3), pct(scoreAt(collected, index.articles, 0).hitAt3), pct(at.answered), pct(at.refusedOffTopic), at.refusedExtra === undefined ? '-' : pct(at.refusedExtra), at.misses.join(' '), at.unrefused.join(' ')]);
      const sweepRows = THRESHOLDS.map((t) => scoreAt(collected, index.articles, t)).map((s) => [num(s.threshold), pct(s.hitAt3), pct(s.answered), pct(s.refusedOffTopic), s.refusedExtra === undefined ? '-' : pct(s.refusedExtra)]);
      sweeps.push(`Threshold sweep, ${name} set, ${mode}:\n` + table(['threshold', 'hit@3', 'answered', 'off-topic refused', 'SQuAD refused'], sweepRows));
    }
  }
  for (const { name, file, set, rows, sweeps } of sets) {
    console.log(`\n${name} question set (eval/${file}): ${set.answerable.length} answerable, ${set.offTopic.length} off-topic${negatives.length ? `, ${negatives.length} SQuAD questions as extra off-corpus negatives` : ''}; evidence threshold ${config.retrieval.minEvidenceScore}.`);
    console.log(table(['mode', 'hit@1', 'hit@3', 'quote hit@3', 'hit@3 (no threshold)', 'answered', 'off-topic refused', 'SQuAD refused', 'misses at 3', 'off-topic answered'], rows));
    console.log('\n' + sweeps.join('\n\n'));
  }

  for (const dir of positionals) {
    const dataset = await loadDataset(dir, path.join(PROJECT_ROOT, '.cache', 'eval'));
    const result = await evaluateDataset(config, embedder, dataset, modes, maxQueries);
    console.log(`\n${dataset.name}: ${result.queries} queries, ${result.documents} documents, ${result.chunks} chunks (document score = best chunk).`);
    console.log(table(['dataset', 'mode', 'nDCG@10', 'R@10', 'R@100', 'MRR@10', 'latency/query'], result.rows));
  }
}

main().catch((error: unknown) => exitWithError(error));
