/**
 * Experiment (issue 9): the tokens the reader itself has (wink-nlp's, lower-cased, as SentenceParts.lower) for
 * every SQuAD training question and sentence, and each question's answer spans as token positions in its retrieved
 * candidates (in pairs.jsonl's order, which dump-pairs.ts wrote in the same WORK), for glove-head.py to train on
 * what Node would feed a shipped head. Usage: node --import tsx scripts/experiments/dump-tokens.ts WORK
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { loadConfig, PROJECT_ROOT } from '../../src/config.js';
import { loadEmbedder } from '../../src/embedder.js';
import { squadIndex } from '../../src/eval/cached-index.js';
import { loadSquadSplit } from '../../src/eval/squad.js';
import { sentenceView } from '../../src/reader/context.js';
import { analyseQuestion } from '../../src/reader/question.js';

const out = process.argv[2] ?? '.cache/experiments';
const { train } = await loadSquadSplit(path.join(PROJECT_ROOT, '..', 'shared', 'eval'));
const config = await loadConfig();
const embedder = await loadEmbedder(config.embedding);
const { index, questions } = await squadIndex(config, embedder, 'squad-train', train);
const view = (id: number) => sentenceView(index, { id, chunk: 0, chunkRank: 0, articleRank: 0 });
const sentences = index.sentences.map((_, id) => view(id).lower);
const rows = (await fs.readFile(path.join(out, 'pairs.jsonl'), 'utf8')).split('\n').map((l) => JSON.parse(l) as { q: number; ids: number[] });
const spans = rows.map((row) => {
  const q = questions[row.q]!;
  const found: [number, number, number][] = [];
  row.ids.forEach((id, k) => {
    const v = view(id);
    if (v.article.id !== q.articleId) return;
    for (const a of q.documentAnswers) {
      if (a.start < v.start || a.end > v.end) continue;
      const tokens = v.annotated.tokens;
      const first = tokens.findIndex((t) => v.start + t.end > a.start);
      let last = first;
      while (last + 1 < tokens.length && v.start + tokens[last + 1]!.start < a.end) last++;
      if (first >= 0 && !found.some(([kk, i, j]) => kk === k && i === first && j === last)) found.push([k, first, last]);
    }
  });
  return found;
});
await fs.writeFile(path.join(out, 'tokens.json'), JSON.stringify({ questions: questions.map((q) => analyseQuestion(q.question).annotated.tokens.map((t) => t.text.toLowerCase())), sentences, spans }));
console.error(`${questions.length} questions, ${sentences.length} sentences, ${spans.filter((s) => s.length).length} with an answer span`);
