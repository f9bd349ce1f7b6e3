/**
 * What the experiments that ask a question set of the shipped coverage start from: the configured model and
 * reader (at the configured thresholds), the coverage's cached eval index, and the question set of the file named
 * on the command line (a path from the current folder; eval/questions.json by default).
 */
import path from 'node:path';
import { PROJECT_ROOT, loadConfig } from '../../src/config.js';
import { loadEmbedder } from '../../src/embedder.js';
import { loadReader } from '../../src/reader/reader.js';
import { cachedIndexDir } from '../../src/eval/cached-index.js';
import { localStore } from '../../src/index/coverage.js';
import { readQuestionSet } from '../../src/eval/question-set.js';

export async function coverageSetup(fileArgument: string | undefined) {
  const file = path.resolve(fileArgument ?? path.join(PROJECT_ROOT, 'eval', 'questions.json'));
  const config = await loadConfig();
  const embedder = await loadEmbedder(config.embedding);
  const reader = loadReader(config.reader.modelFile, config.reader.threshold, config.reader.sureThreshold, config.reader.openThreshold);
  const index = await localStore(await cachedIndexDir(config, embedder, 'coverage', config.corpusDir), config.hnsw).open();
  return { embedder, reader, index, set: readQuestionSet(file) };
}
