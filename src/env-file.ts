/**
 * The `.env` file: read into the environment with dotenv (a variable already set in the environment wins),
 * and a warning for each name in the file that the project does not read (a misspelt setting would otherwise
 * be ignored without a word), with the closest known name when one is close; not for names that libraries read
 * (PGPASSWORD, HF_TOKEN, TZ: settings.ts), and a word that one read before Node starts changes nothing there.
 * Names only: values may be secrets.
 */
import dotenv from 'dotenv';
import { distance } from 'fastest-levenshtein';
import { PASSED_THROUGH, READ_BEFORE_ENV_FILE, SETTING_NAMES } from './settings.js';

const words = (name: string) => name.split('_').filter(Boolean);

/** Two words alike: the same, one shortening the other (DIR, DIRECTORY), or one typo apart. */
const sameWord = (a: string, b: string) => a === b || (Math.min(a.length, b.length) >= 3 && (a.startsWith(b) || b.startsWith(a))) || distance(a, b) <= 1;

/** Whether `known` is a likely meaning of `name` (already upper-cased). */
function close(name: string, known: string): boolean {
  if (distance(name, known) <= 2) return true;
  const [ours, theirs] = [words(name), words(known)];
  // CORPUS_DIRECTORY for CORPUS_DIR: the same words, some shortened or mistyped.
  if (ours.length === theirs.length && ours.every((word, i) => sameWord(word, theirs[i]!))) return true;
  // DISCORD_BOT_TOKEN for DISCORD_TOKEN: every word of the known name, a word more.
  return theirs.length >= 2 && ours.length === theirs.length + 1 && theirs.every((word) => ours.includes(word));
}

/** The known setting closest to a name the project does not read, if one is close. */
export function closestSetting(name: string): string | undefined {
  const upper = name.toUpperCase();
  let best: { known: string; cost: number } | undefined;
  for (const known of SETTING_NAMES) {
    if (!close(upper, known)) continue;
    const cost = distance(upper, known);
    if (!best || cost < best.cost) best = { known, cost };
  }
  return best?.known;
}

/** The warning for each name of a `.env` file that is not a setting, in the file's order. */
export function unknownSettingWarnings(names: Iterable<string>, where = '.env'): string[] {
  const known = new Set<string>(SETTING_NAMES);
  const early = new Set<string>(READ_BEFORE_ENV_FILE);
  const warnings: string[] = [];
  for (const name of names) {
    if (known.has(name) || PASSED_THROUGH.some((pattern) => pattern.test(name))) continue;
    if (early.has(name)) {
      warnings.push(`${name} in ${where} has no effect: it is read before Node starts, so set it in the environment (.env.example says how)`);
      continue;
    }
    const guess = closestSetting(name);
    warnings.push(`Unknown setting ${name} in ${where} ${guess ? `(did you mean ${guess}?)` : '(.env.example lists the settings coverage-bot reads)'}`);
  }
  return warnings;
}

/** Reads a `.env` file (if there is one) into `env`, and returns the warnings about its names. */
export function readEnvFile(file: string, env: Record<string, string | undefined>): string[] {
  const { parsed } = dotenv.config({ path: file, processEnv: env as dotenv.DotenvPopulateInput, quiet: true });
  return unknownSettingWarnings(Object.keys(parsed ?? {}));
}
