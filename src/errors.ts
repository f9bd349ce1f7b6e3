/**
 * The one error path of every entry point (CLI ask and embed, eval, bench, deploy-commands, the bot).
 * An expected failure is a `UserFacingError`: its message says what went wrong and how to fix it, and it is
 * printed as one `Error: …` line. File-system failures a user can act on (disk full, no permission, a file
 * where a folder should be, a read-only disk, too many open files) are turned into such messages here, in
 * one place. Anything else is a bug: one line says so, then its stack. Every failure exits with code 1.
 */
import escapeStringRegexp from 'escape-string-regexp';
import { sanitizeForTerminal } from './terminal.js';

/** An error whose message is meant for the user: cause and fix, one line, no stack trace. */
export class UserFacingError extends Error {
  override name = 'UserFacingError';
}

type FsError = NodeJS.ErrnoException & { dest?: string };

/** What each file-system error code means for the user, and what to do about it. */
const FS_MESSAGES: Record<string, (target: string, action: string) => string> = {
  ENOSPC: (target, action) => `No space left on the disk while trying to ${action} ${target}. Free some space (or point the setting at another disk) and run again.`,
  EDQUOT: (target, action) => `The disk quota is exhausted while trying to ${action} ${target}. Free some space and run again.`,
  EACCES: (target, action) => `Permission denied: cannot ${action} ${target}. Check the permissions of that path, or point the setting at a folder you can write to.`,
  EPERM: (target, action) => `Operation not permitted: cannot ${action} ${target}. Check the permissions of that path, or point the setting at a folder you can write to.`,
  ENOTDIR: (target, action) => `Cannot ${action} ${target}: a part of that path is a regular file, not a folder. Point the setting (CORPUS_DIR, EMBEDDINGS_DIR, MODELS_DIR, FEEDBACK_LOG) at a folder.`,
  EISDIR: (target, action) => `Cannot ${action} ${target}: it is a folder, and a file was expected there. Check the setting that names it.`,
  EEXIST: (target, action) => `Cannot ${action} ${target}: a file is there where a folder was expected. Point the setting (or the option) at a folder.`,
  EROFS: (target, action) => `Cannot ${action} ${target}: the file system is read-only. Point the setting (e.g. EMBEDDINGS_DIR) at a writable folder.`,
  EMFILE: (target, action) => `Too many open files while trying to ${action} ${target}. Raise the limit (ulimit -n) or close other programs, and run again.`,
  ENFILE: (target, action) => `The system has too many open files while trying to ${action} ${target}. Close other programs and run again.`,
  ENAMETOOLONG: (target, action) => `Cannot ${action} ${target}: the path is too long. Use a shorter folder path.`,
  ELOOP: (target, action) => `Cannot ${action} ${target}: too many levels of symbolic links. Check the links in that path.`,
};

const ACTIONS: Record<string, string> = {
  open: 'open',
  read: 'read',
  write: 'write',
  mkdir: 'create the folder',
  mkdtemp: 'create a folder in',
  rename: 'rename',
  unlink: 'remove',
  rmdir: 'remove',
  rm: 'remove',
  scandir: 'list the folder',
  opendir: 'list the folder',
  stat: 'read',
  lstat: 'read',
  copyfile: 'copy',
  fsync: 'write',
  utime: 'update',
  chmod: 'change the permissions of',
};

/** A user-facing message for a file-system error a user can act on, or undefined for anything else. */
export function fsErrorMessage(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code, path: target, syscall } = error as FsError;
  const message = code ? FS_MESSAGES[code] : undefined;
  if (!message) return undefined;
  const action = (syscall && ACTIONS[syscall]) ?? syscall ?? 'use';
  return message(target ?? 'a file', action);
}

/** The error as a UserFacingError when it is one or can be turned into one (file-system errors), else undefined. */
export function asUserFacing(error: unknown): UserFacingError | undefined {
  if (error instanceof UserFacingError) return error;
  const message = fsErrorMessage(error);
  return message === undefined ? undefined : new UserFacingError(message, { cause: error });
}

export interface ExitOptions {
  /** Masks secrets (the bot token) in what is printed. */
  redact?: (text: string) => string;
}

/** The password of an address as written there (percent-encoded) and as sent (decoded): what to mask. */
export function urlPasswordForms(url: string | undefined): string[] {
  let raw: string;
  try {
    raw = url ? new URL(url).password : '';
  } catch {
    return [];
  }
  if (!raw) return [];
  try {
    return [raw, decodeURIComponent(raw)];
  } catch {
    return [raw]; // a lone % is kept as it is
  }
}

/** The settings whose addresses may hold a password. */
const ADDRESSES_WITH_PASSWORDS = ['DATABASE_URL', 'FETCH_PROXY'] as const;

/** Masks the DATABASE_URL and FETCH_PROXY passwords wherever a failure's text might carry them. */
function withoutPasswords(text: string): string {
  return ADDRESSES_WITH_PASSWORDS.reduce((masked, name) => withoutPassword(masked, process.env[name]), text);
}

/** Masks the password of `url` (an address from the environment) in `text`. */
function withoutPassword(text: string, url: string | undefined): string {
  let names: string[] = [];
  try {
    const parsed = url ? new URL(url) : undefined;
    names = parsed ? [parsed.username, parsed.pathname.slice(1)].filter(Boolean) : [];
  } catch {
    // An address that does not parse has no password to find either (urlPasswordForms).
  }
  return urlPasswordForms(url).reduce((masked, form) => {
    // In an address (`user:password@`) always. Elsewhere only a password of 8 or more characters that is not
    // also the user's or the database's name: a short one ("p") masked in every word would show itself by the
    // gaps it leaves ("o***enPi***eline"), and "postgres" would hide the names that say what failed.
    const inAddress = masked.replace(new RegExp(`(:)${escapeStringRegexp(form)}(@)`, 'g'), '$1***$2');
    return form.length >= 8 && !names.includes(form) ? inAddress.split(form).join('***') : inAddress;
  }, text);
}

/** The lines printed for a failure: `Error: …` for an expected one, a bug notice and the stack otherwise. */
export function describeFailure(error: unknown, options: ExitOptions = {}): string {
  const redact = (text: string) => withoutPasswords(options.redact ? options.redact(text) : text);
  const expected = asUserFacing(error);
  if (expected) return `Error: ${sanitizeForTerminal(redact(expected.message))}`;
  const detail = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  return `Unexpected error: this is a bug in coverage-bot; please report it with the details below.\n${sanitizeForTerminal(redact(detail), { keepNewlines: true })}`;
}

/** Ends the process after a failure: one clear line for expected errors, the stack for bugs; exit code 1. */
export function exitWithError(error: unknown, options: ExitOptions = {}): never {
  console.error(describeFailure(error, options));
  process.exit(1);
}
