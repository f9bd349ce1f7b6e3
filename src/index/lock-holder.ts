/**
 * Whether the recorded holder of an embed lock has certainly stopped, so that its lock can be taken over at
 * once instead of when it expires (lock.ts).
 */
import os from 'node:os';

/** What holds the lock: a `npm run embed`, the bot's feed refresh, or the first build (`npm run ask`, the bot with no index yet). */
export type LockPurpose = 'embed' | 'feed refresh' | 'first build';

export interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
  /** Absent in records written before it was. */
  purpose?: LockPurpose;
}

/**
 * True when the holder ran on this host and no process has its pid any more (`kill(pid, 0)` fails with ESRCH).
 * A holder on another host (a shared disk) cannot be checked from here: its lock expires by time only.
 *
 * Pid reuse: a pid that another process has taken since counts as alive (as does a killed process not yet
 * reaped by its parent, or one of another user: EPERM), and the lock then expires by time as before. So the
 * check can only err towards waiting, never take a live holder for dead. Telling a reused pid apart by the
 * process's start time (the record's `startedAt`) would need /proc and the clock's tick rate on Linux and
 * something else elsewhere, for a rare case that costs a minute's wait: not done.
 */
export function holderIsGone(owner: LockOwner): boolean {
  if (owner.host !== os.hostname() || !Number.isSafeInteger(owner.pid) || owner.pid <= 0) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
