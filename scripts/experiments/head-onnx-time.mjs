// Experiment (issue 9): times head-onnx.py's graphs in the onnxruntime-node that transformers.js installs, one thread.
// Usage: node scripts/experiments/head-onnx-time.mjs DIR
import ort from 'onnxruntime-node';
for (const H of [32, 64]) for (const K of [5, 25]) {
  const session = await ort.InferenceSession.create(`${process.argv[2] ?? '.cache/head-onnx'}/head${H}.onnx`, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const T = 28, TQ = 12;
  const feeds = {
    qe: new ort.Tensor('float32', Float32Array.from({ length: TQ * 100 }, Math.random), [1, TQ, 100]),
    se: new ort.Tensor('float32', Float32Array.from({ length: K * T * 100 }, Math.random), [K, T, 100]),
    feat: new ort.Tensor('float32', new Float32Array(K * T * 2), [K, T, 2]),
    smask: new ort.Tensor('float32', new Float32Array(K * T).fill(1), [K, T]),
  };
  const times = [];
  for (let i = 0; i < 80; i++) { const t = performance.now(); await session.run(feeds); times.push(performance.now() - t); }
  times.sort((a, b) => a - b);
  console.log(`H ${H}, ${K} sentences x ${T} tokens: p50 ${times[40].toFixed(2)} ms, p95 ${times[76].toFixed(2)} ms`);
}
