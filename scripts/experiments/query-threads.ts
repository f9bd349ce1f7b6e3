// A question embedded on the embedder's own question session (QUERY_THREADS, src/embedder.ts) against one embedded
// as the passages are, on ONNX Runtime's default threads (the same bits for this model: tests/embedder.test.ts):
// the whole answer's wall and CPU time (user + system), and the embedding's own, on one index folder.
// Usage: node --import tsx scripts/experiments/query-threads.ts [INDEX_DIR] (default .cache/bench/scifact)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, PROJECT_ROOT } from '../../src/config.js';
import { openPipeline } from '../../src/pipeline.js';
import { percentiles } from '../bench/measure.js';

const dir = path.resolve(process.argv[2] ?? path.join(PROJECT_ROOT, '.cache', 'bench', 'scifact'));
const config = { ...(await loadConfig()), embeddingsDir: dir };
const questions = readFileSync(path.join(PROJECT_ROOT, '..', 'shared', 'eval', 'scifact', 'queries.jsonl'), 'utf8').split('\n').filter(Boolean).slice(0, 820).map((l) => (JSON.parse(l) as { text: string }).text);
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const pipeline = await openPipeline(config);
const { embedder } = pipeline;
const ownSession = embedder.embedQuery.bind(embedder);
const passageSession = async (text: string) => (await embedder.embedPassages([text]))[0]!;
const rows = { 'question session (1 thread)': { ask: [] as number[], cpu: [] as number[], embed: [] as number[] }, 'passage session (default threads)': { ask: [] as number[], cpu: [] as number[], embed: [] as number[] } };
// Blocks of 25 questions, each question asked once (a question asked again would find the reader's cache warm),
// the two ways alternating block by block after 20 warm-up questions: a neighbour's load falls on both alike.
for (const q of questions.slice(0, 20)) await pipeline.ask(q);
const BLOCK = 25;
for (let start = 20, block = 0; start < questions.length; start += BLOCK, block++) {
  const name = block % 2 === 0 ? 'question session (1 thread)' : 'passage session (default threads)';
  embedder.embedQuery = block % 2 === 0 ? ownSession : passageSession;
  for (const q of questions.slice(start, start + BLOCK)) {
    const w = performance.now(), c = cpu();
    await pipeline.ask(q);
    rows[name].ask.push(performance.now() - w);
    rows[name].cpu.push(cpu() - c);
    const e = performance.now();
    await embedder.embedQuery(q);
    rows[name].embed.push(performance.now() - e);
  }
}
const f = (x: number[]) => { const p = percentiles(x); return `${p.p50.toFixed(1)} / ${p.p95.toFixed(1)}`; };
console.log(`${pipeline.index.manifest.counts.chunks} chunks, ${questions.length - 20} questions, half each way; ms p50 / p95\n| question embedded on | ask (wall) | ask (CPU) | embed question (wall) |\n|---|---|---|---|`);
for (const [name, r] of Object.entries(rows)) console.log(`| ${name} | ${f(r.ask)} | ${f(r.cpu)} | ${f(r.embed)} |`);
await pipeline.close();
