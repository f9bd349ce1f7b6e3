// Tokenize all questions and sentences with the USE-lite SentencePiece (Unigram) tokenizer via transformers.js.
// Output: tokens.json {questions: [[ids]], sentences: [[ids]], sep: id}
import fs from 'fs';
import path from 'path';
// The repository (three folders up), the pairs dump-pairs.ts wrote (PAIRS, by default .cache/experiments) and ../shared.
const ROOT = path.resolve(new URL('../../../', import.meta.url).pathname);
const PAIRS = process.env.PAIRS ?? path.join(ROOT, '.cache', 'experiments');
const { AutoTokenizer, env } = await import(path.join(ROOT, 'node_modules/@xenova/transformers/src/transformers.js'));
env.allowRemoteModels = false; env.localModelPath = path.join(ROOT, 'models') + '/';
const tok = await AutoTokenizer.from_pretrained('local/universal-sentence-encoder-lite');
const T = JSON.parse(fs.readFileSync(path.join(PAIRS, 'texts.json'), 'utf8'));
const clean = s => s.replace(/\s+/g, ' ').trim();
const enc = s => tok.encode(clean(s), null, { add_special_tokens: false });
const out = { questions: T.questions.map(enc), sentences: T.sentences.map(enc) };
// probe a few candidate separator pieces
const vocab = tok.model.vocab || null;
for (const c of ['|', ' |', '▁|', '¶', '#', '~', '^']) console.log(JSON.stringify(c), JSON.stringify(enc(c)), tok.model.tokens_to_ids ? tok.model.tokens_to_ids.get(c) : '');
console.log('example', enc('In what country is Normandy located?'), tok.decode(enc('In what country is Normandy located?')));
fs.writeFileSync('tokens.json', JSON.stringify(out));
const ql = out.questions.map(x => x.length), sl = out.sentences.map(x => x.length);
const st = a => { const b = [...a].sort((x, y) => x - y); return [b[0], b[b.length >> 1], b[Math.floor(b.length * .95)], b[b.length - 1]]; };
console.log('q len min/med/p95/max', st(ql), 's len', st(sl));
