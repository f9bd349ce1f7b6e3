/**
 * When the local index was last known to hold the corpus as it is: the time of its CURRENT pointer, set to when the
 * build that made a version live began (its articles read just before), and again by a build that finds nothing
 * changed and writes nothing.
 * `npm run ask` compares the corpus files' times with it (src/cli/corpus-note.ts).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { POINTER } from './store.js';

/**
 * Best effort: setting a file's times takes owning it, and an embed run by another user of a shared index (whose
 * CURRENT it may rewrite, not re-time) must not fail for a note; the note may then come once more than needed.
 */
export async function markCorpusChecked(dir: string, asOf: number = Date.now()): Promise<void> {
  const at = new Date(asOf);
  await fs.utimes(path.join(dir, POINTER), at, at).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPERM' && error.code !== 'EACCES') throw error;
  });
}

/** In milliseconds; undefined when there is no index. */
export async function corpusCheckedAt(dir: string): Promise<number | undefined> {
  const stat = await fs.stat(path.join(dir, POINTER)).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  return stat?.mtimeMs;
}
