/**
 * The benchmark report's targets (issue 10's, and recall at the defaults): each measured figure against its
 * target, and what the report says of 100,000 chunks when the run has no scale index (an estimate).
 */
import { mb, ms, table } from './measure.js';
import { postgresTarget } from './report-postgres.js';
import { embedTarget } from './report-embed-backends.js';
import type { Results, RunInfo, SizeResult } from './results.js';
import type { SweepRow } from './vectors.js';

/** The figures at 100,000 chunks: measured on the scale index, or estimated from the largest real index. */
export interface ScaleFigures {
  /** The largest index of real coverage (the scale index repeats the public sets). */
  largest: SizeResult;
  /** The synthetic index's row at the configured HNSW settings. */
  synthDefault?: SweepRow;
  /** The scale index's row, when the run built it. */
  measured100k?: SizeResult;
  /** The synthetic index's size over the largest real index's. */
  scale: number;
  estimate100k: number;
}

export function scaleFigures(r: Results): ScaleFigures {
  const { config } = r;
  const largest = r.sizes.filter((size) => !size.scaleIndex).at(-1)!;
  const syntheticDefaults = r.synthetic.rows.filter((row) => row.m === config.hnsw.m && row.efConstruction === config.hnsw.efConstruction);
  const synthDefault = syntheticDefaults.find((row) => row.efSearch === config.hnsw.efSearch);
  // At 100k chunks only the dense part is measured; the rest of a question is taken from the largest real
  // index, plus BM25's typical (p50) cost grown linearly with the chunk count (its posting lists grow with
  // the corpus). Scaling its p95 would mostly scale scheduling noise.
  const measured100k = r.sizes.find((size) => size.scaleIndex);
  const scale = r.synthetic.count / largest.chunks;
  const estimate100k = synthDefault
    ? largest.ask.p95 - largest.dense.p95 + synthDefault.latencyAtDepth.p95 + (scale - 1) * largest.lexical.p50
    : NaN;
  return { largest, synthDefault, measured100k, scale, estimate100k };
}

/** The "Targets" section of docs/BENCHMARKS.md. */
export function targetsSection(r: Results, how: RunInfo, { largest, synthDefault, measured100k, estimate100k }: ScaleFigures): string[] {
  const { config } = r;
  const s = r.synthetic;
  const realDefault = r.recall?.rows.find((row) => row.efSearch === config.hnsw.efSearch);
  return [
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
        measured100k
          ? [
              `local backend: warm p95 < 20 ms at 100,000 chunks`,
              `${ms(measured100k.ask.p95)} ms at ${measured100k.chunks.toLocaleString('en')} chunks (measured; BM25 ${ms(measured100k.lexical.p95)}, reader ${ms(measured100k.read.p95)}, dense ${ms(measured100k.dense.p95)}, embed question ${ms(measured100k.embedQuery.p95)})`,
              measured100k.ask.p95 < 20 ? 'yes' : 'no',
            ]
          : [
              `warm p95 < 20 ms at ${s.count.toLocaleString('en')} chunks`,
              `dense search alone p95 ${ms(synthDefault?.latencyAtDepth.p95 ?? NaN)} ms (synthetic, k=${how.pipelineDepth}); whole question ≈ ${ms(estimate100k)} ms (estimate); measured ask p95 ${ms(largest.ask.p95)} ms at ${largest.chunks} real chunks`,
              estimate100k < 20 ? 'yes (estimate)' : synthDefault && synthDefault.latencyAtDepth.p95 < 20 ? 'index part yes; whole question no' : 'no',
            ],
        ...postgresTarget(r.postgres),
        ...cold100k(r, how),
        ...embedTarget(r),
      ],
    ),
    '',
  ];
}

/** The targets on the scale index's cold start: ask process RSS ≤ 400 MB at 100k; first answer < 3 s at 27k. */
function cold100k(r: Results, how: RunInfo): string[][] {
  const rows: string[][] = [];
  const scale = r.cold.find((c) => r.sizes.find((s) => s.name === c.name)?.scaleIndex);
  if (scale?.childPeakRssKb) rows.push([`ask process peak RSS ≤ 400 MB at 100k chunks`, `${mb(scale.childPeakRssKb)} (${scale.name}, \`npm run ask\` cold)`, scale.childPeakRssKb <= 400 * 1024 ? 'yes' : 'no']);
  // A bot answers many questions: what its process holds once the bench's questions are answered, and its peak.
  const serving = r.sizes.find((s) => s.scaleIndex);
  if (serving) {
    const held = Math.max(serving.servingRssKb, serving.servingPeakRssKb ?? 0);
    const peak = serving.servingPeakRssKb === undefined ? '' : `, peak ${mb(serving.servingPeakRssKb)}`;
    rows.push([`answering process RSS ≤ 400 MB at 100k chunks, held after ${serving.questions + how.warmupQuestions} answers and at its peak`, `${mb(serving.servingRssKb)} held${peak} (${serving.name})`, held <= 400 * 1024 ? 'yes' : 'no']);
  }
  const real = r.cold.filter((c) => !r.sizes.find((s) => s.name === c.name)?.scaleIndex).at(-1);
  const realSize = real && r.sizes.find((s) => s.name === real.name);
  if (real && realSize) rows.push([`cold start to first answer < 3 s at ~27k chunks`, `${ms(real.firstAnswerMs)} ms at ${realSize.chunks.toLocaleString('en')} chunks (launcher + model + index + answer)`, real.firstAnswerMs < 3000 ? 'yes' : 'no']);
  return rows;
}
