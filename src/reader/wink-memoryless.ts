/**
 * wink-nlp's tokenizer remembers. Every word it meets that its model's lexicon lacks is added to the instance's
 * cache, and the tokenizer keeps whole any word the cache holds: once "Newcomen's" has been met whole (before a
 * full stop: "… by Newcomen's."), "What did Newcomen's engine do?" is tokenized "Newcomen's | engine" where a
 * fresh instance gives "Newcomen | 's | engine". So a text's tokens, tags and lemmas depended on every text the
 * process had annotated before: an article's annotations on the articles embedded before it in the same run, a
 * question's on the coverage embedded or ingested before it, and `npm run train-reader` trained another model
 * when it built its index than when it found it cached.
 *
 * `memoryless` makes an instance tokenize a text as a fresh one would, whatever it read before: its cache's
 * look-up, which the tokenizer asks whether a piece of text is a known word, answers only for the model's own
 * lexicon and the words the text being read has added. The words met are still added to the cache (wink keys their
 * features by them), but no longer decide how a later text is split. One dependence stays: wink fixes the features
 * (and so the tag) of a word its model lacks when it first meets it, so a rare word's tag can still depend on the
 * text it was first met in (2 answer rows of 18,156 in training; scripts/train-reader.ts indexes apart for this).
 * wink-nlp 2.4 gives no option for this, nor access to its cache: it is reached once through a document's output
 * function, registered for that one call.
 */
import { createRequire } from 'node:module';
import type winkNLP from 'wink-nlp';

type Wink = ReturnType<typeof winkNLP>;
interface Cache {
  lookup(text: string): number[] | null;
  intrinsicSize(): number;
  /** Adds a token's text (a word the model lacks, with its features), returning its index. */
  add(text: string, category: number): number;
}
interface RawDocument {
  cache: Cache;
}

const require = createRequire(import.meta.url);
/** wink-nlp's list of the functions a document's `out` may call. */
const allowed = (() => {
  try {
    return require('wink-nlp/src/allowed.js') as { its4document: Set<unknown> };
  } catch {
    return undefined;
  }
})();
const patched = new WeakSet<Cache>();

/** The same instance, its tokenizer made not to learn from what it reads (see above). Call it before any other use. */
export function memoryless(nlp: Wink): Wink {
  let cache: Cache | undefined;
  const grab = (_index: number, raw: RawDocument) => {
    cache = raw.cache;
    return '';
  };
  if (allowed?.its4document instanceof Set) {
    allowed.its4document.add(grab);
    try {
      nlp.readDoc('.').out(grab as unknown as Parameters<ReturnType<Wink['readDoc']>['out']>[0]);
    } finally {
      allowed.its4document.delete(grab);
    }
  }
  if (!cache || typeof cache.lookup !== 'function' || typeof cache.intrinsicSize !== 'function' || typeof cache.add !== 'function') {
    throw new Error('wink-nlp has changed inside: its cache could not be reached to make its tokenizer memoryless (src/reader/wink-memoryless.ts).');
  }
  if (patched.has(cache)) return nlp;
  patched.add(cache);
  const lookup = cache.lookup.bind(cache);
  const intrinsic = cache.intrinsicSize();
  // A word the model's lexicon lacks is found as one index at or past the lexicon's size. To the tokenizer it is
  // unknown unless the document being read has added it (wink keeps such a word whole when met again in the same
  // text, as a fresh instance would). While a word is being added, the model's features look words up (a new
  // word's tag, by its lower case): those look-ups are answered in full.
  let added = new Set<string>();
  let adding = 0;
  cache.lookup = (text: string) => {
    const found = lookup(text);
    return adding === 0 && found !== null && found.length === 1 && found[0]! >= intrinsic && !added.has(text) ? null : found;
  };
  const add = cache.add.bind(cache);
  cache.add = (text: string, category: number) => {
    added.add(text).add(text.toLowerCase());
    adding++;
    try {
      return add(text, category);
    } finally {
      adding--;
    }
  };
  const readDoc = nlp.readDoc.bind(nlp);
  nlp.readDoc = (text: string) => {
    added = new Set();
    return readDoc(text);
  };
  return nlp;
}
