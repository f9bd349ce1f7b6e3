/**
 * The article files of a corpus folder changed since a time: a stat of each file (no file is read), for the CLI's
 * note that the index is behind its corpus. Not for the bot's per-question path.
 */
import { promises as fs } from 'node:fs';
import { CorpusError, listArticleFiles } from './load.js';

/**
 * Past this many files the check is not made (undefined): at 100k files the stats took 2-4 s, longer than the
 * answer they would follow.
 */
export const CHANGES_MAX_FILES = 20_000;
/** Stats in flight at once. */
const PARALLEL = 64;
/**
 * How far a file's times may lag the clock `since` was read from: the kernel stamps files from a clock updated once a
 * tick (up to 10 ms at 100 Hz), so a file written just after `since` may be stamped just before it. Such a file is
 * counted changed: a note too many, which the next embed clears, rather than one missed.
 */
const FILE_CLOCK_LAG_MS = 20;

/**
 * The article files under `dir` (as listArticleFiles finds them) changed after `since` (ms): written, or put
 * there since, as their status-change time tells (a write sets it, and so does a copy that kept an older
 * modification time, `cp -p`, `rsync -a`, `mv`). Not the modification time: one set in the future (`touch -d`, an
 * archive made in another time zone) would say so until the clock passed it, whatever `npm run embed` did.
 * None when the folder cannot be read; undefined past CHANGES_MAX_FILES files.
 */
export async function filesChangedSince(dir: string, since: number): Promise<string[] | undefined> {
  let files: string[];
  try {
    ({ files } = await listArticleFiles(dir));
  } catch (error) {
    if (error instanceof CorpusError) return [];
    throw error;
  }
  if (files.length > CHANGES_MAX_FILES) return undefined;
  const changed: string[] = [];
  for (let at = 0; at < files.length; at += PARALLEL) {
    const batch = files.slice(at, at + PARALLEL);
    // A file removed since the folder was listed is left out.
    const stats = await Promise.all(batch.map((file) => fs.stat(file).catch(() => undefined)));
    stats.forEach((stat, i) => stat && stat.ctimeMs > since - FILE_CLOCK_LAG_MS && changed.push(batch[i]!));
  }
  return changed;
}
