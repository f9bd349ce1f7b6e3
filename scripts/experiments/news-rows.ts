/** Experiment: answer-model rows of the coverage question sets (shipped reader's sentence and span models). */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { loadConfig, PROJECT_ROOT } from '../../src/config.js';
import { loadEmbedder } from '../../src/embedder.js';
import { cachedIndexDir } from '../../src/eval/cached-index.js';
import { hitRank, locateEvidence, readQuestionSet } from '../../src/eval/question-set.js';
import { localStore } from '../../src/index/coverage.js';
import { answerQuestion } from '../../src/answer-question.js';
import { loadReaderModel } from '../../src/reader/model.js';
import { analyseQuestion } from '../../src/reader/question.js';
import { candidateSentences, loadReader, modelScorers, readContext, readingContext, type Reader, type ReadTrace } from '../../src/reader/reader.js';

const [modelFile, out] = [process.argv[2]!, process.argv[3] ?? '.cache/experiments'];
const config = await loadConfig();
const embedder = await loadEmbedder(config.embedding);
const index = await localStore(await cachedIndexDir(config, embedder, 'coverage', config.corpusDir), config.hnsw).open();
const model = loadReaderModel(modelFile);
let trace: Partial<ReadTrace> = {};
const reader: Reader = {
  threshold: 0,
  openThreshold: 0,
  thresholdFor: () => 0,
  sureThreshold: 0,
  prepare: analyseQuestion,
  readAhead: loadReader(modelFile).readAhead,
  isWord: (word) => model.synonyms.isWord(word),
  read(view, question, vector, retrieved) { return reader.readSentences(view, question, vector, candidateSentences(view, retrieved)); },
  readSentences(view, question, vector, sentences) {
    trace = {};
    const r = readContext(readingContext(view, question, vector, sentences, model.synonyms), modelScorers(model), trace);
    return { ...r, answerable: true, sure: true };
  },
};
const rows: unknown[] = [];
for (const [set, file] of [['tuning', 'questions.json'], ['holdout', 'questions-holdout.json']] as const) {
  const qs = readQuestionSet(path.join(PROJECT_ROOT, 'eval', file));
  for (const q of qs.answerable) {
    const answer = await answerQuestion({ index, embedder, reader }, q.question, { mode: 'hybrid', passages: 3, answerAll: true });
    const rank = hitRank(answer, locateEvidence(q.evidence, index.articles.values()), index.articles, 0, 'quote');
    rows.push({ set, id: q.id, kind: 'answerable', label: rank === 1 ? 1 : 0, confidence: answer.confidence, row: trace.answerRow ?? null });
  }
  for (const q of qs.offTopic) {
    const answer = await answerQuestion({ index, embedder, reader }, q.question, { mode: 'hybrid', passages: 3, answerAll: true });
    rows.push({ set, id: q.id, kind: q.kind, label: 0, confidence: answer.confidence, row: trace.answerRow ?? null });
  }
}
await fs.writeFile(path.join(out, 'news-rows.json'), JSON.stringify(rows));
console.error(`${rows.length} rows`);
