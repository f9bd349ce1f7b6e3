/**
 * Nearest-neighbour search over vectors. The only module that knows hnswlib-node; a VectorIndex can be
 * swapped for another store by implementing the same interface.
 *
 * Labels are the positions of the vectors (a chunk's position in its version). An index built afresh stores
 * them as hnswlib's own labels; an index updated in place (`updateHnswIndex`: a re-embed that changed a few
 * articles) keeps its graph, in which the unchanged points keep the labels they had, so it carries a map from
 * position to hnswlib label, saved beside the graph (`<file>.labels`).
 *
 * A large index (HNSW_PROJECT_FROM vectors or more, DEFAULT_PROJECT_FROM by default) keeps only short vectors
 * in its graph: the full ones projected onto their leading directions (projection.ts, `<file>.projection`), a
 * quarter of the memory. The full vectors stay in a file (`<file>.vectors`, vector-file.ts) and re-rank the
 * graph's candidates, twice as many as asked for and at least 100, so that the results are those of the full
 * vectors (docs/SCALING.md). A projected graph stays projected: only a build afresh (a new index folder) makes
 * one of full vectors again.
 */
import { existsSync, promises as fs } from 'node:fs';
import hnswlib from 'hnswlib-node';
import { DEFAULT_PROJECT_FROM } from '../config.js';
import { Projection } from './projection.js';
import { IndexError } from './store.js';
import { rankByFullVectors, VectorFile, writeVectorFile, type FullVectors } from './vector-file.js';

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
  /** Writes the index to `file` (and its label map, projection and full vectors beside it, when it has them); returns the files written. */
  save(file: string): Promise<string[]>;
  /** Releases the file of full vectors a loaded large index reads (the others hold nothing to release). */
  close?(): void;
}

export interface HnswParams {
  m: number;
  efConstruction: number;
  /** Candidate list size at query time; hnswlib searches with max(ef, k), and a projected graph with max(ef, 2k, 100). */
  efSearch: number;
  /** Vectors from which a build makes a projected graph (default DEFAULT_PROJECT_FROM). */
  projectFrom?: number;
}

const RANDOM_SEED = 100;
const LABELS_SUFFIX = '.labels';
const PROJECTION_SUFFIX = '.projection';
const VECTORS_SUFFIX = '.vectors';
/** The dimension of a projected graph's vectors. */
export const PROJECTED_DIMENSION = 96;
/** A projected graph is asked for this many times the results wanted, at least POOL_MIN, which the full vectors re-rank. */
const POOL_FACTOR = 2;
const POOL_MIN = 100;

/** What a projected graph has beside it. */
interface Projected {
  projection: Projection;
  full: FullVectors;
}

const wantsProjection = (count: number, dimension: number, projectFrom = DEFAULT_PROJECT_FROM) => count >= projectFrom && dimension > PROJECTED_DIMENSION;
/**
 * An update leaving deleted points (more removed than added) above this share of the new size, or bringing
 * the points put in place since the graph was last built afresh above UPDATE_MAX_ADDED of it, builds afresh
 * instead: deleted points still cost memory and search time, a graph mostly made of replacements is no faster
 * to make than a new one, and its search quality was measured after updates of up to 20 % (docs/SCALING.md).
 */
const UPDATE_MAX_STALE = 0.1;
const UPDATE_MAX_ADDED = 0.5;

class HnswVectorIndex implements VectorIndex {
  /** hnswlib's label of each position, and the position of each hnswlib label; absent when they are equal. */
  private readonly toPosition?: Map<number, number>;

  constructor(
    private readonly index: hnswlib.HierarchicalNSW,
    readonly dimension: number,
    /** Whether deleted points may be replaced (set when the file was read). */
    readonly updatable: boolean,
    private readonly labels?: Int32Array,
    private readonly projected?: Projected,
  ) {
    if (labels) this.toPosition = new Map(Array.from(labels, (label, position) => [label, position]));
  }

  get size(): number {
    return this.labels ? this.labels.length : this.index.getCurrentCount();
  }

  get isProjected(): boolean {
    return this.projected !== undefined;
  }

  /** Points in the graph, deleted ones included. */
  get points(): number {
    return this.index.getCurrentCount();
  }

  search(query: Float32Array, k: number): VectorHit[] {
    const n = Math.min(k, this.size);
    if (n === 0) return [];
    const position = (label: number) => (this.toPosition ? this.toPosition.get(label)! : label);
    if (!this.projected) {
      const { neighbors, distances } = this.index.searchKnn(Array.from(query), n);
      return neighbors.map((label, i) => ({ label: position(label), similarity: 1 - distances[i]! }));
    }
    const pool = Math.min(this.size, Math.max(n * POOL_FACTOR, POOL_MIN));
    const positions = this.index.searchKnn(Array.from(this.projected.projection.apply(query)), pool).neighbors.map(position);
    return rankByFullVectors(query, positions, this.projected.full, n);
  }

