/** Per-question view of a question set (tuning by default): quote hit rank, confidence, short answer, first quote. */
import path from 'node:path';
import { PROJECT_ROOT, loadConfig } from '../../src/config.js';
import { loadEmbedder } from '../../src/embedder.js';
import { loadReader } from '../../src/reader/reader.js';
import { cachedIndexDir } from '../../src/eval/cached-index.js';
import { localStore } from '../../src/index/coverage.js';
import { hitRank, locateEvidence, readQuestionSet } from '../../src/eval/question-set.js';
import { answerQuestion } from '../../src/answer-question.js';

// A question file: a path from the current folder, eval/questions.json by default.
const file = path.resolve(process.argv[2] ?? path.join(PROJECT_ROOT, 'eval', 'questions.json'));
const config = await loadConfig();
const embedder = await loadEmbedder(config.embedding);
const reader = loadReader(config.reader.modelFile, config.reader.threshold, config.reader.sureThreshold, config.reader.openThreshold);
const index = await localStore(await cachedIndexDir(config, embedder, 'coverage', config.corpusDir), config.hnsw).open();
const set = readQuestionSet(file);
for (const q of set.answerable) {
  const answer = await answerQuestion({ index, embedder, reader }, q.question, { mode: 'hybrid', passages: 3, answerAll: true });
  const spans = locateEvidence(q.evidence, index.articles.values());
  const quote = hitRank(answer, spans, index.articles, 0, 'quote');
  const chunk = hitRank(answer, spans, index.articles, 0, 'chunk');
  const first = answer.passages[0]?.quote.replace(/\s+/g, ' ').slice(0, 110);
  console.log(`${q.id}\tq${quote ?? '-'}\tc${chunk ?? '-'}\t${answer.confidence.toFixed(3)}\tlen${answer.passages[0]?.quote.length ?? 0}\t${q.question}\n\t\t[${answer.shortAnswer?.text ?? ''}] ${first}`);
}
for (const q of set.offTopic.filter((q) => q.kind === 'near-miss')) {
  const answer = await answerQuestion({ index, embedder, reader }, q.question, { mode: 'hybrid', passages: 3, answerAll: true });
  console.log(`${q.id}\tNM\t${answer.confidence.toFixed(3)}\t${q.question}\t[${answer.shortAnswer?.text ?? ''}]`);
}
