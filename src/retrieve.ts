/**
 * Question → ranked chunks: dense search in the HNSW index, BM25, or both, fused by reciprocal rank fusion
 * (RRF), which needs no score calibration between lists. BM25 ranks chunks twice: by their own text, and
 * by how well their whole article matches, since the evidence for a question may be spread over an article.
 */
import type { RetrievalMode } from './config.js';
import type { ArticleHit } from './index/lexical-index.js';
import type { IndexSnapshot } from './index/store.js';

export interface RetrievedChunk {
  /** The chunk's label: its position in the index's chunk table. */
  label: number;
  /** The ranking score of the chosen mode: cosine similarity in dense mode, else the RRF score. */
  score: number;
}

export interface RetrieveOptions {
  mode: RetrievalMode;
  /** How many chunks to return. */
  limit: number;
  /** Leaves one article out of every list before fusion (training asks questions with their article withheld). */
  excludeArticle?: string;
  /** Keeps only the chunks of the articles it accepts (a period of publication). */
  keepArticle?: (articleId: string) => boolean;
  /**
   * Articles to favour (those a conversation already cited): their chunks found by the other lists are
   * ranked once more, in one more fused list. An id the index no longer has is simply never matched.
   */
  boostArticles?: ReadonlySet<string>;
}

/** With a filter, every list is searched this much deeper, so enough chunks pass it. */
const FILTERED_DEPTH = 5;

/** The constant of reciprocal rank fusion (Cormack et al., 2009). */
const RRF_K = 60;
/**
 * Weight of the dense list in the fusion, each BM25 list counting 1: the shipped model is a much weaker
 * retriever than BM25, so its votes count for less. Measured with the three lists (nDCG@10 SciFact / NQ-UTD,
 * dense weight 0.1 / 0.25 / 0.5): 0.670 / 0.810, 0.667 / 0.809, 0.658 / 0.821; see docs/EVALUATION.md.
 */
export const DENSE_FUSION_WEIGHT = 0.25;
/**
 * Weight of the article-level BM25 list, chunk-level BM25 counting 1. Measured (BM25 alone, nDCG@10, best
 * chunk → chunk and article lists fused at weight 0.5 / 1): SciFact 0.642 → 0.665 / 0.666 (full-article
 * BM25 alone 0.659), NQ-UTD 0.808 → 0.812 / 0.812.
 */
export const ARTICLE_FUSION_WEIGHT = 1;
/** Weight of the list of boosted articles' chunks (a follow-up's earlier citations), chunk-level BM25 counting 1. */
export const BOOST_FUSION_WEIGHT = 0.5;
/** Each list is searched deeper than the limit, so fusion can bring up what one list ranks lower. */
const FUSION_DEPTH = 2;

/** The three ranked lists fusion combines, as a backend's searches return them (each `depth` deep). */
export interface SearchLists {
  dense: RetrievedChunk[];
  lexical: RetrievedChunk[];
  articles: ArticleHit[];
}

/**
 * Depth of a dense-only search, at least: the pipeline's when it retrieved 20 chunks (it retrieves the 10 the
 * reader reads since the eleventh session). A shallower one ranks other chunks first under a period filter
 * (fewer pass it) or an efSearch under 20 (hnswlib searches max(efSearch, k) deep).
 */
const DENSE_MIN_DEPTH = 20;

/** How deep each list is searched for a question. */
export function searchDepth(options: Pick<RetrieveOptions, 'mode' | 'limit' | 'keepArticle'>): number {
  return (options.mode === 'dense' ? Math.max(options.limit, DENSE_MIN_DEPTH) : Math.max(options.limit * FUSION_DEPTH, 50)) * (options.keepArticle ? FILTERED_DEPTH : 1);
}

/** The local index's lists: its HNSW and MiniSearch indexes, searched in this process. */
export function localLists(index: IndexSnapshot, question: string, queryVector: Float32Array, mode: RetrievalMode, depth: number): SearchLists {
  const dense = mode === 'lexical' ? [] : index.dense.search(queryVector, depth).map((h) => ({ label: h.label, score: h.similarity }));
  if (mode === 'dense') return { dense, lexical: [], articles: [] };
  return { dense, lexical: index.lexical.query(question, depth), articles: index.lexical.queryArticles(question, depth) };
}

