/**
 * A question searched for, ready to be read: embedded on its own thread while BM25 runs, and the wait for the
 * vector spent on what reading will need (the question analysed, BM25's first chunks read ahead). The one way
 * the pipeline (answerQuestion) and the benchmark's stage timings retrieve a question.
 */
import type { RetrievalMode } from './config.js';
import type { Embedder } from './embedder.js';
import type { Coverage, Retrieval } from './index/coverage.js';
import type { ReadAhead } from './reader/read-ahead.js';
import { READ_CHUNKS, type PreparedQuestion, type Reader } from './reader/reader.js';

/**
 * Chunks retrieved for a question: the reader weighs the sentences of all of them. (It was 20, of which the
 * reader read the first 10: the view read the records of ten chunks nobody read, about half the rows read per
 * question. The first ten are the same either way: a hybrid or lexical search's lists are searched 50 deep for
 * both, and a dense-only search at least 20 deep, retrieve.ts `searchDepth`.)
 */
export const RETRIEVE_LIMIT = READ_CHUNKS;

export interface SearchQuestionOptions {
  mode: RetrievalMode;
  keepArticle?: (articleId: string) => boolean;
  boostArticles?: ReadonlySet<string>;
}

export interface SearchedQuestion extends Retrieval {
  prepared: PreparedQuestion;
  queryVector: Float32Array;
  /**
   * The read-ahead done while the question was embedded, if BM25 finished first: it may still have one slice
   * to end when the search returns (it stops at its next turn), so a caller awaits it once it has read.
   */
  readAhead?: Promise<ReadAhead>;
}

/** Searches the coverage for a question's text (already without chat opening, spelt as the coverage spells it). */
export async function searchQuestion(index: Coverage, embedder: Embedder, reader: Reader, text: string, options: SearchQuestionOptions): Promise<SearchedQuestion> {
  // Embedded on its own thread while the search starts (BM25 does not need the vector).
  const embedding = embedder.embedQuery(text);
  embedding.catch(() => undefined); // a failed search leaves the embedding unawaited: its failure is not a crash
  let readAhead: Promise<ReadAhead> | undefined;
  const searching = index.search(text, embedding, {
    mode: options.mode,
    limit: RETRIEVE_LIMIT,
    keepArticle: options.keepArticle,
    boostArticles: options.boostArticles,
    whileEmbedded: { chunks: READ_CHUNKS, use: (early) => (readAhead = reader.readAhead(early.view, early.retrieved, embedding)) },
  });
  searching.catch(() => undefined); // awaited below; only so that a throw in between is not also an unhandled rejection
  // One tick, in which the Postgres pool hands out its connections and BM25's queries are sent (pg-pool does
  // that on the next tick). By then BM25 has run locally, or is in flight to Postgres, and the dense search
  // waits for the vector: the reader analyses the question in that wait, not after retrieval.
  await new Promise<void>((resolve) => process.nextTick(resolve));
  const prepared = reader.prepare(text);
  const { retrieved, view } = await searching;
  const queryVector = await embedding;
  return { retrieved, view, prepared, queryVector, readAhead };
}
