/**
 * The index on disk. Each build is written to a fresh version folder beside the live one; only when every
 * file is written and flushed does the `CURRENT` pointer move to it (write-then-rename, which is atomic),
 * so a crash or Ctrl-C mid-build never breaks or loses the index in use. The manifest records the model,
 * settings, a content hash per article and a size and sha256 per file, so a truncated or mismatched
 * index is refused with a clear message instead of giving wrong answers. This module holds the format, the
 * records and reading a version back; write-version.ts writes one.
 *
 *   embeddings/CURRENT            name of the live version folder (its time: when the corpus was last found indexed, corpus-checked.ts)
 *   embeddings/v-<time>/          manifest.json, coverage.sqlite (articles, chunks, sentences with their vectors and
 *                                 the reader's annotations, term tables, the lexical index's postings: sqlite-write.ts, sqlite-file.ts),
 *                                 dense.hnsw (the chunks' vectors, searched in memory; dense.hnsw.labels
 *                                 when a re-embed updated the previous version's graph in place; from
 *                                 HNSW_PROJECT_FROM chunks, 20,000 by default, the graph holds them projected,
 *                                 with dense.hnsw.projection and the full vectors in dense.hnsw.vectors:
 *                                 vector-index.ts)
 *   embeddings/.staging-<pid>-…   a build in progress (removed on the next run if it was interrupted)
 *   embeddings/.embed.lock        the embed lock (see lock.ts)
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Article } from '../corpus/types.js';
import { fsErrorMessage, UserFacingError } from '../errors.js';
import type { SentenceAnnotation } from '../reader/annotate.js';
import type { Span } from '../sentences.js';
import type { LexicalSearch, TermStatistics, TermTable } from './lexical-index.js';
import { sha256Files } from './checksums.js';
import type { VectorIndex } from './vector-index.js';

/**
 * 2: lexical.json holds an article-level BM25 index beside the chunk-level one.
 * 3: annotations.json holds the reader's linguistic annotations of every sentence.
 * 4: one SQLite file (coverage.sqlite) holds all but the HNSW index; BM25 by FTS5.
 * 5: BM25 reads packed postings tables in that file, in place of FTS5's (src/index/bm25.ts).
 * 6: the HNSW index may be one updated in place by a re-embed, with a map from chunk to hnswlib label beside it
 *    (dense.hnsw.labels, see vector-index.ts). A format 5 version is a format 6 one without that map.
 * 7: a large version's graph holds its vectors projected (dense.hnsw.projection), the full ones beside it
 *    (dense.hnsw.vectors). A format 6 version is a format 7 one whose graph holds the full vectors; a re-embed
 *    builds a large one's graph again (vector-index.ts, graphOutdated).
 */
export const FORMAT_VERSION = 7;
/** Formats a version can be served from. */
export const SERVABLE_FORMATS: readonly number[] = [5, 6, FORMAT_VERSION];
/**
 * Formats whose versions a re-embed can still reuse (their vectors and annotations, as incremental builds
 * do), though this version may no longer serve them: moving from format 4 costs no embedding.
 */
export const REUSABLE_FORMATS: readonly number[] = [4, ...SERVABLE_FORMATS];
/** The file naming the live version folder. */
export const POINTER = 'CURRENT';

export interface ModelSignature {
  id: string;
  dimension: number;
  maxTokens: number;
  pooling: string;
  queryPrefix: string;
  passagePrefix: string;
  quantized: boolean;
}

export interface ChunkingSignature {
  maxTokens: number;
  overlapSentences: number;
}

export interface IndexManifest {
  formatVersion: number;
  builtAt: string;
  model: ModelSignature;
  chunking: ChunkingSignature;
  hnsw: {
    space: 'cosine';
    m: number;
    efConstruction: number;
    /** Points put into the graph in place since it was last built afresh (vector-index.ts caps them). */
    addedInPlace?: number;
    /** Chunks from which the build made a projected graph (HNSW_PROJECT_FROM; vector-index.ts). */
    projectFrom?: number;
  };
  counts: { articles: number; chunks: number; sentences: number };
  /** The tagger that made the sentences' annotations: another one means a rebuild. */
  annotator: string;
  /** Content hash of each article's embedded text, to re-embed only what changed. */
  articles: Record<string, string>;
  files: Record<string, { bytes: number; sha256: string }>;
}