/** Filters and fuses a backend's lists into the ranked chunks of a question; `articleOf` names a listed chunk's article. */
export function fuseLists(lists: SearchLists, articleOf: (label: number) => string, options: RetrieveOptions): RetrievedChunk[] {
  const { excludeArticle, keepArticle } = options;
  const accepted = (articleId: string) => articleId !== excludeArticle && (keepArticle?.(articleId) ?? true);
  const kept = (hits: RetrievedChunk[]) => (excludeArticle === undefined && !keepArticle ? hits : hits.filter((h) => accepted(articleOf(h.label))));
  const dense = kept(lists.dense);
  if (options.mode === 'dense') return dense.slice(0, options.limit);
  const lexical = kept(lists.lexical);
  const byArticle = rankByArticle(lists.articles, articleOf, [lexical, dense]);
  const ranked = options.mode === 'lexical' ? [lexical, byArticle] : [dense, lexical, byArticle];
  const weights = options.mode === 'lexical' ? [1, ARTICLE_FUSION_WEIGHT] : [DENSE_FUSION_WEIGHT, 1, ARTICLE_FUSION_WEIGHT];
  if (options.boostArticles && options.boostArticles.size > 0) {
    ranked.push(boosted(articleOf, ranked, options.boostArticles));
    weights.push(BOOST_FUSION_WEIGHT);
  }
  return reciprocalRankFusion(ranked, weights).slice(0, options.limit);
}

export function retrieve(index: IndexSnapshot, question: string, queryVector: Float32Array, options: RetrieveOptions): RetrievedChunk[] {
  const lists = localLists(index, question, queryVector, options.mode, searchDepth(options));
  return fuseLists(lists, (label) => index.chunks[label]!.articleId, options);
}

/** Weighted reciprocal rank fusion: each list adds weight / (k + rank) to the items it ranks. */
export function reciprocalRankFusion(rankings: RetrievedChunk[][], weights: number[] = rankings.map(() => 1)): RetrievedChunk[] {
  const fused = new Map<number, number>();
  rankings.forEach((ranking, list) => {
    ranking.forEach((hit, rank) => fused.set(hit.label, (fused.get(hit.label) ?? 0) + weights[list]! / (RRF_K + rank + 1)));
  });
  return [...fused].map(([label, score]) => ({ label, score })).sort((a, b) => b.score - a.score || a.label - b.label);
}

/** The chunks of the boosted articles among those the lists found, by their best rank in them. */
function boosted(articleOf: (label: number) => string, lists: RetrievedChunk[][], articles: ReadonlySet<string>): RetrievedChunk[] {
  const best = new Map<number, number>();
  for (const list of lists) {
    list.forEach(({ label }, rank) => {
      if (articles.has(articleOf(label))) best.set(label, Math.min(rank, best.get(label) ?? Infinity));
    });
  }
  return [...best].sort((a, b) => a[1] - b[1] || a[0] - b[0]).map(([label, rank]) => ({ label, score: -rank }));
}

/**
 * The chunks the other lists found, re-ranked by their article's BM25 rank (it brings in no new chunk);
 * within an article, by their best rank in the other lists.
 */
function rankByArticle(articles: ArticleHit[], articleOf: (label: number) => string, lists: RetrievedChunk[][]): RetrievedChunk[] {
  const articleRank = new Map(articles.map((hit, rank) => [hit.articleId, rank]));
  const bestRank = new Map<number, number>();
  for (const list of lists) list.forEach(({ label }, rank) => bestRank.set(label, Math.min(rank, bestRank.get(label) ?? Infinity)));
  const ranked: { label: number; articleRank: number; bestRank: number }[] = [];
  for (const [label, best] of bestRank) {
    const rank = articleRank.get(articleOf(label));
    if (rank !== undefined) ranked.push({ label, articleRank: rank, bestRank: best });
  }
  return ranked
    .sort((a, b) => a.articleRank - b.articleRank || a.bestRank - b.bestRank || a.label - b.label)
    .map(({ label, articleRank }) => ({ label, score: -articleRank }));
}
