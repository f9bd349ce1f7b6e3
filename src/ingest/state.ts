/**
 * What the web ingestion remembers between runs, in `<CORPUS_DIR>/web/.fetch-state.json` (hidden, so the
 * corpus loader skips it): per fetched address its validators (ETag, Last-Modified) for conditional
 * requests, the date its feed gave it, its canonical URL and the file it was saved to; and per canonical URL
 * the file that holds it, so an article reached by two addresses (two feeds, tracking parameters, a
 * redirect) is saved once. Losing the file costs refetching (saving compares content before writing), and articles
 * deleted from web/ since come back: a damaged file is kept aside and named in a warning.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../files.js';
import type { Validators } from './fetch.js';
import { withoutTracking } from './tracking.js';

export const WEB_FOLDER = 'web';
const STATE_FILE = '.fetch-state.json';
const STATE_VERSION = 1;

/**
 * Days after which a page that failed for good (a 403 from a bot wall, a consent page) is asked again though its feed
 * gives it no newer date (or none at all): once, its feed read in full; failing again, it waits as long again.
 */
export const FAILED_RETRY_DAYS = 7;

export interface AddressState extends Validators {
  /**
   * The newest date its feeds gave the item (with the revision an Atom entry gives, joined by "|": items.ts
   * itemVersion): a newer one means the article changed.
   */
  itemDate?: string;
  canonical?: string;
  /** The feed's id of the item saved from it (FeedItem.id): a new address of that item is its story moved (ingestion.ts earlierFile). */
  itemId?: string;
  /**
   * Saved from its feed's text because the page failed for a passing reason: the page is asked again next run,
   * for PAGE_RETRIES runs at most; the count of runs it failed so far (`true` in a state written before it was counted).
   */
  pageDue?: number | boolean;
  /**
   * Why the page failed, for good or after PAGE_RETRIES passing failures, with nothing saved: not asked again until its
   * feed gives it a newer date, or FAILED_RETRY_DAYS after `failedAt`.
   */
  failed?: string;
  /** When it failed (ISO 8601), with `failed`. */
  failedAt?: string;
  /** The feed that listed it, with `failed`: read in full when it is due to be asked again. */
  feed?: string;
  /** Runs the page has failed for a passing reason with nothing saved, while it is asked again (PAGE_RETRIES at most). */
  failedRuns?: number;
}

export interface FetchState {
  version: number;
  addresses: Record<string, AddressState>;
  /** Canonical URL → the saved file, relative to the corpus folder. */
  canonical: Record<string, string>;
}

export const stateFile = (corpusDir: string) => path.join(corpusDir, WEB_FOLDER, STATE_FILE);

/**
 * Where a state file that cannot be read is kept, for the maintainer to look at: the next run writes a new one. The
 * time in its name keeps an earlier damaged file from being overwritten.
 */
export const damagedFile = (corpusDir: string, at: number) => `${stateFile(corpusDir)}.damaged-${new Date(at).toISOString().replace(/:/g, '-')}`;

/**
 * The saved state, or an empty one when there is none. One that cannot be read (cut short, edited by hand) is
 * moved aside to damagedFile, and `warning` says so in one line: the run then starts again from the files saved.
 * Entries that are not well-formed (edited by hand) are dropped, and `warning` counts them in one line.
 */
export async function loadState(corpusDir: string, now = Date.now()): Promise<{ state: FetchState; warning?: string }> {
  const empty: FetchState = { version: STATE_VERSION, addresses: {}, canonical: {} };
  const file = stateFile(corpusDir);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: empty };
    throw error;
  }
  let problem: string;
  try {
    const saved = JSON.parse(text) as FetchState;
    if (saved?.version === STATE_VERSION && isRecord(saved.addresses) && isRecord(saved.canonical)) return withoutBadEntries(file, saved);
    problem = saved?.version !== STATE_VERSION ? `not a fetch state of version ${STATE_VERSION}` : 'not a fetch state';
  } catch (error) {
    problem = `not valid JSON: ${(error as Error).message}`;
  }
  let aside = damagedFile(corpusDir, now);
  for (let n = 2; await fs.access(aside).then(() => true, () => false); n++) aside = `${damagedFile(corpusDir, now)}-${n}`;
  await fs.rename(file, aside);
  return {
    state: empty,
    warning: `The fetch state ${file} could not be read (${problem}); it was moved to ${aside}, and this run starts again from the saved files, so articles deleted from ${path.join(corpusDir, WEB_FOLDER)} may be fetched again.`,
  };
}

