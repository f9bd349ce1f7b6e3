/**
 * The embed lock: one build at a time writes an index folder. It is an exclusive lock taken with
 * proper-lockfile (an atomic `mkdir` of `<dir>/.embed.lock`, whose mtime the holder refreshes every few
 * seconds). A lock whose holder stopped refreshing it (killed, crashed, machine off) is stale after
 * `STALE_MS` and is taken over; one whose holder ran in this pid namespace of this boot and whose pid is gone
 * is taken over at once (lock-holder.ts), with a line saying so; a holder that finds its lock taken over is told so through `signal`, and its
 * build stops before touching the live index. Who holds the lock (pid, start time) is written beside it, for
 * the message the next run prints, and what it is doing (`purpose`: the bot's feed refresh is not an embed to wait for).
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { ensureDir } from '../files.js';
import { holderIsGone, whereThisRuns, type LockOwner, type LockPurpose } from './lock-holder.js';
import { IndexError } from './store.js';

export type { LockOwner, LockPurpose } from './lock-holder.js';

const LOCK_DIR = '.embed.lock';
const OWNER_FILE = '.embed.lock.json';
/** Left by versions that locked with a pid file. */
const LEGACY_LOCK = '.lock';
/**
 * A build blocks its event loop for long stretches (chunking, the native HNSW build), during which the lock
 * is not refreshed; a minute keeps such a build's lock from looking abandoned, and a killed run's lock expires
 * a minute after its last refresh. (A build that still blocks for longer can have its lock taken over: it then
 * stops, leaving the live index alone.)
 */
export const STALE_MS = 60_000;
const UPDATE_MS = 5_000;
/**
 * A dead holder's lock is removed only once it is this old: a lock folder younger than that may be a new one,
 * made by another run taking the same dead lock over a moment earlier (whose record is not written yet).
 * The dead holder refreshed its lock at most UPDATE_MS before it died, so this waits 2 s at most.
 */
const FRESH_MS = 2_000;

export interface IndexLock {
  /** Aborted (with an IndexError) if another process takes the lock over, e.g. after this one stalled. */
  signal: AbortSignal;
  release(): Promise<void>;
}

/** Removes `dir` and the folders above it up to `top` (those the lock made) while they are empty. */
async function removeEmptyFolders(dir: string, top: string): Promise<void> {
  for (let folder = path.resolve(dir); ; folder = path.dirname(folder)) {
    try {
      await fs.rmdir(folder);
    } catch {
      return; // not empty (an index was written), or gone: left as it is
    }
    if (folder === path.resolve(top) || path.dirname(folder) === folder) return;
  }
}

/** The holder's record; it is written just after the lock is taken, so a run that loses a close race waits for it briefly. */
async function readOwner(dir: string): Promise<LockOwner | undefined> {
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      return JSON.parse(await fs.readFile(path.join(dir, OWNER_FILE), 'utf8')) as LockOwner;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return undefined;
}

function describeOwner(owner: LockOwner | undefined): string {
  if (!owner) return 'pid unknown, started just now';
  const host = owner.host === os.hostname() ? '' : ` on ${owner.host}`;
  return `pid ${owner.pid}${host}, started at ${owner.startedAt}`;
}

function busy(dir: string, owner: LockOwner | undefined): IndexError {
  const who = describeOwner(owner);
  const what =
    owner?.purpose === 'feed refresh'
      ? `the bot's feed refresh (${who}) is fetching the feeds into the corpus and updating the index in ${dir}; try again in a minute.`
      : owner?.purpose === 'first build'
        ? `the first build of the index (${who}, for npm run ask or the bot) is writing the index in ${dir}. Wait for it to finish, then run again.`
        : `another embed is running (${who}) and writing the index in ${dir}. Wait for it to finish, then run again.`;
  return new IndexError(`${what} (A lock left by a killed run is taken over at once on the same machine and container, else ${STALE_MS / 1000} s after its last refresh.)`);
}

