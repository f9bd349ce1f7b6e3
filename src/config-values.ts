/**
 * Reading one setting from the environment: each reader trims, checks the value against what the setting
 * accepts, and throws a ConfigError naming the variable and what it expected. config.ts decides which
 * variables there are.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserFacingError } from './errors.js';

/** The nearest folder at or above `dir` that holds package.json. */
function packageRoot(dir: string): string {
  for (let at = dir; ; at = path.dirname(at)) {
    if (existsSync(path.join(at, 'package.json'))) return at;
    if (path.dirname(at) === at) throw new Error(`No package.json above ${dir}`);
  }
}

/**
 * The project folder: relative paths in settings are read from here. Found from this file upwards, so that it
 * is the same whether this runs from src/ or from a build of it in dist/ (src/launch.mjs).
 */
export const PROJECT_ROOT = packageRoot(path.dirname(fileURLToPath(import.meta.url)));

export class ConfigError extends UserFacingError {
  override name = 'ConfigError';
}

export type Env = Record<string, string | undefined>;
// Each reader takes the names of its environment's type only: config.ts reads `Settings` (settings.ts), so a
// name that list lacks fails the type check.

export function text<E extends Env>(env: E, name: keyof E & string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/** Prefixes are kept verbatim (a trailing space matters), but an empty value means "none set". */
export function rawText<E extends Env>(env: E, name: keyof E & string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

/** A whole number written in digits, else NaN: Number() also reads "0x3", "1e1", "" and " " as numbers. */
export const wholeNumber = (raw: string): number => (/^[+-]?\d+$/.test(raw.trim()) ? Number(raw) : NaN);

export function integer<E extends Env>(env: E, name: keyof E & string, fallback: number | undefined, min: number, max: number): number | undefined {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const value = wholeNumber(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max} (got "${raw}").`);
  }
  return value;
}

export function decimal<E extends Env>(env: E, name: keyof E & string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a number from ${min} to ${max} (got "${raw}").`);
  }
  return value;
}

export function boolean<E extends Env>(env: E, name: keyof E & string, fallback: boolean): boolean {
  const raw = text(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false (got "${raw}").`);
}

export function oneOf<T extends string, E extends Env>(env: E, name: keyof E & string, allowed: readonly T[], fallback: T): T {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')} (got "${raw}").`);
  }
  return raw as T;
}

/** A path setting (a folder or a file), resolved from the project's folder. */
export function directory<E extends Env>(env: E, name: keyof E & string, fallback: string): string {
  return path.resolve(PROJECT_ROOT, text(env, name) ?? fallback);
}

/**
 * A folder setting: refused when the path is there but is not a folder (a file set by mistake as CORPUS_DIR
 * would have been indexed alone, and every article of the live coverage removed).
 */
export function folder<E extends Env>(env: E, name: keyof E & string, fallback: string): string {
  const dir = directory(env, name, fallback);
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(dir, { throwIfNoEntry: false });
  } catch {
    // Unreachable (a file above it, no permission): the step that uses it says why, in its words.
    return dir;
  }
  if (stat && !stat.isDirectory()) throw new ConfigError(`${name} must be a folder, and ${dir} is not one; set ${name} to a folder.`);
  return dir;
}

export function snowflake<E extends Env>(env: E, name: keyof E & string): string | undefined {
  const raw = text(env, name);
  if (raw !== undefined && !/^\d{17,20}$/.test(raw)) {
    throw new ConfigError(`${name} must be a Discord id (17 to 20 digits; got "${raw}").`);
  }
  return raw;
}

/** A secret: kept verbatim, at least `minLength` characters, and never echoed in the error. */
export function secret<E extends Env>(env: E, name: keyof E & string, minLength: number): string | undefined {
  const raw = text(env, name);
  if (raw !== undefined && raw.length < minLength) {
    throw new ConfigError(`${name} must be at least ${minLength} characters long (a random string, e.g. from \`openssl rand -hex 32\`).`);
  }
  return raw;
}

/** An http(s) address, as written by a user (a setting or an option); `what` names it in the error. */
export function webAddress(raw: string, what: string): string {
  let url: URL | undefined;
  try {
    url = new URL(raw.trim());
  } catch {
    url = undefined;
  }
  if (!url && /^https?:\/\//i.test(raw.trim())) {
    throw new ConfigError(`${what} must be web addresses, and "${raw.trim()}" is not a valid one (a space, or a character a host name cannot have?).`);
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ConfigError(`${what} must be http:// or https:// addresses (got "${raw.trim()}").`);
  }
  return url.href;
}

/** A postgres:// or postgresql:// address; the message never shows its password. */
export function databaseAddress<E extends Env>(env: E, name: keyof E & string): string | undefined {
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be a postgres:// address such as postgres://user:password@127.0.0.1:5432/coverage (it cannot be read as one).`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(`${name} must start with postgres:// or postgresql:// (got ${url.protocol}//…).`);
  }
  return raw;
}

/** A forward proxy's http:// or https:// address (host and port, credentials allowed); the message never shows its password. */
export function proxyAddress<E extends Env>(env: E, name: keyof E & string): string | undefined {
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || (url.pathname !== '/' && url.pathname !== '') || url.search) {
    throw new ConfigError(`${name} must be a proxy's address such as http://proxy.example.com:3128 (http:// or https://, a host and a port, nothing after them).`);
  }
  return url.href;
}

/**
 * Hosts, one or more separated by commas: "example.com", ".example.com", "*.example.com", "*", an IP address, each
 * with ":port" or not (FETCH_NO_PROXY's entries, as curl reads them; no address ranges).
 */
export function hostPatterns<E extends Env>(env: E, name: keyof E & string): string[] {
  const entries = (text(env, name) ?? '').split(',').map((entry) => entry.trim()).filter(Boolean);
  for (const entry of entries) {
    if (!/^(\*|(\*?\.)?[\p{L}\p{N}.-]+|\[[0-9a-f:.]+\]|[0-9a-f:.]+)(:\d{1,5})?$/iu.test(entry)) {
      throw new ConfigError(`${name} must list host names or addresses separated by commas, such as "intranet.example.com,.internal,10.0.0.5" (got "${entry}"; address ranges are not read).`);
    }
  }
  return entries;
}

export function addresses<E extends Env>(env: E, name: keyof E & string): string[] {
  return (text(env, name) ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => webAddress(item, name));
}
