/**
 * What a typing slip is, for the spelling corrections (spelling.ts): two words one slip apart (neighbours swapped, or
 * one edit once written alike), and every word one edit from another (Norvig's edits1).
 */
import { distance } from 'fastest-levenshtein';

/**
 * A word as its transliterations and common slips write it alike: "zh", "j" and "z" as "z", "kh" as "h", "ck" as
 * "k", "y" as "i", doubled letters once ("Prigojin" and "Prigozhin", "Vladivostoock" and "Vladivostok").
 */
const spokenAlike = (word: string) => word.replace(/zh|j/g, 'z').replace(/kh/g, 'h').replace(/ck/g, 'k').replace(/y/g, 'i').replace(/(\p{L})\1+/gu, '$1');

/** Whether two edits apart are one slip: a swap of neighbouring letters, or one edit once written alike (spokenAlike). */
export const oneSlip = (a: string, b: string) => swapsNeighbours(a, b) || distance(spokenAlike(a), spokenAlike(b)) <= 1;

/** Whether two words differ by one swap of neighbouring letters and nothing else. */
function swapsNeighbours(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i + 1 < a.length && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
/** Every word one edit, or one swap of neighbours, from a word (Norvig's edits1), letters a to z. */
export function* oneEditFrom(word: string): Generator<string> {
  for (let i = 0; i <= word.length; i++) {
    const [head, tail] = [word.slice(0, i), word.slice(i)];
    if (tail) yield head + tail.slice(1);
    if (tail.length > 1) yield head + tail[1] + tail[0] + tail.slice(2);
    for (const letter of LETTERS) {
      if (tail && letter !== tail[0]) yield head + letter + tail.slice(1);
      yield head + letter + tail;
    }
  }
}
