/** Per-question view of a question set (tuning by default): quote hit rank, confidence, short answer, first quote. */
import { hitRank, locateEvidence } from '../../src/eval/question-set.js';
import { answerQuestion } from '../../src/answer-question.js';
import { coverageSetup } from './coverage-setup.js';

// A question file: a path from the current folder, eval/questions.json by default.
const { embedder, reader, index, set } = await coverageSetup(process.argv[2]);
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
