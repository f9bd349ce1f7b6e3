/**
 * Cold start: the ask CLI spawned against an existing index, timed from spawn to the answer on stdout and to
 * exit, with the peak RSS of the process tree (GNU time, when installed).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { PROJECT_ROOT } from '../../src/config.js';
// @ts-expect-error: plain JavaScript (it runs before anything is compiled), typed by its JSDoc only
import { ensureBuild } from '../../src/launch.mjs';
import { log, median, ms } from './measure.js';
import type { ColdStart } from './results.js';
import { scriptEnvironment } from './shipped.js';

/** One `node src/launch.mjs src/cli/ask.ts --json` process (what `npm run ask` runs): time from spawn to the answer on stdout, and to exit. */
function coldRun(dir: string, question: string): Promise<{ firstAnswerMs: number; exitMs: number; peakRssKb?: number }> {
  const command = [process.execPath, 'src/launch.mjs', 'src/cli/ask.ts', '--json', question];
  // GNU time reports the peak RSS of the process it waits for.
  const useTime = existsSync('/usr/bin/time');
  const [program, ...args] = useTime ? ['/usr/bin/time', '-f', 'BENCH_PEAK_RSS_KB=%M', ...command] : command;
  return new Promise((resolve, reject) => {
    const start = performance.now();
    let firstAnswerMs = NaN;
    let stdout = '';
    let stderr = '';
    const child = spawn(program!, args, { cwd: PROJECT_ROOT, env: { ...process.env, ...scriptEnvironment('ask'), EMBEDDINGS_DIR: dir }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (data: Buffer) => {
      if (Number.isNaN(firstAnswerMs)) firstAnswerMs = performance.now() - start;
      stdout += data.toString();
    });
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const exitMs = performance.now() - start;
      if (code !== 0) return reject(new Error(`ask CLI exited with ${code}: ${stderr.slice(-500)}`));
      try {
        JSON.parse(stdout);
      } catch {
        return reject(new Error(`ask CLI printed no JSON answer: ${stdout.slice(0, 200)}`));
      }
      const rss = /BENCH_PEAK_RSS_KB=(\d+)/.exec(stderr);
      resolve({ firstAnswerMs, exitMs, peakRssKb: rss ? Number(rss[1]) : undefined });
    });
  });
}

export async function benchColdStart(name: string, dir: string, question: string, repeats: number): Promise<ColdStart> {
  await ensureBuild(PROJECT_ROOT); // made once, as `npm ci` makes it: not part of any run
  const runs = [];
  for (let i = 0; i < repeats; i++) runs.push(await coldRun(dir, question));
  const result = {
    name,
    firstAnswerMs: median(runs.map((r) => r.firstAnswerMs)),
    exitMs: median(runs.map((r) => r.exitMs)),
    childPeakRssKb: runs[0]!.peakRssKb === undefined ? undefined : Math.max(...runs.map((r) => r.peakRssKb ?? 0)),
    runs: runs.length,
  };
  log(`  cold start ${name}: first answer ${ms(result.firstAnswerMs)} ms`);
  return result;
}
