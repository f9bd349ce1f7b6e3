/**
 * A restarted `npm run db:dev` reads its tables through the file system a page at a time (PGlite keeps 128 MB of
 * them in its own buffers), so its first questions wait on the disk: with the bench's 100k-chunk data folder
 * opened hours after it was last read, whole answers took p50 85 ms and p95 684 ms, against 27 / 40 ms on a
 * folder just written (docs/SCALING.md). Reading the tables' files once, in order, when the server starts
 * puts them in the system's file cache in a few seconds, and the pages the questions ask for are then found there.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** Where Postgres keeps the databases' tables and indexes, under its data folder (not the write-ahead log). */
export const TABLES_FOLDER = 'base';
/** Read a file this many bytes at a time. */
const READ_BYTES = 1 << 20;

export interface Warmed {
  files: number;
  bytes: number;
  ms: number;
}

/** How `npm run db:dev` says it has read the tables (the bench waits for one of the two lines). */
export const WARMED = "Read the tables' files";
export const NOT_WARMED = "Could not read the tables' files ahead";
export const warmedLine = ({ bytes, ms }: Warmed) => `${WARMED} (${(bytes / 1e6).toFixed(0)} MB) into the system's file cache in ${(ms / 1000).toFixed(1)} s.`;
export const notWarmedLine = (error: NodeJS.ErrnoException) => `${NOT_WARMED} (${error.code ?? error.message}); the first questions may be slower.`;

/** Adds every regular file under a folder to `files`, depth first (symbolic links are not followed); none when it does not exist. */
async function filesUnder(folder: string, files: string[]): Promise<string[]> {
  let entries;
  try {
    entries = await fs.readdir(folder, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return files;
    throw error;
  }
  for (const entry of entries) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) await filesUnder(full, files);
    else if (entry.isFile()) files.push(full);
  }
  return files;
}

/**
 * Reads every file of a Postgres data folder's tables once, to put them in the system's file cache; stops
 * between two reads when `signal` is aborted. A file removed meanwhile (a table dropped) is passed over.
 */
export async function warmDataFolder(dataDir: string, signal?: AbortSignal): Promise<Warmed> {
  const started = performance.now();
  const buffer = Buffer.allocUnsafe(READ_BYTES);
  let files = 0;
  let bytes = 0;
  for (const file of await filesUnder(path.join(dataDir, TABLES_FOLDER), [])) {
    if (signal?.aborted) break;
    let handle;
    try {
      handle = await fs.open(file, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    try {
      for (;;) {
        if (signal?.aborted) break;
        const { bytesRead } = await handle.read(buffer, 0, READ_BYTES, null);
        if (bytesRead === 0) break;
        bytes += bytesRead;
      }
    } finally {
      await handle.close();
    }
    files++;
  }
  return { files, bytes, ms: performance.now() - started };
}
