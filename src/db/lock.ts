/**
 * The embed lock of a database: one build at a time writes the coverage. A session-level advisory lock
 * (pg_try_advisory_lock, released by the server when the connection drops) keeps a second embed out of a
 * real Postgres, and is all it takes there. Where every connection shares one session (PGlite, `npm run
 * db:dev`) an advisory lock would be granted twice, so the embed_lock row decides: its holder refreshes it,
 * and a row not refreshed for STALE_MS (a killed run) or taken before the server restarted is free. A
 * holder that finds its row taken over stops its build (through `signal`) before it writes.
 */
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { IndexLock } from '../index/lock.js';
import { STALE_MS } from '../index/lock.js';
import { IndexError } from '../index/store.js';

/** The advisory lock key of the embed ("cov" "e"). */
export const EMBED_LOCK_KEY = 0x636f7665;
const UPDATE_MS = 5_000;

interface Holder {
  pid: number | null;
  host: string | null;
  started_at: Date | null;
}

function busy(where: string, holder: Holder | undefined): IndexError {
  const who = holder?.pid ? `pid ${holder.pid}${holder.host && holder.host !== os.hostname() ? ` on ${holder.host}` : ''}, started at ${holder.started_at?.toISOString()}` : 'pid unknown';
  return new IndexError(
    `another embed is running (${who}) and writing the coverage in the ${where}. Wait for it to finish, then run again. ` +
      `(A run that was killed leaves a lock that expires ${STALE_MS / 1000} s later.)`,
  );
}

/** Takes the embed lock of the database; throws IndexError naming the holder when another embed has it. */
export async function lockDatabase(pool: pg.Pool, where: string): Promise<IndexLock> {
  const client = await pool.connect();
  const token = randomUUID();
  const controller = new AbortController();
  const lost = (error: Error) => controller.abort(new IndexError(`The connection to the ${where} was lost during the embed (${error.message}); the coverage was not changed. Run it again.`));
  // A held connection that breaks reports it here (an unhandled 'error' event would end the process).
  client.on('error', lost);
  /** Back to the pool without this lock's listener (the pool reuses the connection). */
  const giveBack = (error?: Error) => {
    client.off('error', lost);
    client.release(error);
  };
  let locked = false;
  try {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [EMBED_LOCK_KEY]);
    locked = rows[0]!.locked;
    if (!locked) throw busy(where, (await client.query<Holder>('SELECT pid, host, started_at FROM embed_lock')).rows[0]);
    const shared = (await client.query<{ version: string }>('SELECT version()')).rows[0]!.version.includes('PGlite');
    const claimed = await client.query(
      `UPDATE embed_lock SET holder = $1, pid = $2, host = $3, started_at = now(), heartbeat = now(), server_started = pg_postmaster_start_time()
       WHERE NOT $5 OR holder IS NULL OR heartbeat < now() - make_interval(secs => $4) OR server_started IS DISTINCT FROM pg_postmaster_start_time()`,
      [token, process.pid, os.hostname(), STALE_MS / 1000, shared],
    );
    if (claimed.rowCount === 0) throw busy(where, (await client.query<Holder>('SELECT pid, host, started_at FROM embed_lock')).rows[0]);
  } catch (error) {
    // However taking it failed, a granted advisory lock is given back: a pooled connection would keep it.
    // If that fails too, the connection is closed instead, which frees it on a real server.
    const unlocked = !locked || (await client.query('SELECT pg_advisory_unlock($1)', [EMBED_LOCK_KEY]).then(() => true, () => false));
    giveBack(unlocked ? undefined : (error as Error));
    throw error;
  }
  // One beat at a time: a beat still waiting (behind the write, on a server that runs one query at a time, such
  // as db:dev) is not joined by the next, which pg would queue with a deprecation warning.
  let beating = false;
  const timer = setInterval(() => {
    if (beating) return;
    beating = true;
    client
      .query('UPDATE embed_lock SET heartbeat = now() WHERE holder = $1', [token])
      .then(({ rowCount }) => {
        if (rowCount === 0) controller.abort(new IndexError(`The embed lock of the ${where} was taken over by another embed, so this one stopped. Run it again when that one has finished.`));
      })
      .catch(lost)
      .finally(() => {
        beating = false;
      });
  }, UPDATE_MS);
  timer.unref();
  return {
    signal: controller.signal,
    async release() {
      clearInterval(timer);
      try {
        await client.query('UPDATE embed_lock SET holder = NULL WHERE holder = $1', [token]);
        await client.query('SELECT pg_advisory_unlock($1)', [EMBED_LOCK_KEY]);
        giveBack();
      } catch (error) {
        giveBack(error as Error);
      }
    },
  };
}
