/**
 * The index on disk. Each build is written to a fresh version folder beside the live one; only when every
 * file is written and flushed does the `CURRENT` pointer move to it (write-then-rename, which is atomic),
 * so a crash or Ctrl-C mid-build never breaks or loses the index in use. The manifest records the model,
 * settings, a content hash per article and a size and sha256 per file, so a truncated or mismatched
 * index is refused with a clear message instead of giving wrong answers.
 *
 *   embeddings/CURRENT            name of the live version folder
 *   embeddings/v-<time>/          manifest.json, articles.json, chunks.json, dense.hnsw, sentences.f32, lexical.json,
 *                                 annotations.json (the reader's tokens, tags and entities of every sentence)
 *   embeddings/.staging-<pid>-…   a build in progress (removed on the next run if it was interrupted)
 *   embeddings/.embed.lock        the embed lock (see lock.ts)
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Article } from '../corpus/types.js';
import { UserFacingError } from '../errors.js';
import { writeFileAtomic, writeFlushed } from '../files.js';
import type { SentenceAnnotation } from '../reader/annotate.js';
import type { Span } from '../sentences.js';
import { LexicalIndex, type TermStatistics } from './lexical-index.js';
import { loadHnswIndex, type HnswParams, type VectorIndex } from './vector-index.js';

/**
 * 2: lexical.json holds an article-level BM25 index beside the chunk-level one.
 * 3: annotations.json holds the reader's linguistic annotations of every sentence.
 */
export const FORMAT_VERSION = 3;
const POINTER = 'CURRENT';
const VERSIONS_KEPT = 2;

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
  hnsw: { space: 'cosine'; m: number; efConstruction: number };
  counts: { articles: number; chunks: number; sentences: number };
  /** The tagger that made annotations.json: another one means a rebuild. */
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

/** The searchable parts of an index, the same in a build being written and in a loaded index. */
interface SearchParts {
  chunks: ChunkRecord[];
  sentences: SentenceRecord[];
  /** Unit vectors of the sentences, `dimension` floats each, for quote selection. */
  sentenceVectors: Float32Array;
  /** Linguistic annotations of the sentences, aligned with `sentences`. */
  annotations: SentenceAnnotation[];
  dense: VectorIndex;
  lexical: LexicalIndex;
}

/** Everything a question needs, loaded once and shared; replaced whole when a new build lands. */
export interface IndexSnapshot extends SearchParts {
  version: string;
  manifest: IndexManifest;
  articles: Map<string, Article>;
}

/**
 * What reading a question needs, from either backend: the local index holds every record; a database
 * backend's view of one question holds only the retrieved chunks' (arrays indexed by label and id may then
 * be sparse, and the sentence vectors packed, found through `vectorOffset`).
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
export interface IndexContents extends SearchParts {
  manifest: Omit<IndexManifest, 'files' | 'builtAt' | 'formatVersion'>;
  articles: Article[];
}

export class IndexError extends UserFacingError {
  override name = 'IndexError';
}

/** No index has been built yet in this folder. */
export class IndexMissingError extends IndexError {
  override name = 'IndexMissingError';
}

const REBUILD_HINT = 'Run `npm run embed` to rebuild it.';

export function articleHash(article: Pick<Article, 'title' | 'text'>): string {
  return createHash('sha256').update(JSON.stringify([article.title, article.text])).digest('hex').slice(0, 16);
}

async function sha256File(file: string): Promise<{ bytes: number; sha256: string }> {
  const data = await fs.readFile(file);
  return { bytes: data.length, sha256: createHash('sha256').update(data).digest('hex') };
}

