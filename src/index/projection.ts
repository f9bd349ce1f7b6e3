/**
 * A linear projection of a large index's vectors onto the directions that carry most of them (uncentred PCA:
 * the leading eigenvectors of the vectors' second-moment matrix), so that the HNSW graph held in memory
 * stores short vectors; the full ones stay in a file and re-rank what the graph finds (vector-index.ts).
 * Uncentred, because the graph ranks by cosine: projecting without subtracting a mean keeps the vectors' inner
 * products nearly what they were, where centring changes their angles (measured on SciFact's 27k chunks:
 * docs/SCALING.md).
 */
import { promises as fs } from 'node:fs';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

/** Vectors the second moments are estimated from, at most (spread evenly over the index: deterministic). */
const SAMPLE = 8192;
const MAGIC = 'CBPROJ1\n';

export class Projection {
  constructor(
    /** The full vectors' dimension. */
    readonly from: number,
    /** The projected vectors' dimension. */
    readonly to: number,
    /** `to` rows of `from` numbers: the directions, most of the vectors' energy first. */
    private readonly rows: Float32Array,
  ) {
    if (rows.length !== from * to) throw new Error(`A ${from} → ${to} projection needs ${from * to} numbers, not ${rows.length}.`);
  }

  /** Fits the projection to `count` vectors of `dimension` numbers (`vector(i)`). */
  static fit(count: number, vector: (i: number) => Float32Array, dimension: number, to: number): Projection {
    const step = Math.max(1, Math.ceil(count / SAMPLE));
    const moments = new Float64Array(dimension * dimension);
    let sampled = 0;
    for (let i = 0; i < count; i += step, sampled++) {
      const v = vector(i);
      // The upper triangle only; mirrored below.
      for (let r = 0; r < dimension; r++) {
        const x = v[r]!;
        if (x === 0) continue;
        const base = r * dimension;
        for (let c = r; c < dimension; c++) moments[base + c]! += x * v[c]!;
      }
    }
    const matrix = new Matrix(dimension, dimension);
    for (let r = 0; r < dimension; r++) {
      for (let c = r; c < dimension; c++) {
        const m = moments[r * dimension + c]! / Math.max(1, sampled);
        matrix.set(r, c, m);
        matrix.set(c, r, m);
      }
    }
    const decomposition = new EigenvalueDecomposition(matrix, { assumeSymmetric: true });
    const values = decomposition.realEigenvalues;
    const vectors = decomposition.eigenvectorMatrix;
    const order = values.map((value, i) => ({ value, i })).sort((a, b) => b.value - a.value || a.i - b.i);
    const rows = new Float32Array(to * dimension);
    for (let k = 0; k < to; k++) {
      const column = order[k]!.i;
      // An eigenvector's sign is arbitrary: fix it (largest component positive) so that a fit is reproducible.
      let largest = 0;
      for (let r = 0; r < dimension; r++) if (Math.abs(vectors.get(r, column)) > Math.abs(largest)) largest = vectors.get(r, column);
      const sign = largest < 0 ? -1 : 1;
      for (let r = 0; r < dimension; r++) rows[k * dimension + r] = sign * vectors.get(r, column);
    }
    return new Projection(dimension, to, rows);
  }

  apply(vector: Float32Array): Float32Array {
    const out = new Float32Array(this.to);
    for (let k = 0; k < this.to; k++) {
      let sum = 0;
      const base = k * this.from;
      for (let r = 0; r < this.from; r++) sum += this.rows[base + r]! * vector[r]!;
      out[k] = sum;
    }
    return out;
  }

  async save(file: string): Promise<void> {
    const header = Buffer.from(`${MAGIC}${this.from} ${this.to}\n`, 'ascii');
    await fs.writeFile(file, Buffer.concat([header, Buffer.from(this.rows.buffer, this.rows.byteOffset, this.rows.byteLength)]));
  }

  static async load(file: string): Promise<Projection> {
    const bytes = await fs.readFile(file);
    const end = bytes.indexOf(10, MAGIC.length);
    const match = bytes.subarray(0, MAGIC.length).toString('ascii') === MAGIC && end > 0 ? /^(\d+) (\d+)$/.exec(bytes.subarray(MAGIC.length, end).toString('ascii')) : null;
    if (!match) throw new Error(`${file} is not a vector projection.`);
    const [from, to] = [Number(match[1]), Number(match[2])];
    const body = bytes.subarray(end + 1);
    if (body.byteLength !== from * to * 4) throw new Error(`${file} holds ${body.byteLength} bytes of directions; a ${from} → ${to} projection has ${from * to * 4}.`);
    return new Projection(from, to, new Float32Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength)));
  }
}
