/** How long the project waits on a database, and how many connections it keeps to one (connect.ts, failures.ts). */

/** How long a connection attempt may take before it counts as failed. */
export const CONNECT_TIMEOUT_MS = 5_000;
/**
 * How long one of a question's queries may take, or one of those that open the live version or look for a new one
 * (the bot's poll): a connection that goes silent (a network that drops it without a word, a server that hangs)
 * answers the question with an error to try again, not with no end, and does not hold the poll for ever.
 */
export const QUESTION_TIMEOUT_MS = 30_000;
/**
 * Connections per process: a question's searches run side by side, and a build holds one for its lock.
 * (`npm run db:dev` serves any number, running one exchange at a time.)
 */
export const POOL_SIZE = 4;
