/**
 * `npm run db:dev` as the bench runs it: the command itself (src/launch.mjs src/cli/db-dev.ts) in a process of its
 * own on a data folder, its DATABASE_URL read from the line it prints, stopped with Ctrl-C's signal as a user
 * stops it. The bench's Postgres rows reach the database through it as a bot does, the database's work apart from
 * the bench's own heap.
 */
import { spawn } from 'node:child_process';
import { PROJECT_ROOT } from '../../src/config.js';

export interface DevServerProcess {
  url: string;
  /**
   * Settles once the server has read its tables' files into the system's file cache (src/db/warm-folder.ts) or said
   * it could not: the Postgres rows are timed warm, as their target says, and not on a folder last read hours ago.
   */
  warmed: Promise<void>;
  /** SIGINT, then the process's end (it closes the database and unlocks the folder first). */
  stop(): Promise<void>;
}

/** How long the server may take to print its address (it opens the data folder first: about a second per 100 MB). */
const START_TIMEOUT_MS = 300_000;

export function startDevServerProcess(dataDir: string): Promise<DevServerProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['src/launch.mjs', 'src/cli/db-dev.ts', '--dir', dataDir, '--port', '0'], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let started = false;
    const exited = new Promise<void>((done) => child.on('close', () => done()));
    let warmedSeen = () => {};
    const warmed = new Promise<void>((done) => {
      warmedSeen = done;
      void exited.then(done);
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`npm run db:dev on ${dataDir} printed no DATABASE_URL within ${START_TIMEOUT_MS / 1000} s: ${stderr.trim() || 'no message'}`));
    }, START_TIMEOUT_MS);
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr = (stderr + text).slice(-2_000);
      if (/^(Read the tables' files|Could not read the tables' files)/m.test(stderr)) warmedSeen();
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
