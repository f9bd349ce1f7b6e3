/**
 * Binary search over a sorted list: the first position whose key is not below `key` (the list's length when every
 * key is below it). Strings compare by UTF-16 code units, as `Array.prototype.sort` orders them. Used for the
 * vocabulary's words (index/spelling.ts), the dated articles' times (dates.ts) and the titles /source completes
 * (bot/title-search.ts).
 */
export function lowerBound<T, K extends number | string>(sorted: ArrayLike<T>, key: K, keyOf: (item: T) => K): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (keyOf(sorted[middle]!) < key) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The key of a list of keys. */
export const itself = <K>(item: K): K => item;
