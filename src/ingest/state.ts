/**
 * What the web ingestion remembers between runs, in `<CORPUS_DIR>/web/.fetch-state.json` (hidden, so the
 * corpus loader skips it): per fetched address its validators (ETag, Last-Modified) for conditional
 * requests, the date its feed gave it, its canonical URL and the file it was saved to; and per canonical URL
 * the file that holds it, so an article reached by two addresses (two feeds, tracking parameters, a
 * redirect) is saved once. Losing the file costs only refetching: saving compares content before writing.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../files.js';
import type { Validators } from './fetch.js';

export const WEB_FOLDER = 'web';
const STATE_FILE = '.fetch-state.json';
const STATE_VERSION = 1;

export interface AddressState extends Validators {
  /** The item's date in its feed when it was last fetched: a new date means the article changed. */
  itemDate?: string;
  canonical?: string;
  /**
   * Saved from its feed's text because the page failed for a passing reason: the page is asked again next run,
   * for PAGE_RETRIES runs at most; the count of runs it failed so far (`true` in a state written before it was counted).
   */
  pageDue?: number | boolean;
}

export interface FetchState {
  version: number;
  addresses: Record<string, AddressState>;
  /** Canonical URL → the saved file, relative to the corpus folder. */
  canonical: Record<string, string>;
}

export const stateFile = (corpusDir: string) => path.join(corpusDir, WEB_FOLDER, STATE_FILE);

/** The saved state, or an empty one when there is none or it cannot be read (it is only a cache). */
export async function loadState(corpusDir: string): Promise<FetchState> {
  const empty: FetchState = { version: STATE_VERSION, addresses: {}, canonical: {} };
  try {
    const saved = JSON.parse(await fs.readFile(stateFile(corpusDir), 'utf8')) as FetchState;
    return saved.version === STATE_VERSION && saved.addresses && saved.canonical ? saved : empty;
  } catch {
    return empty;
  }
}

export async function saveState(corpusDir: string, state: FetchState): Promise<void> {
  await writeFileAtomic(stateFile(corpusDir), `${JSON.stringify(state, null, 1)}\n`);
}
