/**
 * The bench's Postgres databases (and `npm run eval -- --backends local,postgres`'s): each local index copied
 * into a PGlite data folder in <cache>/postgres-<name> by a loader process of its own (pg-loader.ts), within a time budget, and reused
 * while the local index holds the same content (articles, model, chunking, annotations: a version written
 * again with another vector graph, say, keeps its copy). A load that runs over the budget is stopped, and one that
 * runs out of memory ends only its process; either way the size is "not measured", with what was measured
 * (time, CPU, memory, the loader's last words), and that outcome is recorded too, so that a rerun does not
 * spend the same budget again on the same index (a larger budget tries again).
 */
import { spawn } from 'node:child_process';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/config.js';
import { createHash } from 'node:crypto';
import { readMigrations } from '../../src/db/migrate.js';
import { readCurrentManifest } from '../../src/index/store.js';
import { readRecords, saveRecord } from './indexes.js';
import { log } from './measure.js';
import type { PostgresLoad, PostgresLoadFailure } from './results.js';

/** How long loading one index into PGlite may take before its size is reported "not measured" (`--pg-budget`). */
export const PG_LOAD_BUDGET_MINUTES = 15;
const LOADER = path.join(PROJECT_ROOT, 'scripts', 'bench', 'pg-loader.ts');
/** The loader's stderr kept for a failure's reason. */
const STDERR_KEPT = 4_000;

/** What the loader reports every few seconds. */
export interface LoaderProgress {
  doing: string;
  seconds: number;
  cpuSeconds: number;
  rssMb: number;
}

export type LoadOutcome = { dataDir: string; load: PostgresLoad; cached: boolean } | { notMeasured: string };

type LoaderRun = { done: Omit<PostgresLoad, 'builtAt' | 'source'> } | { reason: string };

/** CPU seconds a running process has used (Linux /proc; undefined elsewhere or once it is gone). */
function processCpuSeconds(pid: number): number | undefined {
  try {
    // Fields after the command name: state is the 3rd, utime and stime the 14th and 15th (clock ticks, 100 a second).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

const describeProgress = (p: LoaderProgress | undefined) =>
  p ? `its last report, at ${p.seconds.toFixed(0)} s: ${p.doing}, ${p.cpuSeconds.toFixed(0)} s CPU, RSS ${p.rssMb.toFixed(0)} MB` : 'no report from it';

/** Runs the loader on `indexDir` into `dataDir`; stops it after `budgetMs`. */
function runLoader(name: string, indexDir: string, dataDir: string, budgetMs: number): Promise<LoaderRun> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', LOADER, indexDir, dataDir], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let last: LoaderProgress | undefined;
    let done: Omit<PostgresLoad, 'builtAt' | 'source'> | undefined;
    let stopped: { cpuSeconds?: number } | undefined;
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
      const lines = stdout.split('\n');
      stdout = lines.pop()!;
      for (const line of lines.filter((l) => l.startsWith('{'))) {
        const message = JSON.parse(line) as { progress?: LoaderProgress; done?: Omit<PostgresLoad, 'builtAt' | 'source'> };
        if (message.done) done = message.done;
        if (message.progress) {
          // One line a minute in the bench's log.
          if (Math.floor(message.progress.seconds / 60) > Math.floor((last?.seconds ?? 0) / 60)) log(`  postgres-${name}: ${describeProgress(message.progress).replace(/^its last report, /, '')}`);
          last = message.progress;
        }
      }
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-STDERR_KEPT)));
    const timer = setTimeout(() => {
      stopped = { cpuSeconds: child.pid === undefined ? undefined : processCpuSeconds(child.pid) };
      child.kill('SIGKILL');
    }, budgetMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const seconds = (performance.now() - started) / 1000;
      if (stopped) {
        const cpu = stopped.cpuSeconds === undefined ? '' : `, ${stopped.cpuSeconds.toFixed(0)} s CPU`;
        const load = `load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores`;
        resolve({ reason: `loading into PGlite did not finish within the ${(budgetMs / 60_000).toFixed(budgetMs < 60_000 ? 2 : 0)}-minute budget (stopped after ${seconds.toFixed(0)} s${cpu}, ${load}; ${describeProgress(last)})` });
      } else if (code === 0 && done) {
        resolve({ done });
      } else {
        const words = stderr.trim().split('\n').filter((line) => line.trim()).slice(-3).join(' / ').slice(-600);
        resolve({ reason: `the loader ended with ${signal ?? `exit code ${code}`} after ${seconds.toFixed(0)} s (${describeProgress(last)}): ${words || 'no message'}` });
      }
    });
  });
}

/**
 * The PGlite data folder holding the live version of the local index `indexDir`, loaded now or earlier; or
 * why it is not there.
 */
export async function ensurePostgres(name: string, indexDir: string, options: { cacheDir: string; budgetMinutes: number }): Promise<LoadOutcome> {
  const { cacheDir, budgetMinutes } = options;
  const manifest = await readCurrentManifest(indexDir);
  if (!manifest) throw new Error(`No local index in ${indexDir} to load into PGlite.`);
  // What the database receives: the version's content, not how its local vector graph is stored; and the
  // schema it is written with (a migration may change how a version is written, e.g. its HNSW graph's build).
  const { model, chunking, annotator, counts, articles } = manifest;
  const schema = (await readMigrations()).map((m) => [m.name, m.sql]);
  const source = `content-${createHash('sha256').update(JSON.stringify({ model, chunking, annotator, counts, articles, schema })).digest('hex').slice(0, 16)}`;
  const records = path.join(cacheDir, 'postgres.json');
  const dataDir = path.join(cacheDir, `postgres-${name}`);
  const known = (await readRecords<PostgresLoad | PostgresLoadFailure>(records))[name];
  if (known?.source === source) {
    if ('reason' in known && known.budgetMinutes >= budgetMinutes) return { notMeasured: `${known.reason} [measured ${known.builtAt.slice(0, 16)}; cached]` };
    if (!('reason' in known) && existsSync(dataDir)) return { dataDir, load: known, cached: true };
  }
  const staging = `${dataDir}.loading`;
  await fs.rm(dataDir, { recursive: true, force: true });
  await fs.rm(staging, { recursive: true, force: true });
  await fs.mkdir(cacheDir, { recursive: true });
  log(`loading ${name} into PGlite (${path.relative(PROJECT_ROOT, dataDir)}, budget ${budgetMinutes} min)`);
  const run = await runLoader(name, indexDir, staging, budgetMinutes * 60_000);
  const builtAt = new Date().toISOString();
  if ('reason' in run) {
    await fs.rm(staging, { recursive: true, force: true });
    await saveRecord<PostgresLoadFailure>(records, name, { source, builtAt, budgetMinutes, reason: run.reason });
    log(`  postgres-${name}: not measured: ${run.reason}`);
    return { notMeasured: run.reason };
  }
  await fs.rename(staging, dataDir);
  const load: PostgresLoad = { ...run.done, source, builtAt };
  await saveRecord<PostgresLoad>(records, name, load);
  log(`  postgres-${name}: loaded ${load.chunks} chunks in ${load.seconds.toFixed(1)} s (${load.cpuSeconds.toFixed(1)} s CPU, peak RSS ${load.peakRssMb.toFixed(0)} MB)`);
  return { dataDir, load, cached: false };
}
