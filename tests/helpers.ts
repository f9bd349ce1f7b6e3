/** Shared set-up for the suites: the real shipped model, the real corpus, indexes in temporary folders. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { configFromEnv, PROJECT_ROOT, type Config } from '../src/config.js';
import { loadCorpus } from '../src/corpus/load.js';
import type { Article } from '../src/corpus/types.js';
import { loadEmbedder, type Embedder } from '../src/embedder.js';
import { buildIndex, type BuildReport } from '../src/index/build.js';

/**
 * The shipped corpus the tests check answers over: a checked copy of articles/ as the repository ships it
 * (tests/global-setup.ts), so that coverage a user adds to articles/ changes no test.
 */
export const ARTICLES_DIR = process.env.COVERAGE_BOT_TEST_CORPUS ?? path.join(PROJECT_ROOT, 'articles');

const tempDirs = new Set<string>();
process.once('exit', () => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary folder, removed when the process ends. */
export function tempDir(prefix = 'coverage-bot-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

/** The default configuration with its folders pointed elsewhere. */
export function testConfig(env: Record<string, string> = {}): Config {
  return configFromEnv({ CORPUS_DIR: ARTICLES_DIR, EMBEDDINGS_DIR: tempDir('coverage-bot-index-'), ...env });
}

/** Runs `fn` as on a machine in time zone `zone` (Node reads TZ anew), then sets the zone back. */
export function inTimeZone<T>(zone: string, fn: () => T): T {
  const machine = process.env.TZ;
  process.env.TZ = zone;
  try {
    return fn();
  } finally {
    if (machine === undefined) delete process.env.TZ;
    else process.env.TZ = machine;
  }
}

let embedder: Promise<Embedder> | undefined;
/** The shipped model, loaded once per test file. */
export function sharedEmbedder(): Promise<Embedder> {
  embedder ??= loadEmbedder(configFromEnv({}).embedding);
  return embedder;
}

export async function shippedArticles(): Promise<Article[]> {
  return (await loadCorpus(ARTICLES_DIR)).articles;
}

export async function buildInto(config: Config, articles?: Article[], signal?: AbortSignal): Promise<BuildReport> {
  return buildIndex({
    articles: articles ?? (await shippedArticles()),
    embedder: await sharedEmbedder(),
    dir: config.embeddingsDir,
    chunking: config.chunking,
    hnsw: config.hnsw,
    signal,
  });
}

export const TSX = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');
/** What the npm scripts run an entry point with (src/cli/*.ts, commands/*.ts): its compiled build. */
export const LAUNCH = path.join(PROJECT_ROOT, 'src', 'launch.mjs');
/** The command that runs a project script as users run it: entry points through the launcher, test fixtures with tsx. */
export const scriptCommand = (script: string): string[] =>
  /^(src\/cli|commands)\//.test(script) ? [process.execPath, LAUNCH, path.join(PROJECT_ROOT, script)] : [TSX, path.join(PROJECT_ROOT, script)];

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a project script (e.g. `src/cli/embed.ts`) in a child process with a clean environment plus `env`,
 * as the npm scripts run it (scriptCommand).
 * `prefix` goes before the command: `setpriv …`, or `sh -c 'ulimit -n 64 && exec "$@"' sh`.
 * Asynchronous, so the test worker stays responsive to vitest while the script runs (a worker blocked in
 * a long synchronous spawn misses vitest's 60-second RPC deadline on a busy machine).
 */
export function runScript(script: string, args: string[], env: Record<string, string> = {}, options: { input?: string; prefix?: string[] } = {}): Promise<RunResult> {
  const [file, ...argv] = [...(options.prefix ?? []), ...scriptCommand(script), ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(file!, argv, { cwd: PROJECT_ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME, CORPUS_DIR: ARTICLES_DIR, ...env }, timeout: 120_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input);
  });
}