  vector(label: number): Float32Array {
    if (this.projected) return this.projected.full.read([label])[0]!;
    return Float32Array.from(this.index.getPoint(this.labels ? this.labels[label]! : label));
  }

  async save(file: string): Promise<string[]> {
    await this.index.writeIndex(file);
    await verifyGraphFile(file, this.index.getNumDimensions());
    const files = [file];
    if (this.labels) {
      await fs.writeFile(labelsFile(file), new Uint8Array(this.labels.buffer, this.labels.byteOffset, this.labels.byteLength));
      files.push(labelsFile(file));
    }
    if (this.projected) {
      await this.projected.projection.save(projectionFile(file));
      await writeVectorFile(vectorsFile(file), this.size, this.dimension, (position) => this.vector(position));
      files.push(projectionFile(file), vectorsFile(file));
    }
    return files;
  }

  close(): void {
    this.projected?.full.close?.();
  }

  /** See updateHnswIndex. The graph is changed in place: afterwards only the kept labels of this object may be read. */
  update(origins: Int32Array, added: (position: number) => Float32Array, addedBefore: number, projectFrom?: number): InPlaceUpdate | undefined {
    const addedCount = origins.reduce((n, origin) => n + (origin < 0 ? 1 : 0), 0);
    const kept = origins.length - addedCount;
    const deleted = this.points - kept;
    if (!this.updatable || addedBefore + addedCount > UPDATE_MAX_ADDED * origins.length || deleted - addedCount > UPDATE_MAX_STALE * origins.length) return undefined;
    // A graph of full vectors grown large enough to project is built afresh, projected.
    if (!this.projected && wantsProjection(origins.length, this.dimension, projectFrom)) return undefined;
    const projected = this.projected;
    const graphVector = (vector: Float32Array) => Array.from(projected ? projected.projection.apply(vector) : vector);

    const labelOf = (position: number) => (this.labels ? this.labels[position]! : position);
    const keep = new Set<number>();
    for (const origin of origins) if (origin >= 0) keep.add(origin);
    for (let position = 0; position < this.size; position++) if (!keep.has(position)) this.index.markDelete(labelOf(position));
    // Labels of deleted points stay taken until a new point replaces them: new points get labels above all.
    let next = this.index.getIdsList().reduce((max, label) => Math.max(max, label), -1) + 1;
    const needed = this.points + Math.max(0, addedCount - deleted);
    if (needed > this.index.getMaxElements()) this.index.resizeIndex(needed);
    const labels = new Int32Array(origins.length);
    origins.forEach((origin, position) => {
      if (origin >= 0) labels[position] = labelOf(origin);
      else {
        labels[position] = next++;
        this.index.addPoint(graphVector(added(position)), labels[position]!, true);
      }
    });
    // Without a map, a graph's size is its count of points: so only one with no deleted points can drop it.
    const identity = this.index.getCurrentCount() === labels.length && labels.every((label, position) => label === position);
    // The full vectors of the new positions: the kept ones read from this index's, the new ones given.
    const full: Projected | undefined = projected && {
      projection: projected.projection,
      full: { read: (positions) => positions.map((p) => (origins[p]! >= 0 ? projected.full.read([origins[p]!])[0]! : added(p))) },
    };
    return { index: new HnswVectorIndex(this.index, this.dimension, this.updatable, identity ? undefined : labels, full), addedInPlace: addedBefore + addedCount };
  }
}

/** Builds an index whose labels are the positions of `vectors`: a projected graph when there are `params.projectFrom` of them or more. */
export function buildHnswIndex(vectors: Float32Array[], dimension: number, params: HnswParams): VectorIndex {
  const projection = wantsProjection(vectors.length, dimension, params.projectFrom) ? Projection.fit(vectors.length, (i) => vectors[i]!, dimension, PROJECTED_DIMENSION) : undefined;
  const index = new hnswlib.HierarchicalNSW('cosine', projection ? projection.to : dimension);
  index.initIndex(Math.max(1, vectors.length), params.m, params.efConstruction, RANDOM_SEED);
  vectors.forEach((vector, label) => index.addPoint(Array.from(projection ? projection.apply(vector) : vector), label));
  index.setEf(params.efSearch);
  return new HnswVectorIndex(index, dimension, false, undefined, projection && { projection, full: { read: (positions) => positions.map((p) => vectors[p]!) } });
}

/**
 * Reads a graph file back, whole: hnswlib writes it through a C++ stream that does not report a full disk,
 * so a graph cut short would be checksummed into the manifest as written, and go live.
 */
