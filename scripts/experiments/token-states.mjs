// Experiment (issue 9): USE-lite's contextual token states (the residual stream after its second layer, before
// the mean pooling) for the texts scripts/experiments/dump-pairs.ts wrote: WORK/{questions,sentences}.{tok.f32,
// ids.i32,off.i32}. The graph with that extra output is written by `token-head.py graph WORK` first.
//   node scripts/experiments/token-states.mjs WORK
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(path.join(root, 'package.json'));
const ort = require('onnxruntime-node');
const { AutoTokenizer, env } = await import('@xenova/transformers');
env.allowRemoteModels = false;
env.localModelPath = path.join(root, 'models');
const work = path.resolve(process.argv[2]);
const tokenizer = await AutoTokenizer.from_pretrained('local/universal-sentence-encoder-lite');
const session = await ort.InferenceSession.create(path.join(work, 'use-tokens.onnx'), { intraOpNumThreads: 2 });
const texts = JSON.parse(readFileSync(path.join(work, 'texts.json'), 'utf8'));
for (const kind of ['questions', 'sentences']) {
  const list = texts[kind];
  const ids = list.map((t) => tokenizer.encode(t).slice(0, 128));
  const order = ids.map((_, i) => i).sort((a, b) => ids[a].length - ids[b].length);
  const offsets = new Int32Array(list.length + 1);
  for (let i = 0; i < list.length; i++) offsets[i + 1] = offsets[i] + Math.max(1, ids[i].length);
  const states = new Float32Array(offsets[list.length] * 512);
  const flatIds = new Int32Array(offsets[list.length]);
  for (let k = 0; k < order.length; k += 32) {
    const batch = order.slice(k, k + 32);
    const len = Math.max(1, ...batch.map((i) => ids[i].length));
    const input = new BigInt64Array(batch.length * len);
    const mask = new BigInt64Array(batch.length * len);
    batch.forEach((i, b) => ids[i].forEach((v, j) => { input[b * len + j] = BigInt(v); mask[b * len + j] = 1n; }));
    const out = await session.run({ input_ids: new ort.Tensor('int64', input, [batch.length, len]), attention_mask: new ort.Tensor('int64', mask, [batch.length, len]) });
    const h = out.add_178.data;
    batch.forEach((i, b) => {
      const n = Math.max(1, ids[i].length);
      states.set(h.subarray(b * len * 512, (b * len + n) * 512), offsets[i] * 512);
      ids[i].forEach((v, j) => { flatIds[offsets[i] + j] = v; });
    });
  }
  writeFileSync(path.join(work, `${kind}.tok.f32`), new Uint8Array(states.buffer));
  writeFileSync(path.join(work, `${kind}.ids.i32`), new Uint8Array(flatIds.buffer));
  writeFileSync(path.join(work, `${kind}.off.i32`), new Uint8Array(offsets.buffer));
  console.error(`${kind}: ${list.length} texts, ${offsets[list.length]} tokens`);
}
