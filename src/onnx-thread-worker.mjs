/**
 * The worker side of onnx-thread.ts: one ONNX Runtime session, opened from a model file with the options
 * given, run for the thread that started this one. Plain JavaScript, so that it starts as it is under every
 * runner (the launcher's build, tsx, vitest).
 *
 * Messages in: `{ id, feeds }`, each feed `{ type, data, dims }`. Out: first `{ ready, inputNames, outputNames }`
 * or `{ failed }`; then for each request `{ id, outputs }` (the outputs' buffers transferred) or `{ id, error }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import ort from 'onnxruntime-node';

/** @type {{ file: string, threads: number }} */
const { file, threads } = workerData;
/** @type {import('onnxruntime-node').InferenceSession | undefined} */
let session;
try {
  session = await ort.InferenceSession.create(file, { intraOpNumThreads: threads });
} catch (error) {
  const reason = error instanceof Error ? error.message : String(error);
  parentPort.postMessage({ failed: reason });
  // Parked, not ended: a thread that loaded the runtime must not end before the process (onnx-thread.ts).
  parentPort.on('message', ({ id }) => parentPort.postMessage({ id, error: `the session did not open: ${reason}` }));
}
if (session) {
  parentPort.postMessage({ ready: true, inputNames: session.inputNames, outputNames: session.outputNames });
  parentPort.on('message', serve);
}

/** @param {{ id: number, feeds: Record<string, { type: any, data: any, dims: number[] }> }} request */
async function serve({ id, feeds }) {
  try {
    /** @type {Record<string, import('onnxruntime-node').Tensor>} */
    const inputs = {};
    for (const [name, feed] of Object.entries(feeds)) inputs[name] = new ort.Tensor(feed.type, feed.data, feed.dims);
    const results = await session.run(inputs);
    const outputs = {};
    /** @type {Set<ArrayBuffer>} */
    const buffers = new Set();
    for (const [name, tensor] of Object.entries(results)) {
      outputs[name] = { type: tensor.type, data: tensor.data, dims: tensor.dims };
      // Moved, not copied (a string tensor's array is copied).
      if (ArrayBuffer.isView(tensor.data) && tensor.data.buffer instanceof ArrayBuffer) buffers.add(tensor.data.buffer);
    }
    parentPort.postMessage({ id, outputs }, [...buffers]);
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
}
