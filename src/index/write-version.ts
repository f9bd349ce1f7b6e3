/**
 * Writing a version of the index (store.ts describes the layout): the build goes to a fresh staging folder,
 * every file is flushed and checksummed into the manifest, the folder is renamed into place, and only then
 * does the `CURRENT` pointer move to it (write-then-rename, atomic), so a crash or Ctrl-C mid-build never
 * breaks or loses the index in use.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { markCorpusChecked } from './corpus-checked.js';
import { writeFileAtomic, writeFlushed } from '../files.js';
import { sha256Files } from './checksums.js';
import { COVERAGE_FILE } from './sqlite-file.js';
import { writeCoverageFile } from './sqlite-write.js';
import { currentVersion, FORMAT_VERSION, POINTER, type IndexContents, type IndexManifest, type WrittenVersion } from './store.js';
import { buildOrUpdateHnswIndex } from './vector-index.js';

/** Writes a build into a staging folder, then makes it the live version atomically. */
export async function writeIndex(dir: string, contents: IndexContents, signal?: AbortSignal): Promise<WrittenVersion> {
  await fs.mkdir(dir, { recursive: true });
  const staging = await fs.mkdtemp(path.join(dir, `.staging-${process.pid}-`));
  // mkdtemp makes it 0700: a bot run by another user than the embed (a deploy user, cron) must read it.
  await fs.chmod(staging, 0o755);
  try {
    await writeCoverageFile(path.join(staging, COVERAGE_FILE), contents, contents.manifest.model.dimension, signal);
    await flush(path.join(staging, COVERAGE_FILE));
    const { index: dense, updated, addedInPlace } = buildOrUpdateHnswIndex(contents.chunks.length, (label) => contents.chunkVector(label), contents.manifest.model.dimension, contents.manifest.hnsw, contents.previousDense);
    signal?.throwIfAborted();
    const denseFiles = (await dense.save(path.join(staging, 'dense.hnsw'))).map((file) => path.basename(file));
    for (const name of denseFiles) await flush(path.join(staging, name));
    signal?.throwIfAborted();

    const manifest: IndexManifest = {
      formatVersion: FORMAT_VERSION,
      builtAt: new Date().toISOString(),
      ...contents.manifest,
      hnsw: { ...contents.manifest.hnsw, addedInPlace },
      files: {},
    };
    const names = [COVERAGE_FILE, ...denseFiles];
    const sums = await sha256Files(names.map((name) => path.join(staging, name)));
    names.forEach((name, i) => {
      if (!sums[i]) throw new Error(`${name} was not written to ${staging}.`);
      manifest.files[name] = sums[i];
    });
    await writeFlushed(path.join(staging, 'manifest.json'), JSON.stringify(manifest, null, 2));

    const version = `v-${manifest.builtAt.replace(/[:.]/g, '-')}-${process.pid}`;
    // The version live until now is kept (a reader may still be loading it), whatever a killed run left.
    const before = await currentVersion(dir).catch(() => undefined);
    await fs.rename(staging, path.join(dir, version));
    await writeFileAtomic(path.join(dir, POINTER), version + '\n');
    if (contents.corpusAsOf !== undefined) await markCorpusChecked(dir, contents.corpusAsOf);
    await removeOldVersions(dir, [version, ...(before ? [before] : [])]);
    return { version, vectorIndexUpdated: updated };
  } catch (error) {
    await fs.rm(staging, { recursive: true, force: true });
    throw error;
  }
}

/** Flushes a file written by a library to disk. */
async function flush(file: string): Promise<void> {
  const handle = await fs.open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** A version folder's name as writeIndex gives it: `v-<build time, ISO with - for : and .>-<pid>`. */
const VERSION_FOLDER = /^v-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z-\d+$/;

/**
 * Keeps the new live version and the one live before it (a reader may still be loading it); removes the
 * rest, a version a killed run moved into place but never made live included. Only folders named as versions
 * are removed, so a user's own `v-notes.txt` in a shared EMBEDDINGS_DIR is left alone.
 */
async function removeOldVersions(dir: string, kept: readonly string[]): Promise<void> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  for (const entry of entries) {
    if (entry.isDirectory() && VERSION_FOLDER.test(entry.name) && !kept.includes(entry.name)) await fs.rm(path.join(dir, entry.name), { recursive: true, force: true });
  }
}