export async function verifyGraphFile(file: string, dimension: number): Promise<void> {
  const check = new hnswlib.HierarchicalNSW('cosine', dimension);
  try {
    await check.readIndex(file, false);
  } catch (error) {
    throw new IndexError(`The vector graph written to ${file} cannot be read back (${(error as Error).message}): the disk may be full. The live index was not changed; free some space and run again.`);
  }
}

/**
 * Reads an index written by `save`, with its label map when `labels` says save wrote one. `updatable` lets
 * `updateHnswIndex` put new points in the places of deleted ones (hnswlib fixes that when the file is read).
 */
export async function loadHnswIndex(file: string, dimension: number, params: HnswParams, options: { updatable?: boolean; labels?: boolean; projected?: boolean } = {}): Promise<VectorIndex> {
  // hnswlib reads a graph of other vectors' length without a word, and answers wrongly: refuse it here.
  if (!options.projected && existsSync(projectionFile(file))) throw new Error(`${file} holds a projected graph; load it with its projection.`);
  const projection = options.projected ? await Projection.load(projectionFile(file)) : undefined;
  if (projection && projection.from !== dimension) throw new Error(`${projectionFile(file)} projects ${projection.from}-d vectors, not ${dimension}-d ones.`);
  const index = new hnswlib.HierarchicalNSW('cosine', projection ? projection.to : dimension);
  await index.readIndex(file, options.updatable ?? false);
  index.setEf(params.efSearch);
  let labels: Int32Array | undefined;
  if (options.labels) {
    const bytes = await fs.readFile(labelsFile(file));
    if (bytes.byteLength % 4 !== 0) throw new Error(`${labelsFile(file)} is not a list of 32-bit labels.`);
    labels = new Int32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  }
  const size = labels ? labels.length : index.getCurrentCount();
  const projected = projection && { projection, full: await VectorFile.open(vectorsFile(file), size, dimension) };
  return new HnswVectorIndex(index, dimension, options.updatable ?? false, labels, projected);
}

/** Whether a build now would make another kind of graph of the same vectors (a projected one: see HnswParams.projectFrom). */
export function graphOutdated(index: VectorIndex, projectFrom?: number): boolean {
  return index instanceof HnswVectorIndex && !index.isProjected && wantsProjection(index.size, index.dimension, projectFrom);
}

/** The file holding the label map of the index saved in `file`, when `save` wrote one. */
export function labelsFile(file: string): string {
  return file + LABELS_SUFFIX;
}

/** The files holding the projection and the full vectors of the index saved in `file`, when it is a projected one. */
export const projectionFile = (file: string) => file + PROJECTION_SUFFIX;
export const vectorsFile = (file: string) => file + VECTORS_SUFFIX;


export interface InPlaceUpdate {
  index: VectorIndex;
  /** Points put in place since the graph was last built afresh, these included. */
  addedInPlace: number;
}

/**
 * The index of a new set of vectors, most of them in `previous` already (a re-embed that changed a few
 * articles), made by changing `previous`'s graph rather than building one: `origins[i]` is the label in
 * `previous` of the i-th vector when it is unchanged, else −1, and `added(i)` gives that vector. Points left
 * out are marked deleted and new ones take their places (hnswlib links each in as it would a new point).
 * `addedBefore` counts the points already put in place since `previous` was last built afresh.
 * `previous` (loaded `updatable`) is changed in place: afterwards only its kept labels may be read. Returns
 * undefined, leaving `previous` untouched, when building afresh is the better choice (see UPDATE_MAX_STALE).
 */
export function updateHnswIndex(previous: VectorIndex, origins: Int32Array, added: (position: number) => Float32Array, addedBefore = 0, projectFrom?: number): InPlaceUpdate | undefined {
  return previous instanceof HnswVectorIndex ? previous.update(origins, added, addedBefore, projectFrom) : undefined;
}

/**
 * The index of `count` vectors: `previous`'s graph updated in place when that is worth it (see
 * updateHnswIndex; `origins` as there), else a new one. The graph settings are a build's (efSearch does not
 * matter for an index that is only saved).
 */
export function buildOrUpdateHnswIndex(
  count: number,
  vector: (label: number) => Float32Array,
  dimension: number,
  params: Pick<HnswParams, 'm' | 'efConstruction' | 'projectFrom'>,
  previous?: { index: VectorIndex; origins: Int32Array; addedInPlace: number },
): InPlaceUpdate & { updated: boolean } {
  const update = previous && updateHnswIndex(previous.index, previous.origins, vector, previous.addedInPlace, params.projectFrom);
  if (update) return { ...update, updated: true };
  const vectors = Array.from({ length: count }, (_, label) => vector(label));
  return { index: buildHnswIndex(vectors, dimension, { ...params, efSearch: params.efConstruction }), updated: false, addedInPlace: 0 };
}
