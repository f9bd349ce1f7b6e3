/** Ranking metrics as trec_eval computes them (linear gains for graded judgments). */

/** Relevance judgments of one query: document id → grade (0 = judged not relevant). */
export type Judgments = Map<string, number>;

export function ndcgAt(ranked: string[], judgments: Judgments, k: number): number {
  const dcg = ranked.slice(0, k).reduce((sum, id, i) => sum + (judgments.get(id) ?? 0) / Math.log2(i + 2), 0);
  const ideal = [...judgments.values()].filter((g) => g > 0).sort((a, b) => b - a).slice(0, k);
  const idcg = ideal.reduce((sum, gain, i) => sum + gain / Math.log2(i + 2), 0);
  return idcg === 0 ? 0 : dcg / idcg;
}

export function recallAt(ranked: string[], judgments: Judgments, k: number): number {
  const relevant = [...judgments].filter(([, g]) => g > 0).map(([id]) => id);
  if (relevant.length === 0) return 0;
  const top = new Set(ranked.slice(0, k));
  return relevant.filter((id) => top.has(id)).length / relevant.length;
}

export function mrrAt(ranked: string[], judgments: Judgments, k: number): number {
  const index = ranked.slice(0, k).findIndex((id) => (judgments.get(id) ?? 0) > 0);
  return index < 0 ? 0 : 1 / (index + 1);
}

export function mean(values: number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

/** Document ranking from chunk ranking: each document scores as its best chunk (first occurrence). */
export function documentsFromChunks(chunkDocuments: string[]): string[] {
  return [...new Set(chunkDocuments)];
}
