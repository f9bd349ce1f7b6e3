/** File-system helpers shared by the index store, its lock, the feedback log and the web ingestion. */
import { promises as fs } from 'node:fs';
import path from 'node:path';

/**
 * `mkdir -p`, reporting the real cause when it fails: Node's recursive mkdir says ENOENT on a read-only
 * file system, so on ENOENT the first missing folder is created on its own to get the true error (EROFS,
 * EACCES, ENOTDIR, …).
 */
export async function ensureDir(dir: string): Promise<string | undefined> {
  try {
    return await fs.mkdir(dir, { recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    let missing = path.resolve(dir);
    while (path.dirname(missing) !== missing && !(await exists(path.dirname(missing)))) missing = path.dirname(missing);
    await fs.mkdir(missing); // throws the real error
    throw error;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.stat(file);
    return true;
  } catch {
    return false;
  }
}

/** Writes a file and flushes it to disk before returning. */
export async function writeFlushed(file: string, data: string | Uint8Array): Promise<void> {
  const handle = await fs.open(file, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    // Writes through a handle do not say which file failed (e.g. ENOSPC); the message should.
    (error as NodeJS.ErrnoException).path ??= file;
    throw error;
  } finally {
    await handle.close();
  }
}

/**
 * Writes a file whole or not at all: the content goes to a hidden temporary file beside it (skipped by the
 * corpus loader), flushed, then renamed over the target, which is atomic on one file system.
 */
export async function writeFileAtomic(file: string, content: string): Promise<void> {
  await ensureDir(path.dirname(file));
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}-${Math.random().toString(36).slice(2, 8)}.tmp`);
  try {
    await writeFlushed(temporary, content);
    await fs.rename(temporary, file);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
}

/** Whether a file is empty, missing, or ends with a line break. */
async function endsWithNewline(file: string): Promise<boolean> {
  const handle = await fs.open(file, 'r').catch(() => undefined);
  if (!handle) return true;
  try {
    const { size } = await handle.stat();
    if (size === 0) return true;
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } finally {
    await handle.close();
  }
}

/**
 * A JSON Lines file that values are appended to one at a time (so lines never interleave), created with its
 * folder when needed, readable by its owner only.
 */
export class JsonLinesFile<T> {
  private queue: Promise<void> = Promise.resolve();
  /** This process's last append ended its line: the file's end need not be read again before the next. */
  private whole = false;

  constructor(readonly file: string) {}

  append(value: T): Promise<void> {
    const line = `${JSON.stringify(value)}\n`;
    const write = this.queue.then(async () => {
      await ensureDir(path.dirname(this.file));
      // An append that failed half-way (a full disk, here or in an earlier process) left part of a line: the
      // next one starts on a line of its own, or it would be lost with it. Checked on the first append and
      // after a failure only: every question is logged, and an append that succeeded ended its line.
      const lead = this.whole || (await endsWithNewline(this.file)) ? '' : '\n';
      this.whole = false;
      await fs.appendFile(this.file, lead + line, { encoding: 'utf8', mode: 0o600 });
      this.whole = true;
    });
    this.queue = write.catch(() => undefined);
    return write;
  }

  /**
   * Every value in the file (none when it does not exist yet) that `keep` takes; a damaged line is skipped and
   * counted. Read line by line: a log grows without end, and the bot reads it while it answers (/coverage-report),
   * so neither the whole text nor every value is held at once, and other work runs between two chunks read.
   */
  async readAll(keep: (value: unknown) => boolean = () => true): Promise<{ values: T[]; damaged: number }> {
    const values: T[] = [];
    let damaged = 0;
    let handle: fs.FileHandle | undefined;
    try {
      handle = await fs.open(this.file, 'r');
      for await (const line of handle.readLines({ encoding: 'utf8' })) {
        if (!line.trim()) continue;
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch {
          damaged++;
          continue;
        }
        if (keep(value)) values.push(value as T);
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { values: [], damaged: 0 };
      // Reading a folder fails with EISDIR and no path: the message names the file set (QUESTION_LOG=/tmp).
      (error as NodeJS.ErrnoException).path ??= this.file;
      throw error;
    } finally {
      await handle?.close();
    }
    return { values, damaged };
  }
}
