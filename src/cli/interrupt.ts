/**
 * Ctrl-C while the embed lock is held, for `npm run embed` (fetching, loading, building) and for the first
 * `npm run ask` (which builds the index): while listened to, SIGINT and SIGTERM abort a signal instead of ending
 * the process at once, so the fetch or build stops where it checks it (a fetch keeps what it saved, a build removes
 * what it staged) and the embed lock is released; then one line, and exit code 130.
 */
export interface Interrupt {
  signal: AbortSignal;
  /** Gives SIGINT and SIGTERM back their default (ending the process), e.g. once the build is done. */
  stop(): void;
}

export function listenForInterrupt(): Interrupt {
  const controller = new AbortController();
  const abort = () => controller.abort();
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  return {
    signal: controller.signal,
    stop() {
      process.off('SIGINT', abort);
      process.off('SIGTERM', abort);
    },
  };
}

/** The one line an interrupted build prints (`outcome`: what became of the index), then exit code 130 (128 + SIGINT). */
export function exitInterrupted(outcome: string): never {
  console.error(`Interrupted: ${outcome}.`);
  process.exit(130);
}
