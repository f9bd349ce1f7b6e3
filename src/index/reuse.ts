/**
 * What a build reuses of the live version: whether it can be reused at all (same model, chunking and tagger),
 * the chunks, vectors and annotations of each unchanged article, and whether there is anything to write.
 */
import type { Article } from '../corpus/types.js';
import { ANNOTATOR, type SentenceAnnotation } from '../reader/annotate.js';
import type { BuildTarget, PreviousCoverage, PreviousRecords } from './coverage.js';
import { articleHash } from '../corpus/ids.js';
import { IndexError, IndexMissingError, modelMismatch, REBUILD_HINT, SERVABLE_FORMATS, type ChunkingSignature, type IndexManifest, type ModelSignature } from './store.js';
import { graphOutdated, type HnswParams } from './vector-index.js';

/** The live index if it can be reused by this build, else the reason it cannot. */
export async function reusableIndex(target: BuildTarget, model: ModelSignature, chunking: ChunkingSignature) {
  let previous: PreviousCoverage;
  try {
    previous = await target.previous();
  } catch (error) {
    if (error instanceof IndexMissingError) return {};
    // The build under way is the rebuild the error's hint asks for: the reason goes without it.
    if (error instanceof IndexError) return { reason: `the previous index could not be used: ${error.message.replace(` ${REBUILD_HINT}`, '')}` };
    throw error;
  }
  // Not reused (or not readable): its files (a large local version's vectors, its SQLite file) are released
  // now, not when collected.
  const release = () => {
    previous.dense?.close?.();
    previous.close?.();
  };
  let reason: string | undefined;
  try {
    reason = unusable(previous.manifest, model, chunking);
  } catch (error) {
    release();
    throw error;
  }
  if (reason) release();
  return reason ? { reason } : { previous };
}

function unusable(manifest: IndexManifest, model: ModelSignature, chunking: ChunkingSignature): string | undefined {
  const mismatch = modelMismatch(manifest, model);
  if (mismatch) return `the previous index cannot be reused: ${mismatch}`;
  const built = manifest.chunking;
  if (built.maxTokens !== chunking.maxTokens || built.overlapSentences !== chunking.overlapSentences) return 'the previous index was chunked with other settings';
  if (manifest.annotator !== ANNOTATOR) return 'the previous index was annotated by another tagger';
  return undefined;
}

export interface ArticlePlan {
  article: Article;
  hash: string;
  chunks: { start: number; end: number; sentences: { start: number; end: number }[] }[];
  /** The distinct sentences of the chunks (which overlap), in order. */
  sentences: { start: number; end: number }[];
  /** Vectors and annotations reused from the previous index, absent for articles to embed. */
  reused?: { chunkLabels: number[]; sentenceVectors: Float32Array[]; annotations: SentenceAnnotation[] };
}

/** Positions of records per article id, grouped once rather than searched for every article. */
export function positionsByArticle(records: { articleId: string }[]): Map<string, number[]> {
  const positions = new Map<string, number[]>();
  records.forEach((record, position) => {
    const list = positions.get(record.articleId);
    if (list) list.push(position);
    else positions.set(record.articleId, [position]);
  });
  return positions;
}

export interface PreviousIndex {
  records: PreviousRecords;
  dimension: number;
  chunkLabels: Map<string, number[]>;
  sentenceIds: Map<string, number[]>;
}

export function reusedPlan(article: Article, hash: string, { records: previous, dimension, chunkLabels, sentenceIds: sentenceIdsByArticle }: PreviousIndex): ArticlePlan {
  const labels = chunkLabels.get(article.id) ?? [];
  const sentenceIds = sentenceIdsByArticle.get(article.id) ?? [];
  const chunks = labels.map((label) => {
    const chunk = previous.chunks[label]!;
    const ids = Array.from({ length: chunk.sentenceCount }, (_, i) => chunk.firstSentence + i);
    return { start: chunk.start, end: chunk.end, sentences: ids.map((id) => previous.sentences[id]!) };
  });
  return {
    article,
    hash,
    chunks,
    // The sentence vectors below belong to exactly these records.
    sentences: sentenceIds.map((id) => previous.sentences[id]!),
    reused: {
      chunkLabels: labels,
      sentenceVectors: sentenceIds.map((id) => previous.sentenceVectors.slice(id * dimension, (id + 1) * dimension)),
      annotations: sentenceIds.map((id) => previous.annotations[id]!),
    },
  };
}

/**
 * Whether the live version holds exactly these articles (every field, in this order, each under the content
 * hash this build gives it), built as this build would build it: then there is nothing to write.
 */
export function unchangedVersion(previous: PreviousCoverage, articles: Article[], hnsw: HnswParams): boolean {
  if (previous.stale || !SERVABLE_FORMATS.includes(previous.manifest.formatVersion) || !sameGraphSettings(previous.manifest, hnsw)) return false;
  // A large graph of full vectors, from before graphs were projected, is built again (its vectors reused).
  if (previous.dense && graphOutdated(previous.dense, hnsw.projectFrom)) return false;
  if (previous.articles.size !== articles.length || articles.some((a) => previous.manifest.articles[a.id] !== articleHash(a))) return false;
  const stored = previous.articles.values();
  return articles.every((article) => {
    const before = stored.next().value;
    return before !== undefined && sameArticle(before, article);
  });
}

/** Whether two articles agree in every field, whatever order the keys were written in (a stored one was read back from JSON). */
export function sameArticle(a: Article, b: Article): boolean {
  const canonical = (article: Article) => JSON.stringify(article, Object.keys(article).sort());
  return canonical(a) === canonical(b);
}

/** Whether a version's HNSW graph was built with the settings a build now uses. */
export function sameGraphSettings(manifest: IndexManifest, hnsw: HnswParams): boolean {
  return manifest.hnsw.m === hnsw.m && manifest.hnsw.efConstruction === hnsw.efConstruction;
}
