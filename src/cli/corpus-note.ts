/**
 * `npm run ask`'s note that the local index is behind its corpus folder: article files added or changed since
 * the index was built (or since an embed last found nothing to do). ask answers from the index as it is, so a
 * question about them finds nothing; the note says what to run. A stat of each corpus file: once per run.
 */
import path from 'node:path';
import { PROJECT_ROOT, type Config } from '../config.js';
import { filesChangedSince } from '../corpus/changes.js';
import { corpusCheckedAt } from '../index/corpus-checked.js';
import { terminalLine } from '../terminal.js';
import { count } from './progress.js';

/** The folder as the user would name it: relative to the project when inside it. */
function shown(dir: string): string {
  const relative = path.relative(PROJECT_ROOT, dir);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : dir;
}

/** The note's line, or undefined when the index holds every file (or there is no index). */
export async function staleCorpusNote(config: Pick<Config, 'corpusDir' | 'embeddingsDir'>): Promise<string | undefined> {
  const since = await corpusCheckedAt(config.embeddingsDir);
  if (since === undefined) return undefined;
  const changed = await filesChangedSince(config.corpusDir, since);
  if (!changed || changed.length === 0) return undefined;
  return terminalLine(`Note: ${count(changed.length, 'article file')} in ${shown(config.corpusDir)}/ changed since the index was built: run npm run embed.`);
}
