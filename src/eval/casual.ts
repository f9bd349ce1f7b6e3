/**
 * Questions as people type them in a chat: lower case, no question mark, no apostrophes ("kims train",
 * "whos"), hyphens dropped from names, a filler opening ("hey", "can you tell me"), now and then a typo in a
 * long word. Made from well-formed questions, deterministically (every choice is a hash of the question's
 * key), for the tuning set's casual copy in `npm run eval`. (Training the reader on SQuAD questions typed this
 * way was measured and not shipped: docs/EVALUATION.md.)
 */
import { createHash } from 'node:crypto';

const FILLERS = ['hey ', 'so ', 'ok so ', 'quick question, ', 'do you know ', 'can you tell me ', 'um '];

/** The chance of each change. */
export const CASUAL = { lowerCase: 0.7, noQuestionMark: 0.6, noApostrophes: 0.7, noHyphens: 0.4, filler: 0.25, typo: 0.3 };

/** A number in [0, 1) drawn from the key and the step, the same on every run. */
function draw(key: string, step: string): number {
  return createHash('sha256').update(`${key}\u0000${step}`).digest().readUInt32BE(0) / 2 ** 32;
}

/** One typo in a word of six letters or more (not the first word): a letter dropped, two swapped, or one doubled. */
function typo(text: string, key: string): string {
  const words = [...text.matchAll(/\p{L}{6,}/gu)].filter((m) => m.index! > 0);
  if (words.length === 0) return text;
  const word = words[Math.floor(draw(key, 'typo-word') * words.length)]!;
  const w = word[0];
  // Never the first letter: people rarely get that wrong, and the spelling fix cannot recover it either.
  const at = 1 + Math.floor(draw(key, 'typo-at') * (w.length - 2));
  const kind = Math.floor(draw(key, 'typo-kind') * 3);
  const changed = kind === 0 ? w.slice(0, at) + w.slice(at + 1) : kind === 1 ? w.slice(0, at) + w[at + 1] + w[at] + w.slice(at + 2) : w.slice(0, at + 1) + w.slice(at);
  return text.slice(0, word.index) + changed + text.slice(word.index! + w.length);
}

/** The question as a chat user might type it; `key` (the question's id) decides which changes it gets. */
export function casualize(question: string, key: string): string {
  let text = question.trim();
  if (draw(key, 'typo') < CASUAL.typo) text = typo(text, key);
  if (draw(key, 'apostrophes') < CASUAL.noApostrophes) text = text.replace(/(\p{L})['’](\p{L})/gu, '$1$2').replace(/(\p{L})['’](?=\s|$)/gu, '$1');
  if (draw(key, 'hyphens') < CASUAL.noHyphens) text = text.replace(/(\p{L})[-‐](\p{L})/gu, '$1 $2');
  if (draw(key, 'question-mark') < CASUAL.noQuestionMark) text = text.replace(/\s*\?+$/, '');
  if (draw(key, 'filler') < CASUAL.filler) {
    const filler = FILLERS[Math.floor(draw(key, 'filler-word') * FILLERS.length)]!;
    text = filler + text[0]!.toLowerCase() + text.slice(1);
  }
  if (draw(key, 'lower-case') < CASUAL.lowerCase) text = text.toLowerCase();
  return text;
}
