// A question embedded on the embedder's own question session (one ONNX Runtime thread, src/embedder.ts) against one
// embedded as the passages are, on the runtime's default threads (the same vector for this model, whose question
// and passage prefixes are both empty: tests/embedder.test.ts): the whole answer's wall and CPU time (user +
// system), then the embedding's own time, on one index folder.
// Usage: node --import tsx scripts/experiments/query-threads.ts [INDEX_DIR] (default .cache/bench/scifact)
import path from 'node:path';
import { loadConfig, PROJECT_ROOT } from '../../src/config.js';
import { openPipeline } from '../../src/pipeline.js';
import { readQueries } from '../bench/questions.js';
import { percentiles, timed } from '../bench/measure.js';

const dir = path.resolve(process.argv[2] ?? path.join(PROJECT_ROOT, '.cache', 'bench', 'scifact'));
const config = { ...(await loadConfig()), embeddingsDir: dir };
const questions = readQueries(path.join(PROJECT_ROOT, '..', 'shared', 'eval', 'scifact', 'queries.jsonl'), 820);
const pipeline = await openPipeline(config);
const { embedder } = pipeline;
if (embedder.profile.queryPrefix !== embedder.profile.passagePrefix) throw new Error('This comparison needs a model whose questions and passages are embedded alike.');
const ways = {
  'one thread (the question session)': embedder.embedQuery.bind(embedder),
  'default threads (the passages session)': async (text: string) => (await embedder.embedPassages([text]))[0]!,
};
type Way = keyof typeof ways;
const rows = Object.fromEntries(Object.keys(ways).map((way) => [way, { ask: [] as number[], cpu: [] as number[], embed: [] as number[] }])) as Record<Way, { ask: number[]; cpu: number[]; embed: number[] }>;
/** Blocks of 25 questions, the two ways alternating block by block: a neighbour's load falls on both alike. */
const BLOCK = 25;
const inBlocks = async (run: (way: Way, question: string) => Promise<void>) => {
  for (let start = 20, block = 0; start < questions.length; start += BLOCK, block++) {
    const way = Object.keys(ways)[block % 2] as Way;
    embedder.embedQuery = ways[way];
    for (const question of questions.slice(start, start + BLOCK)) await run(way, question);
  }
};
for (const question of questions.slice(0, 20)) await pipeline.ask(question);
// Each question asked once (asked again, it would find the reader's cache warm); then embedded alone.
await inBlocks(async (way, question) => {
  const { ms, cpuMs } = await timed(() => pipeline.ask(question));
  rows[way].ask.push(ms);
  rows[way].cpu.push(cpuMs);
});
await inBlocks(async (way, question) => void rows[way].embed.push((await timed(() => embedder.embedQuery(question))).ms));
const f = (x: number[]) => { const p = percentiles(x); return `${p.p50.toFixed(1)} / ${p.p95.toFixed(1)}`; };
console.log(`${pipeline.index.manifest.counts.chunks} chunks, ${questions.length - 20} questions, half each way; ms p50 / p95\n| question embedded on | ask (wall) | ask (CPU) | the embedding alone (wall) |\n|---|---|---|---|`);
for (const [way, r] of Object.entries(rows)) console.log(`| ${way} | ${f(r.ask)} | ${f(r.cpu)} | ${f(r.embed)} |`);
await pipeline.close();
