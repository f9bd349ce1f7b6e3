/** Sizes and sha256 checksums of a version's files, for its manifest and for verifying it when opened. */
import { Worker } from 'node:worker_threads';

/**
 * Sizes and checksums of files, computed on a worker thread: opening a version hashes hundreds of megabytes,
 * which then overlaps with loading the models on the main thread (a cold start's largest costs).
 */
const HASH_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { createReadStream } = require('node:fs');
(async () => {
  const results = [];
  for (const file of workerData) {
    try {
      const hash = createHash('sha256');
      let bytes = 0;
      for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
        bytes += chunk.length;
        hash.update(chunk);
      }
      results.push({ bytes, sha256: hash.digest('hex') });
    } catch {
      results.push(undefined);
    }
  }
  parentPort.postMessage(results);
})();
`;

export function sha256Files(files: string[]): Promise<({ bytes: number; sha256: string } | undefined)[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(HASH_WORKER, { eval: true, workerData: files });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`The checksum worker stopped (exit code ${code}) before it answered.`)));
  });
}
