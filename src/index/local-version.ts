/**
 * The live local version opened from its folder: the manifest and files verified, the SQLite file opened
 * read-only, the HNSW index, the articles and the term tables loaded. Served lean (`localVersionCoverage`: per
 * question, BM25 in the file and the retrieved chunks' rows read from it), or loaded whole into an
 * IndexSnapshot for the tools that work in memory (`loadIndex`: the evaluation, the benchmark's stages).
 */
import path from 'node:path';
import type { Article, KnownArticle } from '../corpus/types.js';
import type { Coverage, PreviousCoverage, PreviousRecords } from './coverage.js';
import { leanCoverage, viewSentenceIds } from './lean-coverage.js';
import { ArticleTexts } from './article-texts.js';
import type { ArticleHit, LexicalHit, LexicalSearch, TermTable } from './lexical-index.js';
import { COVERAGE_FILE, CoverageFile } from './sqlite-file.js';
import { currentVersion, IndexError, readManifest, REBUILD_HINT, REUSABLE_FORMATS, SERVABLE_FORMATS, verifiedVersion, type IndexManifest, type IndexSnapshot } from './store.js';
import { labelsFile, loadHnswIndex, projectionFile, type HnswParams, type VectorIndex } from './vector-index.js';

export interface LocalVersion {
  version: string;
  manifest: IndexManifest;
  file: CoverageFile;
  dense: VectorIndex;
  /** The articles in their stored order (the file names them by position). */
  articleIds: string[];
  articles: Map<string, Article>;
  terms: TermTable;
  /** The article position of every chunk, by label. */
  chunkArticles: Int32Array;
}

/** Opens the live version of an index folder; IndexMissingError when none was built, IndexError when it cannot be read. */
export function openLocalVersion(dir: string, hnsw: Pick<HnswParams, 'efSearch'>): Promise<LocalVersion> {
  return openVersion(dir, hnsw, SERVABLE_FORMATS, true);
}

/**
 * The live version's articles (id, source file, text hash), for the next load of the corpus to keep their ids;
 * none when nothing was built. Read without verifying the files: a damaged version is the build's to report,
 * and the ids are then given as if it were new.
 */
export async function knownArticles(dir: string): Promise<KnownArticle[]> {
  let file: CoverageFile | undefined;
  try {
    const version = await currentVersion(dir);
    if (!version) return [];
    const folder = path.join(dir, version);
    const manifest = await readManifest(folder, REUSABLE_FORMATS);
    file = CoverageFile.open(path.join(folder, COVERAGE_FILE), { searchable: false });
    return file.articleSources().map((a) => ({ ...a, hash: manifest.articles[a.id] ?? '' }));
  } catch (error) {
    // Best effort: an unreadable version, or a path the build will refuse (ENOTDIR), is the build's to report.
    if (error instanceof IndexError || typeof (error as { code?: unknown }).code === 'string') return [];
    throw error;
  } finally {
    file?.close();
  }
}

/**
 * What a re-embed reuses of the live version, which may be of an older format (REUSABLE_FORMATS): its articles
 * now, its records when the build asks for them (previousOf); it is never searched.
 */
export async function openPrevious(dir: string, hnsw: Pick<HnswParams, 'efSearch'>): Promise<PreviousCoverage> {
  return previousOf(await openVersion(dir, hnsw, REUSABLE_FORMATS, false));
}

async function openVersion(dir: string, hnsw: Pick<HnswParams, 'efSearch'>, formats: readonly number[], searchable: boolean): Promise<LocalVersion> {
  const { version, folder, manifest } = await verifiedVersion(dir, formats);
  let file: CoverageFile | undefined;
  let dense: VectorIndex | undefined;
  try {
    dense = await loadDense(folder, manifest, hnsw, !searchable);
    file = CoverageFile.open(path.join(folder, COVERAGE_FILE), { searchable });
    const counts = file.counts();
    const list = searchable ? articlesReadingTexts(file) : file.articles();
    const chunkArticles = file.chunkArticles();
    const { chunks, articles, sentences } = manifest.counts;
    if (
      dense.size !== chunks ||
      counts.chunks !== chunks ||
      counts.chunkLengths !== chunks ||
      counts.articles !== articles ||
      counts.articleLengths !== articles ||
      counts.sentences !== sentences ||
      list.length !== articles
    ) {
      throw new IndexError(`The index in ${folder} is inconsistent (its parts disagree on counts). ${REBUILD_HINT}`);
    }
    const terms = file.terms(chunks);
    return { version, manifest, file, dense, articleIds: list.map((a) => a.id), articles: new Map(list.map((a) => [a.id, a])), terms, chunkArticles };
  } catch (error) {
    file?.close();
    dense?.close?.();
    if (error instanceof IndexError) throw error;
    throw new IndexError(`The index in ${folder} cannot be read (${(error as Error).message}). ${REBUILD_HINT}`);
  }
}

