/**
 * What the experiments on SQuAD's training split share: the shipped embedder and reader model, the model's
 * scorers, and the training split's articles indexed as a corpus (cached in .cache/eval) with their questions.
 */
import path from 'node:path';
import { loadConfig, PROJECT_ROOT } from '../../src/config.js';
import { loadEmbedder } from '../../src/embedder.js';
import { squadIndex } from '../../src/eval/cached-index.js';
import { loadSquadSplit } from '../../src/eval/squad.js';
import { loadReaderModel } from '../../src/reader/model.js';
import type { Scorers } from '../../src/reader/reader.js';

export async function squadTraining() {
  const config = await loadConfig();
  const embedder = await loadEmbedder(config.embedding);
  const model = loadReaderModel(config.reader.modelFile);
  const scorers: Scorers = { sentence: (rows) => rows.map((r) => model.sentence.predict(r)), span: (rows) => rows.map((r) => model.span.predict(r)), answer: (r) => model.answer.predict(r) };
  const { train } = await loadSquadSplit(path.join(PROJECT_ROOT, '..', 'shared', 'eval'));
  const { index, questions } = await squadIndex(config, embedder, 'squad-train', train);
  return { config, embedder, model, scorers, index, questions };
}
