/**
 * Experiment: what a first read's cold work costs a sentence, piece by piece (its parts, WordNet groups, terms and
 * name classes: context.ts), over sentences spread through the bench's 27k-chunk SciFact index; the second of two
 * passes is printed (compiled, the stem memo warm).
 *
 *   node --import tsx scripts/experiments/parts-cost.ts [sentences, default 4000]
 */
import path from 'node:path';
import { loadConfig, PROJECT_ROOT } from '../../src/config.js';
import { openPipeline } from '../../src/pipeline.js';
import { decode } from '../../src/reader/annotate.js';
import { candidates } from '../../src/reader/candidates.js';
import { gramSet, gramWords } from '../../src/reader/grams.js';
import { wordStem, prefixes, contentWords, textStems } from '../../src/reader/context.js';
import { loadReaderModel } from '../../src/reader/model.js';
import { nameClass } from '../../src/reader/name-class.js';
const config = await loadConfig();
const model = loadReaderModel(config.reader.modelFile);
const pipeline = await openPipeline({ ...config, embeddingsDir: path.join(PROJECT_ROOT, '.cache', 'bench', 'scifact'), databaseUrl: undefined });
const index = pipeline.index.snapshot!;
const n = Number(process.argv[2] ?? 4000);
const ids = Array.from({ length: n }, (_, i) => (i * 7919) % index.sentences.length);
const texts = ids.map((id) => {
  const r = index.sentences[id]!;
  return index.articles.get(r.articleId)!.text.slice(r.start, r.end);
});
const t: Record<string, number> = {};
const time = <T>(k: string, f: () => T): T => {
  const start = performance.now();
  const value = f();
  t[k] = (t[k] ?? 0) + performance.now() - start;
  return value;
};
for (let pass = 0; pass < 2; pass++) {
  for (const k in t) t[k] = 0;
  ids.forEach((id, i) => {
    const text = texts[i]!;
    const a = time('decode', () => decode(text, index.annotations[id]!));
    const stems = time('stems', () => a.tokens.map((x) => wordStem(x.text)));
    const content = stems.filter((s): s is string => s !== null);
    time('lower', () => a.tokens.map((x) => x.text.toLowerCase()));
    const cands = time('candidates', () => candidates(a));
    time('present+lemmas', () => { new Set(content); new Set(a.tokens.map((x) => x.lemma)); });
    time('prefixes', () => prefixes(a.tokens.map((x) => x.text)));
    time('grams', () => gramSet(gramWords(text)));
    time('wordnet groups', () => model.synonyms.groups(contentWords(a.tokens, stems).map((w) => w.word)));
    time('sentence terms', () => textStems(text));
    const lower = a.tokens.map((x) => x.text.toLowerCase());
    time('name classes', () => cands.map((c) => nameClass(a.tokens, lower, c, model.synonyms)));
  });
}
let total = 0;
for (const [k, v] of Object.entries(t)) {
  total += v;
  console.log(k.padEnd(16), ((1000 * v) / n).toFixed(1), 'µs');
}
console.log('total'.padEnd(16), ((1000 * total) / n).toFixed(1), 'µs');
process.exit(0);
