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
import { candidateSentences, loadReader, modelScorers, readingContext, readWithRules, type Reader, type ReadingRules, type Scorers } from '../../src/reader/reader.js';
import type { OpenCorpusRun } from '../../src/eval/reading.js';

export async function squadTraining() {
  const config = await loadConfig();
  const embedder = await loadEmbedder(config.embedding);
  const model = loadReaderModel(config.reader.modelFile);
  const scorers: Scorers = modelScorers(model);
  const { train } = await loadSquadSplit(path.join(PROJECT_ROOT, '..', 'shared', 'eval'));
  const { index, questions } = await squadIndex(config, embedder, 'squad-train', train);
  const base = loadReader(config.reader.modelFile);
  /** The shipped reader with its rules varied (readWithRules), its thresholds the model's. */
  const readerWith = (rules: ReadingRules): Reader => {
    const readSentences: Reader['readSentences'] = (ix, question, vector, sentences) => {
      const { reading, refused } = readWithRules(readingContext(ix, question, vector, sentences, model.synonyms), scorers, rules);
      return { ...reading, answerable: !refused && reading.confidence >= base.threshold, sure: !refused && reading.confidence >= base.sureThreshold };
    };
    return { ...base, readSentences, read: (ix, q, v, retrieved) => readSentences(ix, q, v, candidateSentences(ix, retrieved)) };
  };
  return { config, embedder, model, scorers, index, questions, readerWith };
}

/** Whether a run's first quote holds one of its question's gold answers, in the question's own article. */
export const goldInFirstQuote = (r: OpenCorpusRun) => {
  const p = r.answer.passages[0];
  return !!p && p.articleId === r.question.articleId && r.question.documentAnswers.some((a) => a.start >= p.quoteStart && a.end <= p.quoteEnd);
};
