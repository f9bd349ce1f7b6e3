/**
 * `npm run db:dev` as the bench runs it: the command itself (src/launch.mjs src/cli/db-dev.ts) in a process of its
 * own on a data folder, its DATABASE_URL read from the line it prints, stopped with Ctrl-C's signal as a user
 * stops it. The bench's Postgres rows reach the database through it as a bot does, the database's work apart from
 * the bench's own heap.
 */
import { spawn } from 'node:child_process';
import { PROJECT_ROOT } from '../../src/config.js';
import { NOT_WARMED, WARMED } from '../../src/db/warm-folder.js';

export interface DevServerProcess {
  url: string;
  /**
   * Settles once the server has read its tables' files into the system's file cache (src/db/warm-folder.ts), said it
   * could not, ended, or WARM_TIMEOUT_MS passed: the Postgres rows are timed warm, as their target says, and not on a
   * folder last read hours ago. Says which (pg-size.ts logs any but `read`).
   */
  warmed: Promise<'read' | 'not read' | 'ended' | 'timed out'>;
  /** SIGINT, then the process's end (it closes the database and unlocks the folder first). */
  stop(): Promise<void>;
}

/** How long the server may take to print its address (it opens the data folder first: about a second per 100 MB). */
const START_TIMEOUT_MS = 300_000;
/** How long the bench waits for the tables to be read ahead: a 100k folder's 1.25 GB at the 16 MB/s of a cold one. */
const WARM_TIMEOUT_MS = 120_000;

export function startDevServerProcess(dataDir: string): Promise<DevServerProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['src/launch.mjs', 'src/cli/db-dev.ts', '--dir', dataDir, '--port', '0'], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let started = false;
    const exited = new Promise<void>((done) => child.on('close', () => done()));
    type Warm = Awaited<DevServerProcess['warmed']>;
    let warmedSeen = (_: Warm) => {};
    const warmed = new Promise<Warm>((done) => {
      warmedSeen = done;
      void exited.then(() => done('ended'));
      setTimeout(() => done('timed out'), WARM_TIMEOUT_MS).unref();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`npm run db:dev on ${dataDir} printed no DATABASE_URL within ${START_TIMEOUT_MS / 1000} s: ${stderr.trim() || 'no message'}`));
    }, START_TIMEOUT_MS);
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr = (stderr + text).slice(-2_000);
      if (stderr.split('\n').some((line) => line.startsWith(WARMED))) warmedSeen('read');
      if (stderr.split('\n').some((line) => line.startsWith(NOT_WARMED))) warmedSeen('not read');
    });
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
      const url = /^DATABASE_URL=(\S+)$/m.exec(stdout)?.[1];
      if (!url || started) return;
      started = true;
      clearTimeout(timer);
      resolve({
        url,
        warmed,
        stop: async () => {
          child.kill('SIGINT');
          await exited;
        },
      });
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (!started) reject(new Error(`npm run db:dev on ${dataDir} ${signal ? `was ended by ${signal}` : `exited with ${code}`}: ${stderr.trim() || 'no message'}`));
    });
  });
}
