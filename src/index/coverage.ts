/**
 * The one interface between a question and the coverage it is asked of, with two implementations: the local
 * index (files in EMBEDDINGS_DIR, searched in memory, see store.ts) and Postgres (DATABASE_URL, searched by
 * the database, see src/db/). A `Coverage` is one version, fixed for the questions that use it; a
 * `CoverageStore` says which version is live, opens it, and is where a build writes the next one.
 */
import type { Article, KnownArticle } from '../corpus/types.js';
import type { HnswConfig } from '../config.js';
import { UserFacingError } from '../errors.js';
import { localLists, fuseLists, searchDepth, type RetrievedChunk, type RetrieveOptions } from '../retrieve.js';
import { markCorpusChecked } from './corpus-checked.js';
import { lockIndex, type IndexLock, type LockPurpose } from './lock.js';
import type { TermStatistics } from './lexical-index.js';
import { knownArticles, localVersionCoverage, openLocalVersion, openPrevious } from './local-version.js';
import { currentVersion, type IndexContents, type IndexManifest, type IndexSnapshot, type ReadingIndex, type WrittenVersion } from './store.js';
import { writeIndex } from './write-version.js';
import type { VectorIndex } from './vector-index.js';

export type Backend = 'local' | 'postgres';

export interface Retrieval {
  retrieved: RetrievedChunk[];
  /** The records reading the retrieved chunks needs (the whole index, for the local backend). */
  view: ReadingIndex;
}

/**
 * What a question's search does with the wait for its vector once BM25 has ranked the chunks (the reader
 * works out the parts of their sentences: src/reader/read-ahead.ts).
 */
export interface WhileEmbedded {
  /** How many of BM25's first chunks (fused as the lexical lists alone rank them) it is given. */
  chunks: number;
  /** Called with them and their records only while the vector has not come; it should stop when it comes. */
  use(early: Retrieval): Promise<unknown>;
}

export interface SearchOptions extends RetrieveOptions {
  whileEmbedded?: WhileEmbedded;
}

export interface Coverage {
  readonly backend: Backend;
  readonly version: string;
  readonly manifest: IndexManifest;
  /** Every article of this version, by id (the bot's titles and article pages, the period filter). */
  readonly articles: ReadonlyMap<string, Article>;
  /** Term frequencies and the vocabulary (spelling). */
  readonly terms: TermStatistics;
  /**
   * Ranks chunks for a question (hybrid, dense or lexical) and fetches what reading them needs. The question's
   * vector may still be on its way: a served version (lean-coverage.ts) starts BM25 first, and only the dense
   * search waits for it, and `whileEmbedded` is given the wait (a version loaded whole ignores it).
   */
  search(question: string, queryVector: Float32Array | Promise<Float32Array>, options: SearchOptions): Promise<Retrieval>;
  /** The version loaded whole into memory, for the local backend only (the benchmark's stage timings, the evaluation); loaded when first read. */
  readonly snapshot?: IndexSnapshot;
  /** Releases what the version holds open (the local SQLite file); only once no question reads it any more. */
  close?(): void;
}

/** The records of the live version a re-embed reuses for its unchanged articles. */
export type PreviousRecords = Pick<IndexSnapshot, 'chunks' | 'sentences' | 'sentenceVectors' | 'annotations'> & {
  chunkVector(label: number): Float32Array;
};

/**
 * What a re-embed reuses of the live version: its manifest and articles, which tell whether anything changed,
 * and its records, read only when something did (at 100k chunks they are seconds of reading and most of an
 * embed that finds nothing to write).
 */
export type PreviousCoverage = Pick<IndexSnapshot, 'version' | 'manifest' | 'articles'> & {
  /** The chunks and sentences with their vectors and annotations, read on the first call. */
  records(): Promise<PreviousRecords>;
  /** Releases what the version holds open for `records` (the local SQLite file): after the build, read or not. */
  close?(): void;
  /** The local version's vector index, loaded to be updated in place by the next write (which then owns it). */
  dense?: VectorIndex;
  /** Set when the target would not keep this version as it is even if nothing changed (it lacks what a write now makes). */
  stale?: boolean;
};

/** Where a build writes: the lock that keeps a second embed out, the version it starts from, the write. */
export interface BuildTarget {
  /** `purpose`: what the holder is doing, for the message a run refused meanwhile prints ('embed' when not given). */
  lock(purpose?: LockPurpose): Promise<IndexLock>;
  /** The live version; throws IndexMissingError when there is none, IndexError when it cannot be read. */
  previous(): Promise<PreviousCoverage>;
  /** Writes a build and makes it the live version at once (atomically); returns its name and how its vector index was made. */
  write(contents: IndexContents, signal?: AbortSignal): Promise<WrittenVersion>;
  /** A build found the live version holds the corpus as it is, and wrote nothing: the local index notes when (corpus-checked.ts). */
  unchanged?(corpusAsOf?: number): Promise<void>;
}

