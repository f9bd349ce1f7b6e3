/**
 * A large index's full chunk vectors in a flat file (float32, in chunk order), read a few at a time when the
 * projected graph's candidates are re-ranked (rankByFullVectors, for vector-index.ts), so they need not be held in memory: the file
 * sits in the operating system's page cache, shared by every process serving the version, not in each one's heap.
 */
import { closeSync, openSync, promises as fs, readSync } from 'node:fs';
import { dot } from '../vector-math.js';

/** Full vectors by position: in memory for an index just built, in a file (VectorFile) for one loaded. */
export interface FullVectors {
  read(positions: readonly number[]): Float32Array[];
  close?(): void;
}

/** The `n` of some positions whose full vectors are nearest `query` by cosine, nearest first, with their cosines. */
export function rankByFullVectors(query: Float32Array, positions: readonly number[], full: FullVectors, n: number): { label: number; similarity: number }[] {
  const norm = Math.sqrt(dot(query, query)) || 1;
  return full
    .read(positions)
    .map((vector, i) => ({ label: positions[i]!, similarity: dot(query, vector) / (norm * (Math.sqrt(dot(vector, vector)) || 1)) }))
    .sort((a, b) => b.similarity - a.similarity || a.label - b.label)
    .slice(0, n);
}

/** Writes `count` vectors of `dimension` numbers, a batch at a time. */
export async function writeVectorFile(file: string, count: number, dimension: number, vector: (position: number) => Float32Array): Promise<void> {
  const handle = await fs.open(file, 'w');
  try {
    const batch = 1024;
    const buffer = new Float32Array(batch * dimension);
    for (let first = 0; first < count; first += batch) {
      const n = Math.min(batch, count - first);
      for (let i = 0; i < n; i++) buffer.set(vector(first + i), i * dimension);
      await handle.write(new Uint8Array(buffer.buffer, 0, n * dimension * 4));
    }
  } finally {
    await handle.close();
  }
}

/** A file left open by a VectorFile nobody closed is closed when the object is collected. */
const unclosed = new FinalizationRegistry<number>((fd) => closeSync(fd));

/**
 * The vectors of a file written by writeVectorFile, read on demand (a FullVectors). The file is opened at once and kept open
 * until `close`, so that a version still being served can be read after a later embed removed its folder.
 */
export class VectorFile {
  private fd: number | undefined;

  private constructor(
    private readonly file: string,
    readonly count: number,
    readonly dimension: number,
  ) {
    this.fd = openSync(file, 'r');
    unclosed.register(this, this.fd, this);
  }

  /** Opens a file of `count` vectors of `dimension` numbers, checking its size. */
  static async open(file: string, count: number, dimension: number): Promise<VectorFile> {
    const { size } = await fs.stat(file);
    if (size !== count * dimension * 4) throw new Error(`${file} holds ${size} bytes; ${count} vectors of ${dimension} numbers take ${count * dimension * 4}.`);
    return new VectorFile(file, count, dimension);
  }

  /** The vectors at some positions, in that order. */
  read(positions: readonly number[]): Float32Array[] {
    if (this.fd === undefined) throw new Error(`${this.file} was closed.`);
    const fd = this.fd;
    const bytes = this.dimension * 4;
    return positions.map((position) => {
      if (!(position >= 0 && position < this.count)) throw new RangeError(`No vector at position ${position} of ${this.count}.`);
      const out = new Float32Array(this.dimension);
      const view = new Uint8Array(out.buffer);
      let done = 0;
      while (done < bytes) {
        const n = readSync(fd, view, done, bytes - done, position * bytes + done);
        if (n === 0) throw new Error(`${this.file} ended before the vector at position ${position}.`);
        done += n;
      }
      return out;
    });
  }

  close(): void {
    if (this.fd === undefined) return;
    unclosed.unregister(this);
    closeSync(this.fd);
    this.fd = undefined;
  }
}
