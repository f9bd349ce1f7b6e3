/**
 * Would the kind of the short answer tell near misses? For fact questions of a typed kind (EXPECTED_KINDS) answered at
 * the coverage's threshold for facts: whether the short answer's candidate kind is one the type expects, counted by
 * set, outcome, type and verdict, on the tuning set and SQuAD's training split (open corpus). Eighteenth session: 29
 * of the 31 typed near misses answered on the tuning set have the kind expected; on SQuAD a mismatch is 14-30 % of
 * the right answers by type against 20-46 % of the unanswerable: not built.
 * Usage: node --import tsx scripts/experiments/short-answer-kind.ts
 */
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/config.js';
import { answerQuestion, searchedText } from "../../src/answer-question.js";
import { asCoverage } from "../../src/index/coverage.js";
import { EXPECTED_KINDS, sentenceView } from '../../src/reader/context.js';
import { loadReader } from '../../src/reader/reader.js';
import { asksForFact, type QuestionType } from '../../src/reader/question.js';
import { hitRank, locateEvidence, readQuestionSet } from '../../src/eval/question-set.js';
import { loadIndex } from '../../src/index/local-version.js';
import { cachedIndexDir } from '../../src/eval/cached-index.js';
import type { Answer } from '../../src/answer.js';
import type { IndexSnapshot } from '../../src/index/store.js';
import { squadTraining } from './squad-train.js';

const { config, embedder, index: squad, questions } = await squadTraining();
const reader = loadReader(config.reader.modelFile, config.reader.threshold, config.reader.sureThreshold, config.reader.openThreshold);

type Verdict = 'match' | 'mismatch' | 'none' | 'untyped';
function verdict(index: IndexSnapshot, answer: Answer, type: QuestionType): Verdict {
  const kinds = EXPECTED_KINDS[type];
  if (!kinds) return 'untyped';
  const s = answer.shortAnswer;
  if (!s) return 'none';
  const id = index.sentences.findIndex((r) => r.articleId === s.articleId && r.start <= s.start && s.end <= r.end);
  if (id < 0) return 'none';
  const view = sentenceView(index, { id, chunk: 0, chunkRank: 0, articleRank: 0 });
  const found = view.candidates.filter((c) => view.start + view.annotated.tokens[c.first]!.start === s.start && view.start + view.annotated.tokens[c.last]!.end === s.end);
  return found.some((c) => kinds.includes(c.kind)) ? 'match' : 'mismatch';
}
const table = new Map<string, number>();
const add = (key: string) => table.set(key, (table.get(key) ?? 0) + 1);

// Tuning set (coverage), at the coverage's thresholds.
const coverage = await loadIndex(await cachedIndexDir(config, embedder, 'coverage', config.corpusDir), config.hnsw);
const set = readQuestionSet(path.join(PROJECT_ROOT, 'eval', 'questions.json'));
for (const q of [...set.answerable.map((q) => ({ ...q, kind: 'answerable' })), ...set.offTopic.filter((q) => q.kind === 'near-miss')]) {
  const answer = await answerQuestion({ index: coverage, embedder, reader }, q.question, { mode: 'hybrid', passages: 3, answerAll: true });
  const analysis = reader.prepare(searchedText(asCoverage(coverage).terms.vocabulary, q.question, reader.isWord).text);
  const fact = asksForFact(analysis);
  if (!answer.found || answer.confidence < (fact ? reader.threshold : reader.openThreshold) || !fact) continue;
  const v = verdict(coverage, answer, analysis.type);
  const hit = 'evidence' in q ? hitRank(answer, locateEvidence((q as { evidence: string[] }).evidence, coverage.articles.values()), coverage.articles, 0, 'quote') === 1 : false;
  add(`tuning ${q.kind === 'answerable' ? (hit ? 'answerable-right' : 'answerable-wrong') : 'near-miss'} ${analysis.type} ${v}`);
}
// SQuAD train, at the coverage's fact threshold.
let n = 0;
for (const q of questions) {
  const analysis = reader.prepare(q.question);
  if (!asksForFact(analysis) || !EXPECTED_KINDS[analysis.type]) continue;
  const answer = await answerQuestion({ index: squad, embedder, reader }, q.question, { mode: 'hybrid', passages: 3, answerAll: true });
  if (!answer.found || answer.confidence < reader.threshold) continue;
  const p = answer.passages[0]!;
  const right = !q.impossible && p.articleId === q.articleId && q.documentAnswers.some((a) => a.start >= p.quoteStart && a.end <= p.quoteEnd);
  add(`squad ${q.impossible ? 'unanswerable' : right ? 'answerable-right' : 'answerable-wrong'} ${analysis.type} ${verdict(squad, answer, analysis.type)}`);
  if (++n % 500 === 0) console.error(n);
}
for (const [k, v] of [...table].sort()) console.log(k, v);
