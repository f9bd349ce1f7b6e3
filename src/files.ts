/** File-system helpers shared by the index store, its lock and the feedback log. */
import { promises as fs } from 'node:fs';
import path from 'node:path';

/**
 * `mkdir -p`, reporting the real cause when it fails: Node's recursive mkdir says ENOENT on a read-only
 * file system, so on ENOENT the first missing folder is created on its own to get the true error (EROFS,
 * EACCES, ENOTDIR, …).
 */
export async function ensureDir(dir: string): Promise<void> {
  try {
    await fs.mkdir(dir, { recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    let missing = path.resolve(dir);
    while (path.dirname(missing) !== missing && !(await exists(path.dirname(missing)))) missing = path.dirname(missing);
    await fs.mkdir(missing); // throws the real error
    throw error;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.stat(file);
    return true;
  } catch {
    return false;
  }
}
