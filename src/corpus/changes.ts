/**
 * The article files of a corpus folder changed since a time: a stat of each file (no file is read), for the CLI's
 * note that the index is behind its corpus. Not for the bot's per-question path.
 */
import { promises as fs } from 'node:fs';
import { CorpusError, listArticleFiles } from './load.js';

/** The article files under `dir` (as listArticleFiles finds them) modified after `since` (ms); none when the folder cannot be read. */
export async function filesChangedSince(dir: string, since: number): Promise<string[]> {
  let files: string[];
  try {
    ({ files } = await listArticleFiles(dir));
  } catch (error) {
    if (error instanceof CorpusError) return [];
    throw error;
  }
  const changed: string[] = [];
  for (const file of files) {
    // A file removed since the folder was listed is left out.
    const stat = await fs.stat(file).catch(() => undefined);
    if (stat && stat.mtimeMs > since) changed.push(file);
  }
  return changed;
}
