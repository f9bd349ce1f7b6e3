/**
 * Nearest-neighbour search over vectors. The only module that knows hnswlib-node; a VectorIndex can be
 * swapped for another store by implementing the same interface.
 */
import hnswlib from 'hnswlib-node';

export interface VectorHit {
  label: number;
  /** Cosine similarity, higher is closer. */
  similarity: number;
}

export interface VectorIndex {
  readonly dimension: number;
  readonly size: number;
  search(query: Float32Array, k: number): VectorHit[];
  /** The stored (unit-length) vector of a label. */
  vector(label: number): Float32Array;
  save(file: string): Promise<void>;
}

export interface HnswParams {
  m: number;
  efConstruction: number;
  /** Candidate list size at query time; hnswlib searches with max(ef, k). */
  efSearch: number;
}

const RANDOM_SEED = 100;

class HnswVectorIndex implements VectorIndex {
  constructor(private readonly index: hnswlib.HierarchicalNSW, readonly dimension: number) {}

  get size(): number {
    return this.index.getCurrentCount();
  }

  search(query: Float32Array, k: number): VectorHit[] {
    const n = Math.min(k, this.size);
    if (n === 0) return [];
    const { neighbors, distances } = this.index.searchKnn(Array.from(query), n);
    return neighbors.map((label, i) => ({ label, similarity: 1 - distances[i]! }));
  }

  vector(label: number): Float32Array {
    return Float32Array.from(this.index.getPoint(label));
  }

  async save(file: string): Promise<void> {
    await this.index.writeIndex(file);
  }
}

/** Builds an index whose labels are the positions of `vectors`. */
export function buildHnswIndex(vectors: Float32Array[], dimension: number, params: HnswParams): VectorIndex {
  const index = new hnswlib.HierarchicalNSW('cosine', dimension);
  index.initIndex(Math.max(1, vectors.length), params.m, params.efConstruction, RANDOM_SEED);
  vectors.forEach((vector, label) => index.addPoint(Array.from(vector), label));
  index.setEf(params.efSearch);
  return new HnswVectorIndex(index, dimension);
}

export async function loadHnswIndex(file: string, dimension: number, params: HnswParams): Promise<VectorIndex> {
  const index = new hnswlib.HierarchicalNSW('cosine', dimension);
  await index.readIndex(file);
  index.setEf(params.efSearch);
  return new HnswVectorIndex(index, dimension);
}
