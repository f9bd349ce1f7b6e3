/**
 * Text bound for a terminal, made harmless: terminal escape sequences (colours, cursor moves, window titles,
 * hyperlinks, …) are removed with strip-ansi, then every remaining control character (C0, DEL, C1) and the
 * bidirectional overrides that can make text read differently from what it is. Article text, titles, file
 * names and questions come from outside, so the CLI passes everything it prints through here.
 */
import stripAnsi from 'strip-ansi';
import { CONTROL, CONTROL_KEEPING_NEWLINES } from './plain-text.js';

export interface SanitizeOptions {
  /** Keep line breaks (multi-line output); otherwise they become spaces, for one-line fields. */
  keepNewlines?: boolean;
}

export function sanitizeForTerminal(text: string, options: SanitizeOptions = { keepNewlines: true }): string {
  const stripped = stripAnsi(text).replace(/\r\n?/g, '\n');
  if (options.keepNewlines) return stripped.replace(CONTROL_KEEPING_NEWLINES, '');
  return stripped.replace(/\n/g, ' ').replace(CONTROL, '');
}

/** Text from outside made harmless for one line of a terminal: no escape sequences, no control characters, no line breaks. */
export const terminalLine = (text: string) => sanitizeForTerminal(text, { keepNewlines: false });

// JSON.stringify escapes C0 controls itself; these it leaves raw.
const JSON_UNSAFE = /[\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

/** JSON for a terminal: the same value, with DEL, C1 controls and bidi overrides written as \u escapes. */
export function terminalJson(value: unknown, space?: number): string {
  return JSON.stringify(value, null, space).replace(JSON_UNSAFE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Keeps the process quiet when whoever reads its standard output stops reading (`npm run ask < q.txt | head -1`):
 * Node would report EPIPE as an unhandled error, with its stack, where a command-line tool just stops.
 * Returns a signal aborted when the output is closed, for a loop to stop producing more (and stop waiting for
 * input). The process is not ended here: `process.exit` while the embedder runs on its native threads aborts
 * Node ("terminate called after throwing an instance of 'Napi::Error'"), so the caller finishes its step and returns.
 */
export function endOnClosedOutput(): AbortSignal {
  const closed = new AbortController();
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    // After EPIPE, every later write fails too (ERR_STREAM_DESTROYED): nobody is reading them.
    if (error.code !== 'EPIPE' && !closed.signal.aborted) throw error;
    closed.abort();
  });
  // Standard error too, when it goes down the same pipe (`npm run report 2>&1 | head -1`): a note written after
  // the reader left is no error of the run.
  process.stderr.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
  });
  return closed.signal;
}
