/**
 * Sorted lists of distinct values, the reader's compact stand-in for the Sets it keeps per sentence (a typed
 * array is one small object to keep where a Set is a hash table): made once, then compared by a walk along
 * both lists. Strings compare by UTF-16 code units, as `Array.prototype.sort` orders them.
 */

/** The distinct values of a list, sorted: the list is sorted and compacted in place, the result a copy. */
export function distinctSorted(values: Int32Array): Int32Array {
  values.sort();
  let n = 0;
  for (let i = 0; i < values.length; i++) if (i === 0 || values[i] !== values[i - 1]) values[n++] = values[i]!;
  return values.slice(0, n);
}

/** How many values two sorted lists of distinct values share. */
export function sharedCount<T extends number | string>(x: ArrayLike<T>, y: ArrayLike<T>): number {
  let shared = 0;
  for (let i = 0, j = 0; i < x.length && j < y.length; ) {
    if (x[i] === y[j]) {
      shared++;
      i++;
      j++;
    } else if (x[i]! < y[j]!) i++;
    else j++;
  }
  return shared;
}

/** Whether two sorted lists share a value (stops at the first). */
export function intersects<T extends number | string>(x: ArrayLike<T>, y: ArrayLike<T>): boolean {
  for (let i = 0, j = 0; i < x.length && j < y.length; ) {
    if (x[i] === y[j]) return true;
    if (x[i]! < y[j]!) i++;
    else j++;
  }
  return false;
}
