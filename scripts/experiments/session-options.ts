// Whether onnxruntime-node honours a session's intraOpNumThreads: the threads of this process (Linux /proc) after
// opening the shipped model from its file path and from its bytes (as transformers.js opens it), with 1 and 4 threads.
// Each session in a process of its own, so the counts do not add up. Usage: node --import tsx scripts/experiments/session-options.ts
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import ort from 'onnxruntime-node';
import { loadConfig } from '../../src/config.js';
import { localWeightsFile } from '../../src/embedder.js';

const file = localWeightsFile((await loadConfig()).embedding);
const threads = () => Number(/Threads:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]);
const [from, count] = process.argv.slice(2);
if (from) {
  const options = count === '0' ? {} : { intraOpNumThreads: Number(count) };
  if (from === 'path') await ort.InferenceSession.create(file, options);
  else await ort.InferenceSession.create(new Uint8Array(readFileSync(file)), options);
  console.log(threads());
} else {
  console.log('| opened from | no option | intraOpNumThreads 1 | intraOpNumThreads 4 |\n|---|---|---|---|');
  for (const source of ['path', 'bytes']) {
    const counts = ['0', '1', '4'].map((n) => execFileSync(process.execPath, ['--import', 'tsx', import.meta.filename, source, n], { encoding: 'utf8' }).trim());
    console.log(`| ${source} | ${counts.join(' threads | ')} threads |`);
  }
}
