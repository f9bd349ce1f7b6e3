/**
 * Reading one setting from the environment: each reader trims, checks the value against what the setting
 * accepts, and throws a ConfigError naming the variable and what it expected. config.ts decides which
 * variables there are.
 */
import { existsSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { domainToASCII, fileURLToPath } from 'node:url';
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

/** A forward proxy's http:// or https:// address (a host and a port, credentials allowed); the message never shows its password. */
export function proxyAddress<E extends Env>(env: E, name: keyof E & string): string | undefined {
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.pathname !== '/' || url.search || url.hash) {
    throw new ConfigError(`${name} must be a proxy's address such as http://proxy.example.com:3128 (http:// or https://, a host and its port, nothing after them).`);
  }
  if (url.username && !url.password) {
    throw new ConfigError(`${name} gives a user name without a password: write http://user:password@host:port (a password with : @ / or % percent-encoded).`);
  }
  return url.href;
}

/** A FETCH_NO_PROXY entry: every host, a name (and its subdomains), or addresses (one, or a range); each on one port or all. */
export type NoProxyEntry = { all: true } | { name: string; port?: number } | { network: string; prefix: number; family: 'ipv4' | 'ipv6'; port?: number };

/** One FETCH_NO_PROXY entry as curl reads it, or undefined when it is not one. */
function noProxyEntry(raw: string): NoProxyEntry | undefined {
  const entry = raw.toLowerCase();
  if (entry === '*') return { all: true };
  const bracketed = /^\[([0-9a-f:.]+)\](?::(\d{1,5}))?$/.exec(entry);
  // An IPv6 address has colons of its own: only a bracketed one carries a port ("[fd00::5]:8080").
  const colons = entry.split(':').length - 1;
  const [host, portText] = bracketed ? [bracketed[1]!, bracketed[2]] : colons >= 2 ? [entry, undefined] : (entry.split(':') as [string, string | undefined]);
  const port = portText === undefined ? undefined : Number(portText);
  if (port !== undefined && !(Number.isInteger(port) && port >= 1 && port <= 65_535)) return undefined;
  const on = port === undefined ? {} : { port };
  const range = /^([0-9a-f:.]+)(?:\/(\d{1,3}))?$/.exec(host);
  const family = range ? isIP(range[1]!) : 0;
  if (range && family !== 0) {
    const bits = family === 4 ? 32 : 128;
    const prefix = range[2] === undefined ? bits : Number(range[2]);
    return prefix <= bits ? { network: range[1]!, prefix, family: family === 4 ? 'ipv4' : 'ipv6', ...on } : undefined;
  }
  if (bracketed) return undefined;
  // ".example.com" and "*.example.com" are read as "example.com" (curl drops the dot), a final dot dropped.
  const name = domainToASCII(host.replace(/^\*?\./, '').replace(/\.$/, ''));
  return /^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/.test(name) ? { name, ...on } : undefined;
}

/**
 * Hosts separated by commas, as curl reads NO_PROXY: "*", a name ("example.com", ".example.com": the name and its
 * subdomains), an address or an address range ("10.0.0.5", "10.0.0.0/8", "[fd00::5]", "fd00::/8"), each with ":port"
 * or not.
 */
export function noProxyEntries<E extends Env>(env: E, name: keyof E & string): NoProxyEntry[] {
  return (text(env, name) ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => {
      const entry = noProxyEntry(item);
      if (!entry) {
        throw new ConfigError(`${name} must list host names or addresses separated by commas, such as "intranet.example.com,.internal,10.0.0.0/8" (got "${item}").`);
      }
      return entry;
    });
}

export function addresses<E extends Env>(env: E, name: keyof E & string): string[] {
  return (text(env, name) ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => webAddress(item, name));
}