const optional = (value: unknown, ...types: string[]) => value === undefined || types.includes(typeof value);

/** An address's entry as this version writes it. */
function wellFormedAddress(entry: unknown): entry is AddressState {
  if (!isRecord(entry)) return false;
  const { etag, lastModified, itemDate, canonical, itemId, failed, failedAt, feed, failedRuns, pageDue } = entry;
  return [etag, lastModified, itemDate, canonical, itemId, failed, failedAt, feed].every((v) => optional(v, 'string')) && optional(failedRuns, 'number') && optional(pageDue, 'number', 'boolean');
}

/** A saved file's name as this version writes it: a Markdown file inside web/ (so removing it never reaches elsewhere). */
const wellFormedFile = (file: unknown): file is string =>
  typeof file === 'string' && !path.isAbsolute(file) && file.endsWith('.md') && path.normalize(file).startsWith(`${WEB_FOLDER}${path.sep}`) && !path.normalize(file).split(path.sep).includes('..');

function withoutBadEntries(file: string, state: FetchState): { state: FetchState; warning?: string } {
  let dropped = 0;
  for (const [url, entry] of Object.entries(state.addresses)) if (!wellFormedAddress(entry)) (delete state.addresses[url], dropped++);
  for (const [url, saved] of Object.entries(state.canonical)) if (!wellFormedFile(saved)) (delete state.canonical[url], dropped++);
  if (dropped === 0) return { state };
  const entries = dropped === 1 ? '1 entry' : `${dropped} entries`;
  return {
    state,
    warning: `The fetch state ${file} has ${entries} that could not be read (edited by hand?); ${dropped === 1 ? 'it was' : 'they were'} dropped, so the pages they named may be fetched again.`,
  };
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export async function saveState(corpusDir: string, state: FetchState): Promise<void> {
  await writeFileAtomic(stateFile(corpusDir), `${JSON.stringify(state, null, 1)}\n`);
}

/** A file removed as a second copy of an article: it was saved under an address that differs only in tracking parameters. */
export interface Duplicate {
  file: string;
  /** The file of the article that is kept. */
  kept: string;
}

/** A saved file's text without the front matter lines that differ between two copies of one article (its id, its address). */
const comparable = (text: string) => text.replace(/^---\n[\s\S]*?\n---\n/, (front) => front.replace(/^(id|url): .*\n/gm, ''));

/**
 * Makes a state written before tracking parameters were set aside (tracking.ts) know every article by its
 * canonical URL without them, so the next run finds its file instead of saving another. Where that URL already
 * has a file of its own, the other file is a second copy only when the first is there and both hold the same
 * article, word for word (their ids and addresses aside): it is removed and returned. Otherwise both are kept and
 * a warning names them; when the first file is gone, the other is the article's file.
 */
export async function forgetTracking(corpusDir: string, state: FetchState): Promise<{ removed: Duplicate[]; warnings: string[] }> {
  const removed: Duplicate[] = [];
  const warnings: string[] = [];
  const read = (file: string) => fs.readFile(path.join(corpusDir, file), 'utf8').catch(() => undefined);
  for (const [url, file] of Object.entries(state.canonical)) {
    const plain = withoutTracking(url);
    if (plain === url) continue;
    delete state.canonical[url];
    const kept = state.canonical[plain];
    if (kept === undefined) state.canonical[plain] = file;
    else if (kept !== file) {
      const [keptText, text] = [await read(kept), await read(file)];
      if (text === undefined) continue;
      if (keptText !== undefined && comparable(keptText) === comparable(text)) {
        await fs.rm(path.join(corpusDir, file), { force: true });
        removed.push({ file, kept });
      } else if (keptText === undefined) {
        state.canonical[plain] = file;
        warnings.push(`${file} and ${kept} were saved for one article (${plain}, their addresses differ only in tracking parameters or a #fragment); ${kept} is missing, so ${file} is kept as its file.`);
      } else {
        warnings.push(`${file} and ${kept} were saved for one article (${plain}, their addresses differ only in tracking parameters or a #fragment) but their texts differ, so both are kept and ${kept} is updated from now on: delete the other if it is a copy.`);
      }
    }
  }
  // Pages (the entries with a canonical URL; a feed's has none) by their address without them, as a run asks.
  for (const [url, address] of Object.entries(state.addresses)) {
    if (address.canonical === undefined) continue;
    address.canonical = withoutTracking(address.canonical);
    const plain = withoutTracking(url);
    if (plain === url) continue;
    delete state.addresses[url];
    state.addresses[plain] ??= address;
  }
  return { removed, warnings };
}