/**
 * Whether a store's error says that where the coverage is kept could not be reached, or did not answer in time (a
 * database server that refused or closed the connection, timed out, or ended it as it stopped: the Postgres store's DatabaseError says so):
 * a passing failure that says nothing of the version asked for, unlike a version of another model or a damaged one.
 */
export function isUnreachable(error: unknown): boolean {
  return error instanceof Error && (error as { unreachable?: unknown }).unreachable === true;
}

/**
 * A question's version was deleted while it was read: a database keeps only the live version and the one before it
 * (pg-write.ts), so a bot still on an older one (it refused the one in between, or two embeds came within one
 * poll) finds its version gone. The pipeline then loads the live version and asks again (pipeline.ts).
 */
export class VersionGoneError extends UserFacingError {
  override name = 'VersionGoneError';
  constructor(readonly version: string) {
    super(`The coverage version ${version} was deleted by a newer embed (the database keeps the live version and the one before it).`);
  }
}

/** The one call made of a database's connections outside the store (a `pg` pool has it; the store's gives a query up after QUESTION_TIMEOUT_MS). */
export interface SqlRunner {
  query<R extends Record<string, unknown> = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
}

export interface CoverageStore {
  readonly backend: Backend;
  /** Where the coverage lives, for messages: a folder, or a database without its password. */
  readonly location: string;
  /** Where lexical search runs and how it ranks: the project's BM25 over the SQLite file's postings ('sqlite', local), pg_textsearch's BM25, or Postgres's ts_rank. */
  readonly lexical: 'sqlite' | 'bm25' | 'fulltext';
  /** The live version's name, or undefined when nothing was built yet (cheap: the bot polls it). */
  currentVersion(): Promise<string | undefined>;
  /** Opens the live version; throws IndexMissingError when nothing was built yet. */
  open(): Promise<Coverage>;
  /** The live version's articles' ids, files and text hashes (none before a first build), for loadCorpus to keep their ids. */
  knownArticles(): Promise<KnownArticle[]>;
  readonly target: BuildTarget;
  /** The database's connections, for what else is kept there (the bot's votes), each query timed as a question's; absent for the local index. */
  readonly sql?: SqlRunner;
  close(): Promise<void>;
}

const wrapped = new WeakMap<IndexSnapshot, Coverage>();

/** A local index loaded whole (an IndexSnapshot) as a Coverage, for the in-memory tools: a search is synchronous inside. */
export function localCoverage(snapshot: IndexSnapshot): Coverage {
  let coverage = wrapped.get(snapshot);
  if (!coverage) {
    const articleOf = (label: number) => snapshot.chunks[label]!.articleId;
    coverage = {
      backend: 'local',
      version: snapshot.version,
      manifest: snapshot.manifest,
      articles: snapshot.articles,
      terms: snapshot.lexical,
      snapshot,
      search: async (question, queryVector, options) => ({
        retrieved: fuseLists(localLists(snapshot, question, await queryVector, options.mode, searchDepth(options)), articleOf, options),
        view: snapshot,
      }),
    };
    wrapped.set(snapshot, coverage);
  }
  return coverage;
}

/** A Coverage as given, or the local index wrapped as one. */
export function asCoverage(index: Coverage | IndexSnapshot): Coverage {
  return 'search' in index ? index : localCoverage(index);
}

/** The local index behind a coverage, for tools that time its in-memory parts; refuses another backend. */
export function requireSnapshot(coverage: Coverage, what: string): IndexSnapshot {
  if (!coverage.snapshot) throw new UserFacingError(`${what} needs the local index; unset DATABASE_URL to use it.`);
  return coverage.snapshot;
}

/**
 * The index in a folder (EMBEDDINGS_DIR): the default, needing no server. A version is one SQLite file and
 * an HNSW index; serving keeps the articles, term tables and HNSW in memory and reads the rest per question.
 */
export function localStore(dir: string, hnsw: Pick<HnswConfig, 'efSearch'>): CoverageStore {
  return {
    backend: 'local',
    location: dir,
    lexical: 'sqlite',
    currentVersion: () => currentVersion(dir),
    open: async () => localVersionCoverage(await openLocalVersion(dir, hnsw)),
    knownArticles: () => knownArticles(dir),
    target: {
      lock: (purpose) => lockIndex(dir, purpose),
      previous: () => openPrevious(dir, hnsw),
      write: (contents, signal) => writeIndex(dir, contents, signal),
      unchanged: (corpusAsOf) => markCorpusChecked(dir, corpusAsOf)
    },
    close: async () => {},
  };
}
