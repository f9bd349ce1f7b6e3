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

// JSON.stringify escapes C0 controls itself; these it leaves raw.
const JSON_UNSAFE = /[\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

/** JSON for a terminal: the same value, with DEL, C1 controls and bidi overrides written as \u escapes. */
export function terminalJson(value: unknown, space?: number): string {
  return JSON.stringify(value, null, space).replace(JSON_UNSAFE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Ends the process quietly when whoever reads its standard output stops reading (`npm run ask < q.txt | head -1`):
 * Node then reports EPIPE as an unhandled error, with its stack, where a command-line tool just stops.
 */
export function endOnClosedOutput(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
}