export interface SentenceRecord extends Span {
  articleId: string;
}

export interface ChunkRecord extends Span {
  articleId: string;
  /** Indexes into the sentence table: the chunk's first sentence and how many it holds. */
  firstSentence: number;
  sentenceCount: number;
}

/** The records of an index, the same in a build being written and in a loaded index. */
interface IndexRecords {
  chunks: ChunkRecord[];
  sentences: SentenceRecord[];
  /** Unit vectors of the sentences, `dimension` floats each, for quote selection. */
  sentenceVectors: Float32Array;
  /** Linguistic annotations of the sentences, aligned with `sentences`. */
  annotations: SentenceAnnotation[];
}

/**
 * A version loaded whole into memory (what the evaluation, the benchmark's stage timings and the reader's
 * training use; serving reads per question instead: local-version.ts). BM25 still runs in the SQLite file.
 */
export interface IndexSnapshot extends IndexRecords {
  dense: VectorIndex;
  lexical: LexicalSearch;
  version: string;
  manifest: IndexManifest;
  articles: Map<string, Article>;
}

/**
 * What reading a question needs, from either backend: the local index holds every record; a served version's
 * view of one question holds only the retrieved chunks' (and those of BM25's first chunks, read while the
 * question was embedded: lean-coverage.ts), so arrays indexed by label and id may be sparse, and the sentence
 * vectors are packed, found through `vectorOffset`.
 */
export interface ReadingIndex {
  version: string;
  manifest: IndexManifest;
  articles: ReadonlyMap<string, Article>;
  chunks: readonly ChunkRecord[];
  sentences: readonly SentenceRecord[];
  annotations: readonly SentenceAnnotation[];
  sentenceVectors: Float32Array;
  /** Where a sentence's vector starts in `sentenceVectors`; without it, at id × dimension. */
  vectorOffset?: (id: number) => number;
  lexical: TermStatistics;
  /** What reading caches (stems of sentences and articles) is kept per this object: one per version. */
  cacheKey?: object;
}

/** Where a sentence's vector starts in an index's `sentenceVectors`. */
export function sentenceVectorOffset(index: ReadingIndex, id: number): number {
  return index.vectorOffset ? index.vectorOffset(id) : id * index.manifest.model.dimension;
}

/** The parts of a build, before they are written. */
export interface IndexContents extends IndexRecords {
  manifest: Omit<IndexManifest, 'files' | 'builtAt' | 'formatVersion'>;
  articles: Article[];
  /** The unit vector of a chunk, by label (read when needed: a graph updated in place needs only the new ones). */
  chunkVector(label: number): Float32Array;
  /**
   * The live version's vector index, loaded to be updated (the local store's), with the label there of each
   * chunk whose vector is unchanged (−1 for the others): the local write then updates that graph in place
   * rather than building one (vector-index.ts says when it builds afresh all the same).
   */
  previousDense?: { index: VectorIndex; origins: Int32Array; addedInPlace: number };
  /** The chunks' term frequencies and the vocabulary (the lexical index itself is built in the SQLite file). */
  terms: TermTable;
  /**
   * When the build began (milliseconds), its articles read just before: the local index notes the corpus as of
   * then (corpus-checked.ts), so a file edited while the build ran is still said to be newer than the index.
   */
  corpusAsOf?: number;
  /**
   * Each chunk's terms (`LexicalIndex.terms` of its text), by label: worked out once by the build for the term
   * table, and used again by the writes for the chunks' lexical index rather than reading every text again.
   */
  chunkTerms: readonly (readonly string[])[];
}

/** What a write made live. */
export interface WrittenVersion {
  version: string;
  /** Whether the previous version's vector graph was updated rather than a new one built (the local store). */
  vectorIndexUpdated: boolean;
}

export class IndexError extends UserFacingError {
  override name = 'IndexError';
}

/** No index has been built yet in this folder. */
export class IndexMissingError extends IndexError {
  override name = 'IndexMissingError';
}