/** A served version's articles: their texts stay in the file until asked for (article-texts.ts). */
function articlesReadingTexts(file: CoverageFile): Article[] {
  const texts = new ArticleTexts((position) => {
    const text = file.articleText(position);
    if (text !== undefined) return text;
    if (!file.isOpen) throw new IndexError('This version of the index was closed (a newer one replaced it): please ask again.');
    throw new IndexError(`The index has no text for its article ${position}. ${REBUILD_HINT}`);
  });
  return file.articleMetadata().map((metadata, position) => texts.article(metadata, position));
}

/**
 * A version's HNSW index, with its label map when the manifest lists one; loaded `updatable` for a re-embed,
 * which may update the graph in place.
 */
export function loadDense(folder: string, manifest: IndexManifest, hnsw: Pick<HnswParams, 'efSearch'>, updatable = false): Promise<VectorIndex> {
  const file = path.join(folder, 'dense.hnsw');
  return loadHnswIndex(file, manifest.model.dimension, { m: manifest.hnsw.m, efConstruction: manifest.hnsw.efConstruction, efSearch: hnsw.efSearch }, {
    updatable,
    labels: path.basename(labelsFile(file)) in manifest.files,
    projected: path.basename(projectionFile(file)) in manifest.files,
  });
}

/** BM25 over whole articles for some normalized terms. */
function searchArticles(local: LocalVersion, searched: string[], k: number): ArticleHit[] {
  return local.file.searchArticles(searched, k).map((r) => ({ articleId: local.articleIds[r.position]!, score: r.score }));
}

/** BM25 in the version's SQLite file (its postings tables), with the query terms TermTable.searchTerms picks. */
class SqliteLexical implements LexicalSearch {
  constructor(
    private readonly local: LocalVersion,
    readonly terms: TermTable = local.terms,
  ) {}

  get vocabulary() {
    return this.terms.vocabulary;
  }
  get chunkCount(): number {
    return this.local.manifest.counts.chunks;
  }
  get articleCount(): number {
    return this.local.manifest.counts.articles;
  }
  documentFrequency(term: string): number {
    return this.terms.documentFrequency(term);
  }
  idf(term: string): number {
    return this.terms.idf(term);
  }

  query(text: string, k: number): LexicalHit[] {
    return this.local.file.searchChunks(this.terms.searchTerms(text), k);
  }

  queryArticles(text: string, k: number): ArticleHit[] {
    return searchArticles(this.local, this.terms.searchTerms(text), k);
  }
}

/** Every record of a version read into memory (the sentence vectors and annotations too). */
export function snapshotOf(local: LocalVersion): IndexSnapshot {
  const records = local.file.readAll(local.articleIds, local.manifest.model.dimension);
  return { version: local.version, manifest: local.manifest, articles: local.articles, ...records, dense: local.dense, lexical: new SqliteLexical(local) };
}

/** Loads and verifies the live index whole. */
export async function loadIndex(dir: string, hnsw: Pick<HnswParams, 'efSearch'>): Promise<IndexSnapshot> {
  return snapshotOf(await openLocalVersion(dir, hnsw));
}

/**
 * What a re-embed reuses of a version: the file stays open for its records until they are read (then it is
 * closed) or `close` is called.
 */
export function previousOf(local: LocalVersion): PreviousCoverage {
  let records: PreviousRecords | undefined;
  const read = (): PreviousRecords => {
    if (!records) {
      try {
        records = { ...local.file.readAll(local.articleIds, local.manifest.model.dimension), chunkVector: (label) => local.dense.vector(label) };
      } finally {
        local.file.close();
      }
    }
    return records;
  };
  try {
    // Articles whose texts are read when asked for (a served version's) read them now, while the file is open.
    const articles = new Map([...local.articles].map(([id, article]) => [id, { ...article }]));
    return { version: local.version, manifest: local.manifest, articles, records: async () => read(), close: () => local.file.close(), dense: local.dense };
  } catch (error) {
    local.file.close();
    throw error;
  }
}

/** The version served lean; its `snapshot` (everything in memory) is loaded only when a tool asks for it. */
export function localVersionCoverage(local: LocalVersion): Coverage {
  const articleOf = (label: number) => local.articleIds[local.chunkArticles[label]!]!;
  const coverage = leanCoverage(
    { backend: 'local', version: local.version, manifest: local.manifest, articles: local.articles, terms: local.terms },
    {
      dense: (vector, depth) => local.dense.search(vector, depth).map((h) => ({ label: h.label, article_id: articleOf(h.label), score: h.similarity })),
      lexical: (searched, depth) => ({
        chunks: local.file.searchChunks(searched, depth).map((h) => ({ ...h, article_id: articleOf(h.label) })),
        articles: searchArticles(local, searched, depth),
      }),
      rows: (labels) => local.file.viewRows(labels, viewSentenceIds, local.articleIds),
    },
  );
  let snapshot: IndexSnapshot | undefined;
  coverage.close = () => {
    local.file.close();
    local.dense.close?.();
  };
  return Object.defineProperty(coverage, 'snapshot', { get: () => (snapshot ??= snapshotOf(local)), enumerable: false });
}