/** The name of the live version folder, or undefined when no index was ever built. */
export async function currentVersion(dir: string): Promise<string | undefined> {
  try {
    const name = (await fs.readFile(path.join(dir, POINTER), 'utf8')).trim();
    if (!/^v-[\w-]+$/.test(name)) throw new IndexError(`${path.join(dir, POINTER)} is damaged. ${REBUILD_HINT}`);
    return name;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Writes a build into a staging folder, then makes it the live version atomically. */
export async function writeIndex(dir: string, contents: IndexContents, signal?: AbortSignal): Promise<string> {
  await fs.mkdir(dir, { recursive: true });
  const staging = await fs.mkdtemp(path.join(dir, `.staging-${process.pid}-`));
  try {
    const files: Record<string, string | Uint8Array> = {
      'articles.json': JSON.stringify(contents.articles),
      'chunks.json': JSON.stringify({ chunks: contents.chunks, sentences: contents.sentences }),
      'sentences.f32': new Uint8Array(contents.sentenceVectors.buffer, contents.sentenceVectors.byteOffset, contents.sentenceVectors.byteLength),
      'lexical.json': contents.lexical.toJSON(),
      'annotations.json': JSON.stringify(contents.annotations),
    };
    for (const [name, data] of Object.entries(files)) {
      signal?.throwIfAborted();
      await writeFlushed(path.join(staging, name), data);
    }
    await contents.dense.save(path.join(staging, 'dense.hnsw'));
    signal?.throwIfAborted();

    const manifest: IndexManifest = {
      formatVersion: FORMAT_VERSION,
      builtAt: new Date().toISOString(),
      ...contents.manifest,
      files: {},
    };
    for (const name of [...Object.keys(files), 'dense.hnsw']) manifest.files[name] = await sha256File(path.join(staging, name));
    await writeFlushed(path.join(staging, 'manifest.json'), JSON.stringify(manifest, null, 2));

    const version = `v-${manifest.builtAt.replace(/[:.]/g, '-')}-${process.pid}`;
    await fs.rename(staging, path.join(dir, version));
    await writeFileAtomic(path.join(dir, POINTER), version + '\n');
    await removeOldVersions(dir, version);
    return version;
  } catch (error) {
    await fs.rm(staging, { recursive: true, force: true });
    throw error;
  }
}

/** Keeps the live version and the one before it (a reader may still be loading it); removes the rest. */
async function removeOldVersions(dir: string, live: string): Promise<void> {
  const versions = (await fs.readdir(dir)).filter((name) => name.startsWith('v-') && name !== live).sort();
  for (const old of versions.slice(0, Math.max(0, versions.length - (VERSIONS_KEPT - 1)))) {
    await fs.rm(path.join(dir, old), { recursive: true, force: true });
  }
}

async function readManifest(folder: string): Promise<IndexManifest> {
  let manifest: IndexManifest;
  try {
    manifest = JSON.parse(await fs.readFile(path.join(folder, 'manifest.json'), 'utf8')) as IndexManifest;
  } catch (error) {
    throw new IndexError(`The index manifest in ${folder} cannot be read (${(error as Error).message}). ${REBUILD_HINT}`);
  }
  if (manifest.formatVersion !== FORMAT_VERSION) {
    throw new IndexError(`The index in ${folder} has format ${manifest.formatVersion}; this version reads format ${FORMAT_VERSION}. ${REBUILD_HINT}`);
  }
  return manifest;
}

async function verifyFiles(folder: string, manifest: IndexManifest): Promise<void> {
  for (const [name, expected] of Object.entries(manifest.files)) {
    let actual: { bytes: number; sha256: string };
    try {
      actual = await sha256File(path.join(folder, name));
    } catch {
      throw new IndexError(`The index in ${folder} is missing ${name}. ${REBUILD_HINT}`);
    }
    if (actual.bytes !== expected.bytes || actual.sha256 !== expected.sha256) {
      throw new IndexError(
        `The index file ${name} in ${folder} is damaged (${actual.bytes} bytes, expected ${expected.bytes}, or its checksum differs). ${REBUILD_HINT}`,
      );
    }
  }
}

/** The live index's manifest, without loading the rest (for compatibility checks). */
export async function readCurrentManifest(dir: string): Promise<IndexManifest | undefined> {
  const version = await currentVersion(dir);
  return version ? readManifest(path.join(dir, version)) : undefined;
}

/** Loads and verifies the live index. */
export async function loadIndex(dir: string, hnsw: Pick<HnswParams, 'efSearch'>): Promise<IndexSnapshot> {
  const version = await currentVersion(dir);
  if (!version) throw new IndexMissingError(`No index has been built in ${dir} yet. Run \`npm run embed\` to build it.`);
  const folder = path.join(dir, version);
  const manifest = await readManifest(folder);
  await verifyFiles(folder, manifest);

  const articles = JSON.parse(await fs.readFile(path.join(folder, 'articles.json'), 'utf8')) as Article[];
  const { chunks, sentences } = JSON.parse(await fs.readFile(path.join(folder, 'chunks.json'), 'utf8')) as {
    chunks: ChunkRecord[];
    sentences: SentenceRecord[];
  };
  const vectorBytes = await fs.readFile(path.join(folder, 'sentences.f32'));
  const sentenceVectors = new Float32Array(vectorBytes.buffer.slice(vectorBytes.byteOffset, vectorBytes.byteOffset + vectorBytes.byteLength));
  const dense = await loadHnswIndex(path.join(folder, 'dense.hnsw'), manifest.model.dimension, {
    m: manifest.hnsw.m,
    efConstruction: manifest.hnsw.efConstruction,
    efSearch: hnsw.efSearch,
  });
  let lexical: LexicalIndex;
  let annotations: SentenceAnnotation[];
  try {
    lexical = LexicalIndex.fromJSON(await fs.readFile(path.join(folder, 'lexical.json'), 'utf8'));
    annotations = JSON.parse(await fs.readFile(path.join(folder, 'annotations.json'), 'utf8')) as SentenceAnnotation[];
  } catch (error) {
    throw new IndexError(`The index in ${folder} cannot be read (${(error as Error).message}). ${REBUILD_HINT}`);
  }

  if (
    dense.size !== chunks.length ||
    lexical.chunkCount !== chunks.length ||
    lexical.articleCount !== articles.length ||
    sentenceVectors.length !== sentences.length * manifest.model.dimension ||
    annotations.length !== sentences.length ||
    articles.length !== manifest.counts.articles
  ) {
    throw new IndexError(`The index in ${folder} is inconsistent (its parts disagree on counts). ${REBUILD_HINT}`);
  }
  return { version, manifest, articles: new Map(articles.map((a) => [a.id, a])), chunks, sentences, sentenceVectors, annotations, dense, lexical };
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
