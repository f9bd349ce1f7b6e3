/** A BEIR-style dataset: nDCG@10, Recall@10/100 and MRR@10 per retrieval mode, with published reference rows. */
import type { Config, RetrievalMode } from '../../src/config.js';
import type { Embedder } from '../../src/embedder.js';
import { cachedIndex } from '../../src/eval/cached-index.js';
import type { Dataset } from '../../src/eval/datasets.js';
import { documentsFromChunks, mean, mrrAt, ndcgAt, recallAt } from '../../src/eval/metrics.js';
import { retrieve } from '../../src/retrieve.js';
import { num } from './tables.js';

const REFERENCE_NDCG10: Record<string, Record<string, number>> = {
  'BM25 (BEIR paper)': { scifact: 0.665, nfcorpus: 0.325 },
  'all-MiniLM-L6-v2': { scifact: 0.645, nfcorpus: 0.316 },
  'bge-small-en-v1.5': { scifact: 0.713, nfcorpus: 0.343 },
  'BM25 + bge-base, RRF (Anserini)': { scifact: 0.742, nfcorpus: 0.373 },
};
export async function evaluateDataset(config: Config, embedder: Embedder, dataset: Dataset, modes: RetrievalMode[], maxQueries: number) {
  const index = await cachedIndex(config, embedder, dataset.name, dataset.corpusFile);
  const queries = dataset.queries.slice(0, maxQueries);
  const started = performance.now();
  const vectors: Float32Array[] = [];
  for (const query of queries) vectors.push(await embedder.embedQuery(query.text));
  const embedMs = (performance.now() - started) / queries.length;
  const rows: string[][] = [];
  for (const mode of modes) {
    const t0 = performance.now();
    const metrics = queries.map((query, i) => {
      const chunks = retrieve(index, query.text, vectors[i]!, { mode, limit: 400 });
      const ranked = documentsFromChunks(chunks.map((c) => index.chunks[c.label]!.articleId));
      const judgments = dataset.qrels.get(query.id)!;
      return [ndcgAt(ranked, judgments, 10), recallAt(ranked, judgments, 10), recallAt(ranked, judgments, 100), mrrAt(ranked, judgments, 10)];
    });
    const searchMs = (performance.now() - t0) / queries.length;
    rows.push([dataset.name, mode, ...[0, 1, 2, 3].map((m) => num(mean(metrics.map((r) => r[m]!)))), `${(embedMs + searchMs).toFixed(1)} ms`]);
  }
  for (const [system, scores] of Object.entries(REFERENCE_NDCG10)) {
    if (scores[dataset.name] !== undefined) rows.push([dataset.name, `ref: ${system}`, num(scores[dataset.name]!), '', '', '', '']);
  }
  return { rows, queries: queries.length, chunks: index.chunks.length, documents: index.articles.size };
}

