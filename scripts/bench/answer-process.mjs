// @ts-check
/**
 * The bench's whole answers on one local index (or one database), in a process of its own that holds only that
 * index, as a bot or `npm run ask` does: the build they run (src/launch.mjs), no tsx. It reads the questions (a JSON array) on
 * stdin, answers the first `warmup` of them untimed, then every one timed, and prints one JSON line: each
 * answer's wall and CPU time (ms), and the process's RSS once they are answered (what a bot serving that
 * index holds) and at its peak (kB; null where the system does not say).
 *
 * Usage: node scripts/bench/answer-process.mjs <index folder> <warm-up questions> [DATABASE_URL]
 * (with a database address, the Postgres backend at that address instead of the local index).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureBuild } from '../../src/launch.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const [dir, warmupArg, databaseUrl] = process.argv.slice(2);
if (!dir || !warmupArg) throw new Error('usage: answer-process.mjs <index folder> <warm-up questions>');

let input = '';
for await (const chunk of process.stdin) input += chunk;
/** @type {string[]} */
const questions = JSON.parse(input);

const build = await ensureBuild(root);
/** @param {string} module */
const load = (module) => import(pathToFileURL(path.join(build, module)).href);
const { loadConfig } = await load('src/config.js');
const { openPipeline } = await load('src/pipeline.js');

// The bench's configuration (from the environment, as the bot's), on this index or database.
const pipeline = await openPipeline({ ...(await loadConfig()), embeddingsDir: path.resolve(dir), databaseUrl: databaseUrl || undefined });
const cpu = () => {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
};
for (const question of questions.slice(0, Number(warmupArg))) await pipeline.ask(question);
const wallMs = [];
const cpuMs = [];
for (const question of questions) {
  const start = performance.now();
  const startCpu = cpu();
  await pipeline.ask(question);
  wallMs.push(performance.now() - start);
  cpuMs.push(cpu() - startCpu);
}
const rssKb = Math.round(process.memoryUsage().rss / 1024);
// The peak of this process's own memory (Linux: VmHWM). Not getrusage's maxRSS, which a process keeps across
// exec: spawned from the bench, it starts at the bench's own RSS when it was forked (gigabytes by 100k).
const hwm = (() => {
  try {
    return /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  } catch {
    return undefined;
  }
})();
const peakRssKb = hwm === undefined ? null : Number(hwm);
await pipeline.close();
process.stdout.write(`${JSON.stringify({ wallMs, cpuMs, rssKb, peakRssKb })}\n`);
