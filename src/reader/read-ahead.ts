/**
 * Reading ahead: what the reader works out of a sentence whatever the question (its annotation decoded, its
 * tokens stemmed, its WordNet groups, the terms of the sentences beside it and of its title),
 * worked out for the sentences of the chunks BM25 ranked first while the question's vector is still on its
 * way. Those parts are cached (context.ts), so the read after retrieval finds them made: at 27k chunks
 * BM25's first ten chunks are on average 9.3 of the ten the fused ranking reads, and working out a
 * sentence's parts is about half of a first read.
 *
 * It runs on the main thread while the embedding runs on its own, in slices: between two slices it lets the
 * event loop run, so the vector's arrival is seen within a slice (and a sentence: about 150 µs), and it stops
 * there (the dense search then runs at once; what is left is worked out by the read, as without reading ahead).
 * The terms of a whole article, which the read needs for the best sentence's only, are left to the read: one
 * article is one uninterrupted piece of work (0.4 ms for 5,000 characters), which would hold the vector's
 * arrival unseen.
 */
import { setImmediate as yieldToEvents } from 'node:timers/promises';
import type { ReadingIndex } from '../index/store.js';
import { aroundStems, sentenceGroups, sentenceStems, sentenceView, titleStems, type CandidateSentence } from './context.js';
import type { Synonyms } from './synonyms.js';

/** Longest run of work between two turns of the event loop, in ms. */
export const READ_AHEAD_SLICE_MS = 0.25;

export interface ReadAhead {
  /** Sentences whose parts were at hand when it stopped (made now or before), of `of`. */
  sentences: number;
  of: number;
  /** Whether it stopped because the wait ended, before it had worked out everything. */
  interrupted: boolean;
}


/**
 * Works out the parts of `sentences`, in order, until `until` settles.
 * Nothing it makes changes a reading: the same parts would be made by the read.
 */
export async function readAhead(index: ReadingIndex, sentences: readonly CandidateSentence[], synonyms: Synonyms, until: Promise<unknown>, sliceMs = READ_AHEAD_SLICE_MS): Promise<ReadAhead> {
  let waiting = true;
  const ended = () => (waiting = false);
  until.then(ended, ended);
  // After this turn of the microtasks, a wait already over has been seen.
  await Promise.resolve();
  let done = 0;
  let sliceStart = performance.now();
  /** A turn of the event loop once the slice is spent, in which the vector's arrival is seen. */
  const pause = async () => {
    if (performance.now() - sliceStart < sliceMs) return;
    await yieldToEvents();
    sliceStart = performance.now();
  };
  const stopped = () => ({ sentences: done, of: sentences.length, interrupted: true });
  for (const candidate of sentences) {
    if (!waiting) return stopped();
    const view = sentenceView(index, candidate);
    sentenceGroups(index, synonyms, view);
    sentenceStems(index, view.id);
    aroundStems(index, view);
    titleStems(index, view.article);
    done++;
    await pause();
  }
  return { sentences: done, of: sentences.length, interrupted: false };
}
