/** What `npm run bench` prints at the end of a run: the JSON summary of `--json`, or tables on the console. */
import { fmt } from './measure.js';
import { postgresJson, printPostgres } from './report-postgres.js';
import type { Results, RunInfo, SizeResult } from './results.js';

/** The machine-readable summary printed by `npm run bench -- --json`. */
export function jsonSummary(r: Results): object {
  const row = (s: SizeResult) => ({
    backend: s.backend,
    index: s.name,
    chunks: s.chunks,
    scaleIndex: s.scaleIndex,
    p50Ms: s.ask.p50,
    p95Ms: s.ask.p95,
    cpuP50Ms: s.askCpu.p50,
    cpuP95Ms: s.askCpu.p95,
    servingRssMb: s.servingRssKb / 1024,
    servingPeakRssMb: s.servingPeakRssKb === undefined ? null : s.servingPeakRssKb / 1024,
    stages: { embedQueryP95Ms: s.embedQuery.p95, denseP95Ms: s.dense.p95, lexicalP95Ms: s.lexical.p95, prepareP95Ms: s.prepare.p95, readP95Ms: s.read.p95 },
  });
  return {
    machine: r.machine,
    ask: [...r.sizes.map(row), ...postgresJson(r.postgres)],
    cold: r.cold.map((c) => ({ index: c.name, firstAnswerMs: c.firstAnswerMs, exitMs: c.exitMs, peakRssMb: c.childPeakRssKb ? c.childPeakRssKb / 1024 : null })),
    embedBackends: r.embedBackends.map((e) => ({ backend: e.backend, round: e.round, articles: e.articles, texts: e.texts, seconds: e.ms / 1000, cpuSeconds: e.cpuMs / 1000 })),
    reembed: r.reembed.map((e) => ({ index: e.name, chunks: e.chunks, change: e.change, embeddedTexts: e.embeddedTexts, vectorIndex: e.vectorIndex, seconds: e.ms / 1000, cpuSeconds: e.cpuMs / 1000 })),
    embedding: r.embedding.rows,
    seconds: r.seconds,
  };
}

export function printSummary(r: Results, how: RunInfo): void {
  console.log('\nEmbedding throughput (chunks/s)');
  console.table(r.embedding.rows.map((row) => ({ batch: row.batchSize, project: +row.project.toFixed(1), ceiling: +row.ceiling.toFixed(1), '%': +((row.project / row.ceiling) * 100).toFixed(0), tokenizer: +row.tokenizer.toFixed(0) })));
  console.log('Warm latency, ms (p50 / p95 / p99)');
  console.table(r.sizes.map((s) => ({ index: s.name, chunks: s.chunks, ask: fmt(s.ask), 'ask CPU': fmt(s.askCpu), embed: fmt(s.embedQuery), dense: fmt(s.dense), bm25: fmt(s.lexical), question: fmt(s.prepare), reader: fmt(s.read), 'reader again': fmt(s.readAgain), 'load ms': +s.loadMs.toFixed(0), 'build s': s.build ? +s.build.seconds.toFixed(1) : '?' })));
  printPostgres(r.postgres);
  if (r.recall) {
    console.log(`recall@10, real vectors (${r.recall.name})`);
    console.table(r.recall.rows.map((row) => ({ efSearch: row.efSearch, recall: +row.recall.toFixed(4), 'ms p50/p95/p99': fmt(row.latency) })));
  }
  for (const run of [r.synthetic, r.sweep]) {
    console.log(`HNSW, synthetic vectors (index part only), ${run.count} x ${run.dimension}-d`);
    console.table(run.rows.map((row) => ({ M: row.m, efC: row.efConstruction, 'build s': +row.buildSeconds.toFixed(1), ef: row.efSearch, recall: +row.recall.toFixed(3), 'k=10 ms': fmt(row.latency), [`k=${how.pipelineDepth} ms`]: fmt(row.latencyAtDepth) })));
  }
  console.log('Cold start');
  console.table(r.cold.map((c) => ({ index: c.name, 'first answer ms': +c.firstAnswerMs.toFixed(0), 'exit ms': +c.exitMs.toFixed(0), 'peak RSS MB': c.childPeakRssKb ? +(c.childPeakRssKb / 1024).toFixed(0) : '–' })));
  if (r.reembed.length) console.table(r.reembed.map((e) => ({ index: e.name, change: e.change, 'texts embedded': e.embeddedTexts, 'vector index': e.vectorIndex, 'wall s': +(e.ms / 1000).toFixed(1), 'CPU s': +(e.cpuMs / 1000).toFixed(1) })));
}

// -------------------------------------------------------------------------------------------------- main

