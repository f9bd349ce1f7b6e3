/**
 * Training rows for scripts/train_reader.py: a float32 matrix (`<base>.f32`, row-major) and its column
 * names (`<base>.json`): the features as the reader computes them, then the meta columns (label, fold,
 * question number, ...). Every row must have the same features, in the same order.
 */
import { promises as fs } from 'node:fs';

export class RowWriter {
  private features: string[] | undefined;
  private meta: string[] | undefined;
  private readonly blocks: Float32Array[] = [];
  private block: number[] = [];
  count = 0;

  constructor(private readonly base: string) {}

  add(row: Record<string, number>, meta: Record<string, number>): void {
    const names = Object.keys(row);
    this.features ??= names;
    this.meta ??= Object.keys(meta);
    if (names.join(',') !== this.features.join(',')) throw new Error(`A row of ${this.base} has other features than the first.`);
    for (const name of this.features) {
      if (!Number.isFinite(row[name])) throw new Error(`Feature ${name} of a row of ${this.base} is ${row[name]}.`);
      this.block.push(row[name]!);
    }
    for (const name of this.meta) this.block.push(meta[name]!);
    this.count++;
    if (this.block.length > 1 << 20) this.flush();
  }

  private flush(): void {
    this.blocks.push(Float32Array.from(this.block));
    this.block = [];
  }

  async close(): Promise<void> {
    this.flush();
    const handle = await fs.open(`${this.base}.f32`, 'w');
    for (const block of this.blocks) await handle.write(new Uint8Array(block.buffer));
    await handle.close();
    await fs.writeFile(`${this.base}.json`, JSON.stringify({ features: this.features ?? [], meta: this.meta ?? [], rows: this.count }));
  }
}
