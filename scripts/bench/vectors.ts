/**
 * Vector-index measurements on synthetic data: seeded random unit vectors, exact search, recall@k and search
 * latency of an HNSW index, and the parameter sweep built from them.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { buildHnswIndex, loadHnswIndex, type HnswParams, type VectorIndex } from '../../src/index/vector-index.js';
import { log, peakRssKb, percentiles, timed, type Percentiles } from './measure.js';
import { dot } from '../../src/vector-math.js';

/** A seeded generator, so the synthetic vectors are the same on every run. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random unit vectors, uniform on the sphere (normalised Gaussians). */
export function randomUnitVectors(count: number, dimension: number, seed: number): Float32Array[] {
  const random = mulberry32(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Array.from({ length: count }, () => {
    const v = Float32Array.from({ length: dimension }, gaussian);
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
}

/** Exact top-k by cosine (all vectors are unit length): returns the k-th best similarity per query. */
export function exactKthSimilarity(data: Float32Array[], queries: Float32Array[], k: number): number[] {
  return queries.map((query) => {
    const best = new Float64Array(k).fill(-Infinity); // ascending: best[0] is the k-th best so far
    for (const vector of data) {
      const s = dot(query, vector);
      if (s <= best[0]!) continue;
      let i = 0;
      while (i + 1 < k && best[i + 1]! < s) {
        best[i] = best[i + 1]!;
        i++;
      }
      best[i] = s;
    }
    return best[0]!;
  });
}

/**
 * recall@k against exact search. A hit counts when its true similarity reaches the exact k-th best, so
 * ties (duplicate passages give identical vectors) are not counted as misses.
 */
export function recallAtK(index: VectorIndex, data: Float32Array[], queries: Float32Array[], kth: number[], k: number): number {
  let found = 0;
  queries.forEach((query, q) => {
    for (const hit of index.search(query, k)) if (dot(query, data[hit.label]!) >= kth[q]! - 1e-6) found++;
  });
  return found / (queries.length * k);
}

export function searchLatencies(index: VectorIndex, queries: Float32Array[], k: number): number[] {
  for (const query of queries.slice(0, 10)) index.search(query, k); // warm caches
  return queries.map((query) => {
    const start = performance.now();
    index.search(query, k);
    return performance.now() - start;
  });
}

export interface SweepRow {
  m: number;
  efConstruction: number;
  buildSeconds: number;
  efSearch: number;
  recall: number;
  latency: Percentiles;
  latencyAtDepth: Percentiles;
}

/**
 * The HNSW sweep on random unit vectors: build time, recall@10 against exact search and latency (at k = 10
 * and at the pipeline's `depth`) for each M / efConstruction / efSearch; the graph is saved in `scratchDir`.
 * The graphs hold the full vectors whatever their number: the sweep is of the graph's parameters, and a
 * projected graph of random vectors (which have no leading directions) finds nothing (docs/SCALING.md).
 */
export async function benchSynthetic(count: number, dimension: number, queryCount: number, builds: { m: number; efConstruction: number }[], efSearches: number[], depth: number, scratchDir: string) {
  log(`synthetic: ${count} x ${dimension}-d random unit vectors`);
  const data = randomUnitVectors(count, dimension, 1);
  const queries = randomUnitVectors(queryCount, dimension, 2);
  const exact = await timed(() => exactKthSimilarity(data, queries, 10));
  const exactLatency = exact.ms / queries.length;
  const rows: SweepRow[] = [];
  const file = path.join(scratchDir, `synthetic-${process.pid}.hnsw`);
  try {
    for (const { m, efConstruction } of builds) {
      {
        const params: HnswParams = { m, efConstruction, efSearch: 100, projectFrom: Infinity };
        const built = await timed(() => buildHnswIndex(data, dimension, params));
        await built.value.save(file);
        // VectorIndex fixes efSearch when loaded, so each efSearch gets its own load of the same graph.
        for (const efSearch of efSearches) {
          const index = await loadHnswIndex(file, dimension, { ...params, efSearch });
          rows.push({
            m,
            efConstruction,
            buildSeconds: built.ms / 1000,
            efSearch,
            recall: recallAtK(index, data, queries, exact.value, 10),
            latency: percentiles(searchLatencies(index, queries, 10)),
            latencyAtDepth: percentiles(searchLatencies(index, queries, depth)),
          });
        }
        log(`  M ${m}, efC ${efConstruction}: built in ${(built.ms / 1000).toFixed(1)} s; recall@10 ${rows.slice(-efSearches.length).map((r) => r.recall.toFixed(3)).join(' / ')}`);
      }
    }
  } finally {
    await fs.rm(file, { force: true });
  }
  return { count, dimension, queries: queryCount, exactLatencyMs: exactLatency, rows, rssKb: peakRssKb() };
}

export type SyntheticResult = Awaited<ReturnType<typeof benchSynthetic>>;
