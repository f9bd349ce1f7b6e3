// Build a padded batch of 20 varied texts, run the fp32 ONNX in onnxruntime-node, write parity_in.json / parity_onnx.json
import fs from 'fs';
import path from 'path';
// The repository (three folders up), the pairs dump-pairs.ts wrote (PAIRS, by default .cache/experiments) and ../shared.
const ROOT = path.resolve(new URL('../../../', import.meta.url).pathname);
const PAIRS = process.env.PAIRS ?? path.join(ROOT, '.cache', 'experiments'); import { createRequire } from 'module';
const require = createRequire(import.meta.url);
const ort = require(path.join(ROOT, 'node_modules/onnxruntime-node'));
const T = JSON.parse(fs.readFileSync(path.join(PAIRS, 'texts.json'), 'utf8'));
const tk = JSON.parse(fs.readFileSync('tokens.json', 'utf8'));
const seqs = [];
for (let i = 0; i < 10; i++) seqs.push(tk.questions[i * 1201 % tk.questions.length]);
for (let i = 0; i < 8; i++) seqs.push(tk.sentences[i * 997 % tk.sentences.length].slice(0, 128));
seqs.push([...tk.questions[5], 1775, ...tk.sentences[17]].slice(0, 96)); seqs.push([133]);
const L = Math.max(...seqs.map(s => s.length));
const ids = seqs.map(s => [...s, ...Array(L - s.length).fill(0)]), mask = seqs.map(s => [...s.map(() => 1), ...Array(L - s.length).fill(0)]);
fs.writeFileSync('parity_in.json', JSON.stringify({ ids, mask }));
const sess = await ort.InferenceSession.create(path.join(ROOT, '..', 'shared', 'models', 'local', 'universal-sentence-encoder-lite', 'onnx', 'model.onnx'));
const B = seqs.length;
const t = (a) => new ort.Tensor('int64', BigInt64Array.from(a.flat().map(BigInt)), [B, L]);
const r = await sess.run({ input_ids: t(ids), attention_mask: t(mask) });
const e = r.sentence_embedding.data, emb = [];
for (let b = 0; b < B; b++) emb.push(Array.from(e.slice(b * 512, (b + 1) * 512)));
fs.writeFileSync('parity_onnx.json', JSON.stringify({ emb }));
console.log('B', B, 'L', L, 'lens', seqs.map(s => s.length).join(','));