/**
 * Removes the lock folder of a holder found dead, once it is FRESH_MS old; false when, meanwhile, another run
 * took the lock over (the record names another holder). Between the last look and the removal another run
 * could still make a new lock folder, as in proper-lockfile's own takeover of a stale lock; that run then finds
 * its lock lost at its next refresh and stops before touching the live index.
 */
async function removeDeadLock(dir: string, holder: LockOwner): Promise<boolean> {
  const lockDir = path.join(dir, LOCK_DIR);
  for (;;) {
    const stat = await fs.stat(lockDir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (!stat) return true;
    const age = Date.now() - stat.mtimeMs;
    if (age >= FRESH_MS) {
      await fs.rmdir(lockDir).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, FRESH_MS - age));
    const now = await readOwner(dir);
    if (now?.pid !== holder.pid || now.startedAt !== holder.startedAt || now.host !== holder.host || now.pidNamespace !== holder.pidNamespace) return false;
  }
}

/**
 * Takes the embed lock of an index folder (creating the folder, which its release removes again when nothing was
 * written there: a first embed that failed leaves no empty folder behind), and clears what an interrupted run left
 * (staging folders, temporary files). Throws IndexError when another embed holds it.
 */
export async function lockIndex(dir: string, purpose: LockPurpose = 'embed'): Promise<IndexLock> {
  let created = await ensureDir(dir);
  const controller = new AbortController();
  const options: lockfile.LockOptions = {
    lockfilePath: path.join(dir, LOCK_DIR),
    realpath: false,
    stale: STALE_MS,
    update: UPDATE_MS,
    retries: 0,
    onCompromised: (error) =>
      controller.abort(new IndexError(`The embed lock on ${dir} was lost (${error.message}): another embed took it over, so this one stopped. Run it again when that one has finished.`)),
  };
  let releaseLock: () => Promise<void>;
  try {
    releaseLock = await lockfile.lock(dir, options).catch(async (error: NodeJS.ErrnoException) => {
      // The folder was removed between making it and locking it: a failed first embed's release (removeEmptyFolders).
      if (error.code !== 'ENOENT') throw error;
      created = (await ensureDir(dir)) ?? created;
      return lockfile.lock(dir, options);
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    const holder = await readOwner(dir);
    if (!holder || !holderIsGone(holder) || !(await removeDeadLock(dir, holder))) throw busy(dir, holder);
    console.error(`Taking over the embed lock on ${dir}: its holder (${describeOwner(holder)}) is no longer running.`);
    try {
      releaseLock = await lockfile.lock(dir, options);
    } catch (again) {
      if ((again as NodeJS.ErrnoException).code !== 'ELOCKED') throw again;
      throw busy(dir, await readOwner(dir));
    }
  }
  // Where the pid is valid (boot, pid namespace), so a run that can check it takes the lock of a dead holder at once.
  const owner: LockOwner = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString(), purpose, ...whereThisRuns() };
  const ownerTmp = path.join(dir, `${OWNER_FILE}.${process.pid}.tmp`);
  await fs.writeFile(ownerTmp, JSON.stringify(owner));
  await fs.rename(ownerTmp, path.join(dir, OWNER_FILE));
  // What a killed run left: only names this project gives (hidden, as writeFlushed and the staging folder
  // are), so files of the user's own in a shared EMBEDDINGS_DIR ("notes.tmp") are never touched.
  for (const name of await fs.readdir(dir)) {
    if (name.startsWith('.staging-') || (name.startsWith('.') && name.endsWith('.tmp')) || name === LEGACY_LOCK) await fs.rm(path.join(dir, name), { recursive: true, force: true });
  }
  return {
    signal: controller.signal,
    async release() {
      // A lock that was taken over is not ours to remove, nor its new holder's record.
      if (controller.signal.aborted) return;
      await fs.rm(path.join(dir, OWNER_FILE), { force: true });
      await releaseLock();
      if (created) await removeEmptyFolders(dir, created);
    },
  };
}