export const REBUILD_HINT = 'Run `npm run embed` to rebuild it.';

/** The name of the live version folder, or undefined when no index was ever built. */
export async function currentVersion(dir: string): Promise<string | undefined> {
  try {
    const name = (await fs.readFile(path.join(dir, POINTER), 'utf8')).trim();
    if (!/^v-[\w-]+$/.test(name)) throw new IndexError(`${path.join(dir, POINTER)} is damaged. ${REBUILD_HINT}`);
    return name;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    // Reading a folder fails with EISDIR and no path: the message names the pointer.
    (error as NodeJS.ErrnoException).path ??= path.join(dir, POINTER);
    throw error;
  }
}

/** "format 6", "formats 5 and 6". */
function formatList(formats: readonly number[]): string {
  return formats.length === 1 ? `format ${formats[0]}` : `formats ${formats.slice(0, -1).join(', ')} and ${formats.at(-1)}`;
}

export async function readManifest(folder: string, formats: readonly number[] = SERVABLE_FORMATS): Promise<IndexManifest> {
  let manifest: IndexManifest;
  try {
    manifest = JSON.parse(await fs.readFile(path.join(folder, 'manifest.json'), 'utf8')) as IndexManifest;
  } catch (error) {
    // No permission (a version written by another user) is fixed by permissions, not by a rebuild.
    const denied = fsErrorMessage(error);
    if (denied) throw new IndexError(denied);
    throw new IndexError(`The index manifest in ${folder} cannot be read (${(error as Error).message}). ${REBUILD_HINT}`);
  }
  if (!formats.includes(manifest.formatVersion)) {
    throw new IndexError(`The index in ${folder} has format ${manifest.formatVersion}; this version reads ${formatList(formats)}. ${REBUILD_HINT}`);
  }
  return manifest;
}

async function verifyFiles(folder: string, manifest: IndexManifest): Promise<void> {
  const files = Object.entries(manifest.files);
  const actual = await sha256Files(files.map(([name]) => path.join(folder, name)));
  files.forEach(([name, expected], i) => {
    const found = actual[i];
    if (!found) throw new IndexError(`The index in ${folder} is missing ${name}. ${REBUILD_HINT}`);
    if (found.bytes !== expected.bytes || found.sha256 !== expected.sha256) {
      const why = found.bytes !== expected.bytes ? `${found.bytes} bytes where ${expected.bytes} were written` : 'its bytes differ from those written: the checksum does not match';
      throw new IndexError(`The index file ${name} in ${folder} is damaged (${why}). ${REBUILD_HINT}`);
    }
  });
}

/** The live index's manifest, without loading the rest (for compatibility checks). */
export async function readCurrentManifest(dir: string): Promise<IndexManifest | undefined> {
  const version = await currentVersion(dir);
  return version ? readManifest(path.join(dir, version)) : undefined;
}

/** The live version's folder and manifest, its files checked against the manifest; IndexMissingError when none. */
export async function verifiedVersion(dir: string, formats?: readonly number[]): Promise<{ version: string; folder: string; manifest: IndexManifest }> {
  const version = await currentVersion(dir);
  if (!version) throw new IndexMissingError(`No index has been built in ${dir} yet. Run \`npm run embed\` to build it.`);
  const folder = path.join(dir, version);
  const manifest = await readManifest(folder, formats);
  await verifyFiles(folder, manifest);
  return { version, folder, manifest };
}

/** Says why an index built with one model cannot serve another, or undefined when it can. */
export function modelMismatch(manifest: IndexManifest, model: ModelSignature): string | undefined {
  const built = manifest.model;
  if (built.id !== model.id) return `it was built with the model "${built.id}", and the configured model is "${model.id}"`;
  if (built.dimension !== model.dimension) return `it holds ${built.dimension}-d vectors, and the model gives ${model.dimension}-d`;
  if (built.pooling !== model.pooling || built.passagePrefix !== model.passagePrefix || built.queryPrefix !== model.queryPrefix) {
    return 'it was built with other pooling or prefixes';
  }
  if (built.quantized !== model.quantized) return `it was built with ${built.quantized ? 'quantized' : 'full-precision'} weights`;
  return undefined;
}
