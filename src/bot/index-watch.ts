/**
 * The bot's poll for a new index (written by `npm run embed`, or into the shared database from another machine):
 * every RELOAD_EVERY_MS the pipeline looks for one and loads it, questions in flight keeping theirs. A new version
 * that cannot be loaded (another model, damaged) leaves the one in use, with a warning. A database that cannot be
 * reached is said to be, once and then at most every WARNING_EVERY_MS (warnings.ts), not at every poll; and when it
 * answers again, so is that. A look for a new version that fails otherwise (a password rotated, the database gone,
 * a privilege taken away) is said with its cause, each cause once and then at most every WARNING_EVERY_MS.
 */
import { isUnreachable } from '../index/coverage.js';
import { isCheckFailure, type Pipeline } from '../pipeline.js';
import { redact, type Logger } from './log.js';
import { titleSearchFor } from './title-search.js';
import { WARNING_EVERY_MS, warningDue } from './warnings.js';

export const RELOAD_EVERY_MS = 5_000;

export function describeIndex(pipeline: Pipeline): string {
  const { manifest, version } = pipeline.index;
  return `${manifest.counts.articles} articles, ${manifest.counts.chunks} chunks, model ${manifest.model.id}, index ${version}`;
}

/** Polls for a new index every `everyMs` (RELOAD_EVERY_MS) until the timer is cleared. */
export function watchIndex(pipeline: Pipeline, logger: Logger, everyMs = RELOAD_EVERY_MS): NodeJS.Timeout {
  let busy = false;
  /** The database was said to be out of reach, and not yet to answer again. */
  let outage = false;
  const failed = (error: unknown) => {
    const message = redact(String((error as Error).message ?? error));
    if (!isUnreachable(error) && isCheckFailure(error)) {
      // No new index was found: the look for one failed, and fails the same way at every poll until it is fixed.
      const cause = (message.split('\n')[0] ?? '').trim().replace(/\.$/, '');
      const line = `The index could not be checked for a new version: ${cause}; still answering from index ${pipeline.index.version}`;
      if (warningDue(pipeline, line)) logger.warn(line);
    } else if (!isUnreachable(error)) {
      logger.warn('A new index was found but cannot be loaded; still using the previous one', { error: message });
    } else if (warningDue(pipeline, 'database unreachable')) {
      outage = true;
      logger.warn(
        `The database cannot be reached: still answering from index ${pipeline.index.version}, and looking for a new one every ${everyMs / 1000} s (this is said again every ${WARNING_EVERY_MS / 60_000} minutes while it lasts)`,
        { error: message },
      );
    }
  };
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    pipeline
      .reload()
      .then((changed) => {
        if (outage) logger.info('The database answers again.');
        outage = false;
        if (changed) {
          titleSearchFor(pipeline.index);
          logger.info(`Loaded the new index: ${describeIndex(pipeline)}`);
        }
      })
      .catch(failed)
      .finally(() => {
        busy = false;
      });
  }, everyMs);
  timer.unref();
  return timer;
}
