/**
 * Logging for the bot: one line per event with its context. Secrets never reach the log: the bot token and
 * the interaction tokens inside Discord URLs are masked in every message and stack.
 */
export type LogMeta = Record<string, unknown>;

export interface Logger {
  info(message: string, meta?: LogMeta): void;
  warn(message: string, meta?: LogMeta): void;
  error(message: string, meta?: LogMeta): void;
}

const secrets = new Set<string>();

/** Registers a value (the bot token) that must never appear in a log line. */
export function registerSecret(value: string | undefined): void {
  if (value) secrets.add(value);
}

export function redact(text: string): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join('[redacted]');
  // Interaction tokens travel in URL paths: /interactions/{id}/{token} and /webhooks/{app id}/{token}.
  return out.replace(/\/(interactions|webhooks)\/(\d+)\/[\w.-]{20,}/g, '/$1/$2/[redacted]');
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return redact(error.stack ?? `${error.name}: ${error.message}`);
  return redact(String(error));
}

function format(meta: LogMeta | undefined): string {
  if (!meta) return '';
  const parts = Object.entries(meta)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => (k === 'error' ? `\n${describeError(v)}` : ` ${k}=${redact(typeof v === 'string' ? v : JSON.stringify(v))}`));
  return parts.join('');
}

export const consoleLogger: Logger = {
  info: (message, meta) => console.log(`${new Date().toISOString()} ${redact(message)}${format(meta)}`),
  warn: (message, meta) => console.warn(`${new Date().toISOString()} WARN ${redact(message)}${format(meta)}`),
  error: (message, meta) => console.error(`${new Date().toISOString()} ERROR ${redact(message)}${format(meta)}`),
};
