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
import { hitRank, locateEvidence, readQuestionSet } from '../../src/eval/question-set.js';
import { answerQuestion } from '../../src/answer-question.js';
import type { Answer } from '../../src/answer.js';
import type { IndexSnapshot } from '../../src/index/store.js';

export async function coverageSetup(fileArgument: string | undefined) {
  const file = path.resolve(fileArgument ?? path.join(PROJECT_ROOT, 'eval', 'questions.json'));
  const config = await loadConfig();
  const embedder = await loadEmbedder(config.embedding);
  const reader = loadReader(config.reader.modelFile, config.reader.threshold, config.reader.sureThreshold, config.reader.openThreshold);
  const index = await localStore(await cachedIndexDir(config, embedder, 'coverage', config.corpusDir), config.hnsw).open();
  return { embedder, reader, index, set: readQuestionSet(file) };
}

type AskContext = Parameters<typeof answerQuestion>[0];
/** A question asked as the experiments ask it: hybrid, three passages, every question answered (thresholds applied after). */
export const askAll = (index: AskContext['index'], embedder: AskContext['embedder'], reader: AskContext['reader'], question: string) =>
  answerQuestion({ index, embedder, reader }, question, { mode: 'hybrid', passages: 3, answerAll: true });

/**
 * The coverage's questions answered at `threshold` (a question set, the tuning one by default), each handed to
 * `tally`: the answerable ones as `right` (the first quote holds the evidence) or `wrong`, the near misses as `near-miss`.
 */
export async function tallyAnsweredCoverage(
  file: string | undefined,
  threshold: number,
  tally: (group: 'right' | 'wrong' | 'near-miss', index: IndexSnapshot, answer: Answer, question: string) => void,
): Promise<void> {
  const { embedder, reader, index, set } = await coverageSetup(file);
  for (const q of set.answerable) {
    const answer = await askAll(index, embedder, reader, q.question);
    if (answer.confidence < threshold) continue;
    const right = hitRank(answer, locateEvidence(q.evidence, index.articles.values()), index.articles, 0, 'quote') === 1;
    tally(right ? 'right' : 'wrong', index.snapshot!, answer, q.question);
  }
  for (const q of set.offTopic.filter((x) => x.kind === 'near-miss')) {
    const answer = await askAll(index, embedder, reader, q.question);
    if (answer.confidence >= threshold) tally('near-miss', index.snapshot!, answer, q.question);
  }
}
