/**
 * The pipeline as users run it: from the build that `npm run ask`, `npm start` and the bot's shards run
 * (src/launch.mjs, esbuild's type-stripping), not from the TypeScript tsx compiles as the bench loads. tsx keeps
 * every function's name, which costs in hot code that makes closures (an `Object.defineProperty` for each): on
 * 400 SciFact questions at 27k chunks, both in one process in alternating blocks, an answer took p50 / p95
 * 18.4 / 28.6 ms from tsx's output against 17.7 / 26.6 ms from the build. Whole answers and the reader are
 * timed on the build; the rest of the bench (building indexes, the stage timings of the retrievers on the
 * version loaded whole) runs the same code as tsx compiles it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PROJECT_ROOT } from '../../src/config.js';
// @ts-expect-error: plain JavaScript (it runs before anything is compiled), typed by its JSDoc only
import { ensureBuild } from '../../src/launch.mjs';

const build = (await ensureBuild(PROJECT_ROOT)) as string;
const load = <T>(module: string) => import(pathToFileURL(path.join(build, module)).href) as Promise<T>;

export const { openPipeline } = await load<typeof import('../../src/pipeline.js')>('src/pipeline.js');
export const { searchQuestion, RETRIEVE_LIMIT } = await load<typeof import('../../src/question-search.js')>('src/question-search.js');

/**
 * The environment an npm script sets before it starts node, read as sh reads it (`npm start` and `npm run ask` set
 * MALLOC_ARENA_MAX: docs/SCALING.md), for the bench's processes that stand for them. `NAME=value` is the script's
 * value; `NAME=${NAME:-value}` keeps the bench's own NAME when set and not empty. Words in front of the command
 * only, unquoted.
 */
export function scriptEnvironment(script: 'start' | 'ask'): Record<string, string> {
  const scripts = (JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const env: Record<string, string> = {};
  // Sticky: the assignments in front of the command only, one after the other.
  for (const [, name, value] of (scripts[script] ?? '').matchAll(/\s*([A-Z_][A-Z0-9_]*)=(\S+)\s+/gy)) {
    const fallback = /^\$\{([A-Z_][A-Z0-9_]*):-(.*)\}$/.exec(value!);
    if (!fallback) env[name!] = value!;
    else env[name!] = process.env[fallback[1]!] || fallback[2]!;
  }
  return env;
}
