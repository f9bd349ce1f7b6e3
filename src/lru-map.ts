/**
 * mnemonist's LRUMap (a map of at most `capacity` entries that drops the least recently used in constant time), loaded
 * as its own module: mnemonist's package exports single modules to `require` only, and its ESM entry loads every
 * structure it has (spelling.ts loads its Passjoin index the same way). Typed here for what the project uses of it.
 */
import { createRequire } from 'node:module';

export interface LRUMap<K, V> {
  /** The value kept under `key`, made the most recently used; undefined when none is. */
  get(key: K): V | undefined;
  /** Whether a value is kept under `key` (it does not make it the most recently used). */
  has(key: K): boolean;
  /** Keeps `value` under `key`, dropping the least recently used entry when full. */
  set(key: K, value: V): unknown;
  readonly size: number;
}

export const LRUMap = createRequire(import.meta.url)('mnemonist/lru-map.js') as new <K, V>(capacity: number) => LRUMap<K, V>;
