/**
 * The bot's poll for a new index (written by `npm run embed`, or into the shared database from another machine):
 * every RELOAD_EVERY_MS the pipeline looks for one and loads it, questions in flight keeping theirs. A new version
 * that cannot be loaded (another model, damaged) leaves the one in use, with a warning. A database that cannot be
 * reached is said to be when an outage starts, then at most every WARNING_EVERY_MS (warnings.ts) while it lasts, not
 * at every poll; and when it answers again (with a version or an error), so is that. A second outage soon after the
 * first is said too, but not each drop of a database that keeps dropping: one line at most every
 * OUTAGE_LINES_MS, with the count of the brief outages in between (outageLog). A look for a new version that
 * fails otherwise (a password rotated, the database gone, a privilege taken away) is said with its cause, each cause
 * once and then at most every WARNING_EVERY_MS.
 */
import { isUnreachable } from '../index/coverage.js';
import { isCheckFailure, type Pipeline } from '../pipeline.js';
import { redact, type Logger } from './log.js';
import { titleSearchFor } from './title-search.js';
import { WARNING_EVERY_MS, warningDue } from './warnings.js';

export const RELOAD_EVERY_MS = 5_000;
/** Least time between two lines saying the database cannot be reached (outages in between are counted). */
export const OUTAGE_LINES_MS = 60_000;

export function describeIndex(pipeline: Pipeline): string {
  const { manifest, version } = pipeline.index;
  return `${manifest.counts.articles} articles, ${manifest.counts.chunks} chunks, model ${manifest.model.id}, index ${version}`;
}

/** Polls for a new index every `everyMs` (RELOAD_EVERY_MS) until the timer is cleared. */
export function watchIndex(pipeline: Pipeline, logger: Logger, everyMs = RELOAD_EVERY_MS): NodeJS.Timeout {
  let busy = false;
  // The version last said to be in use: a question can load one too (its own version deleted, pipeline.ts), and
  // the poll after it says so.
  let said = pipeline.index;
  const outages = outageLog(pipeline, logger, everyMs);
  const failed = (error: unknown) => {
    const message = redact(String((error as Error | undefined)?.message ?? error));
    // Any other failure came from a database that answered.
    if (!isUnreachable(error)) outages.reachable();
    if (!isUnreachable(error) && isCheckFailure(error)) {
      // No new index was found: the look for one failed, and fails the same way at every poll until it is fixed.
      const cause = (message.split('\n')[0] ?? '').trim().replace(/\.$/, '');
      const line = `The index could not be checked for a new version: ${cause}; still answering from index ${pipeline.index.version}`;
      if (warningDue(pipeline, line)) logger.warn(line);
    } else if (!isUnreachable(error)) {
      logger.warn('A new index was found but cannot be loaded; still using the previous one', { error: message });
    } else {
      outages.unreachable(message);
    }
  };
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    pipeline
      .reload()
      .then(
        () => {
          outages.reachable();
          if (pipeline.index === said) return;
          said = pipeline.index;
          logger.info(`Loaded the new index: ${describeIndex(pipeline)}`);
          try {
            titleSearchFor(pipeline.index);
          } catch (error) {
            // The index is in use: a failure here is no failure to load it, but a bug (/source's titles).
            logger.error('The new index is in use, but its titles could not be made searchable for /source (a bug)', { error });
          }
        },
        failed,
      )
      .catch((error: unknown) => logger.error('The poll for a new index failed (a bug)', { error }))
      .finally(() => {
        busy = false;
      });
  }, everyMs);
  timer.unref();
  return timer;
}

/**
 * What the poll says of the database's outages: each one when it starts (a poll finds it out of reach) and when it
 * ends (a poll reaches it again), and while one lasts, again every WARNING_EVERY_MS. An outage that starts within
 * OUTAGE_LINES_MS of the last outage line is said once OUTAGE_LINES_MS have passed since that line, if it lasts
 * that long; one over before then is not said (nor its end), but counted, and said by the next outage line or,
 * when the database keeps answering, by one line once OUTAGE_LINES_MS have passed. Times are the monotonic
 * clock's (performance.now), so a system clock set back does not silence an outage.
 */
function outageLog(pipeline: Pipeline, logger: Logger, everyMs: number) {
  /** Whether an outage is going on, and whether it was said. */
  let during = false;
  let said = false;
  /** When an outage line was last logged; outages since then not said. */
  let lastLine = -Infinity;
  let unsaid = 0;
  const brief = () => `out of reach ${unsaid === 1 ? 'once' : `${unsaid} times`}, briefly, since the last time this was said`;
  return {
    unreachable(message: string): void {
      const now = performance.now();
      during = true;
      // An outage said is said again after WARNING_EVERY_MS; one not said yet, once OUTAGE_LINES_MS have passed since the last line.
      if (now - lastLine < (said ? WARNING_EVERY_MS : OUTAGE_LINES_MS)) return;
      said = true;
      lastLine = now;
      const others = unsaid === 0 ? '' : ` (it was also ${brief()})`;
      unsaid = 0;
      logger.warn(
        `The database cannot be reached: still answering from index ${pipeline.index.version}, and looking for a new one every ${everyMs / 1000} s (this is said again every ${WARNING_EVERY_MS / 60_000} minutes while it lasts)${others}`,
        { error: message },
      );
    },
    /** A poll reached the database (it answered, with a version or with an error). */
    reachable(): void {
      if (during) {
        if (said) logger.info('The database answers again.');
        else unsaid++;
        during = false;
        said = false;
      }
      const now = performance.now();
      if (unsaid === 0 || now - lastLine < OUTAGE_LINES_MS) return;
      logger.info(`The database answers, and was ${brief()}.`);
      lastLine = now;
      unsaid = 0;
    },
  };
}
