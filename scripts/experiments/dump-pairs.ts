/** Experiment: dumps the retrieved candidate sentences of every SQuAD training question, with labels, for a neural head. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { loadConfig, PROJECT_ROOT } from '../../src/config.js';
import { loadEmbedder } from '../../src/embedder.js';
import { modelSignature } from '../../src/index/build.js';
import { holdsAnswer, squadIndex } from '../../src/eval/cached-index.js';
import { loadSquadSplit } from '../../src/eval/squad.js';
import { candidateSentences } from '../../src/reader/reader.js';
import { RETRIEVE_LIMIT } from '../../src/pipeline.js';
import { retrieve } from '../../src/retrieve.js';

const out = process.argv[2] ?? '.cache/experiments';
const shared = path.join(PROJECT_ROOT, '..', 'shared', 'eval');
const { train } = await loadSquadSplit(shared);
const config = await loadConfig();
const embedder = await loadEmbedder(config.embedding);
const { index, questions } = await squadIndex(config, embedder, 'squad-train', train);
const texts = questions.map((q) => q.question);
const key = createHash('sha256').update(JSON.stringify([modelSignature(embedder), texts])).digest('hex').slice(0, 12);
const qfile = path.join(PROJECT_ROOT, '.cache', 'reader', `questions-${key}.f32`);
const qdata = new Float32Array((await fs.readFile(qfile)).buffer.slice(0));
const dim = embedder.dimension;
const foldOf = new Map<string, number>();
train.forEach((a, i) => { for (const art of index.articles.values()) if (art.title === a.title.replace(/_/g, ' ')) foldOf.set(art.id, i % 5); });
const lines: string[] = [];
questions.forEach((q, i) => {
  const vector = qdata.slice(i * dim, (i + 1) * dim);
  const retrieved = retrieve(index, q.question, vector, { mode: 'hybrid', limit: RETRIEVE_LIMIT });
  const sentences = candidateSentences(index, retrieved);
  lines.push(JSON.stringify({ id: q.id, q: i, fold: foldOf.get(q.articleId), impossible: q.impossible ? 1 : 0, ids: sentences.map((s) => s.id), labels: sentences.map((s) => (holdsAnswer(index, s.id, q) ? 1 : 0)), own: sentences.map((s) => (index.sentences[s.id]!.articleId === q.articleId ? 1 : 0)) }));
});
await fs.writeFile(path.join(out, 'pairs.jsonl'), lines.join('\n'));
await fs.writeFile(path.join(out, 'questions.f32'), new Uint8Array(qdata.buffer));
await fs.writeFile(path.join(out, 'sentences.f32'), new Uint8Array(index.sentenceVectors.buffer, index.sentenceVectors.byteOffset, index.sentenceVectors.byteLength));
await fs.writeFile(path.join(out, 'texts.json'), JSON.stringify({ questions: texts, sentences: index.sentences.map((s) => index.articles.get(s.articleId)!.text.slice(s.start, s.end)) }));
console.error(`${lines.length} questions, ${index.sentences.length} sentences`);
