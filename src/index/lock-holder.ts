/**
 * Whether the recorded holder of an embed lock has certainly stopped, so that its lock can be taken over at
 * once instead of when it expires (lock.ts).
 */
import { readFileSync, readlinkSync } from 'node:fs';
import os from 'node:os';

/** What holds the lock: a `npm run embed`, the bot's feed refresh, or the first build (`npm run ask`, the bot with no index yet). */
export type LockPurpose = 'embed' | 'feed refresh' | 'first build';

export interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
  /** Absent in records written before it was. */
  purpose?: LockPurpose;
  /** The machine's boot (Linux: /proc/sys/kernel/random/boot_id), when it can be read. */
  bootId?: string;
  /** The holder's pid namespace (Linux: readlink /proc/self/ns/pid, e.g. `pid:[4026531836]`), when it can be read. */
  pidNamespace?: string;
}

function readOr(read: () => string): string | undefined {
  try {
    return read().trim() || undefined;
  } catch {
    return undefined;
  }
}

let here: { bootId?: string; pidNamespace?: string } | undefined;

/** This process's boot id and pid namespace, each undefined where it cannot be read (not Linux, no /proc). */
export function whereThisRuns(): { bootId?: string; pidNamespace?: string } {
  here ??= {
    bootId: readOr(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8')),
    pidNamespace: readOr(() => readlinkSync('/proc/self/ns/pid')),
  };
  return here;
}

/**
 * True when the holder's pid is one this process can check, and no process has it any more (`kill(pid, 0)`
 * fails with ESRCH). A pid can be checked only in the same pid namespace of the same boot: the record must
 * give both, equal to ours. A hostname alone is not enough: containers sharing one (or a hostname reused on
 * another machine with a shared disk) have pids of their own, and a live holder there would be taken for dead.
 * A holder that cannot be checked (another host, namespace or boot, or a record without them, or no /proc)
 * keeps its lock until it expires by time.
 *
 * Pid reuse within the namespace: a pid that another process has taken since counts as alive (as does a killed
 * process not yet reaped by its parent, or one of another user: EPERM), and the lock then expires by time as
 * before. Telling a reused pid apart by the process's start time would need the clock's tick rate, for a rare
 * case that costs a minute's wait: not done.
 */
export function holderIsGone(owner: LockOwner): boolean {
  if (owner.host !== os.hostname() || !Number.isSafeInteger(owner.pid) || owner.pid <= 0) return false;
  const { bootId, pidNamespace } = whereThisRuns();
  if (!bootId || !pidNamespace || owner.bootId !== bootId || owner.pidNamespace !== pidNamespace) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
