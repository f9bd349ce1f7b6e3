/**
 * Would a question term missing from the first quote's article tell a near miss? Tuning set only (eval/questions.json):
 * for each question answered at its threshold, the question's terms (stems, as the lexical index has them) that the
 * first quote's article lacks, and those the whole coverage lacks. Eighteenth session: 27 of the 34 answered
 * fact-question near misses have one, and so do 70 of the 95 answered fact questions that should be answered
 * (irregular stems, chat words, paraphrase): no separation, not built. Usage: node --import tsx scripts/experiments/absent-terms.ts
 */
import path from 'node:path';
import { PROJECT_ROOT, loadConfig } from '../../src/config.js';
import { loadEmbedder } from '../../src/embedder.js';
import { loadReader } from '../../src/reader/reader.js';
import { cachedIndexDir } from '../../src/eval/cached-index.js';
import { localStore } from '../../src/index/coverage.js';
import { hitRank, locateEvidence, readQuestionSet, asksFactOf, thresholdOf, readerThresholds } from '../../src/eval/question-set.js';
import { answerQuestion, searchedText } from '../../src/answer-question.js';
import { LexicalIndex } from '../../src/index/lexical-index.js';

const config = await loadConfig();
const embedder = await loadEmbedder(config.embedding);
const reader = loadReader(config.reader.modelFile, config.reader.threshold, config.reader.sureThreshold, config.reader.openThreshold);
const index = await localStore(await cachedIndexDir(config, embedder, 'coverage', config.corpusDir), config.hnsw).open();
const set = readQuestionSet(path.join(PROJECT_ROOT, 'eval', 'questions.json'));
const rows: { id: string; kind: string; fact: boolean; answered: boolean; hit: boolean; conf: number; absent: string[]; unknown: string[]; q: string }[] = [];
for (const q of [...set.answerable.map((q) => ({ ...q, kind: 'answerable' as const })), ...set.offTopic]) {
  const answer = await answerQuestion({ index, embedder, reader }, q.question, { mode: 'hybrid', passages: 3, answerAll: true });
  const fact = asksFactOf(index.terms.vocabulary, reader, q.question);
  const answered = answer.found && answer.confidence >= thresholdOf(fact, readerThresholds(reader));
  const hit = 'evidence' in q ? hitRank(answer, locateEvidence(q.evidence, index.articles.values()), index.articles, 0, 'quote') === 1 : false;
  const analysis = reader.prepare(searchedText(index.terms.vocabulary, q.question, reader.isWord).text);
  const p = answer.passages[0];
  const article = p ? index.articles.get(p.articleId) : undefined;
  const stems = new Set(article ? LexicalIndex.terms(`${article.title}\n${article.text}`) : []);
  const absent = analysis.terms.filter((t) => !stems.has(t));
  const unknown = analysis.terms.filter((t) => index.terms.documentFrequency(t) === 0);
  rows.push({ id: q.id, kind: q.kind, fact, answered, hit, conf: +answer.confidence.toFixed(3), absent, unknown, q: q.question });
}
for (const kind of ['answerable', 'near-miss', 'off-topic']) {
  const of = rows.filter((r) => r.kind === kind && r.answered);
  console.log(`${kind}: answered ${of.length}; with a term absent from the article ${of.filter((r) => r.absent.length).length} (facts ${of.filter((r) => r.fact && r.absent.length).length}/${of.filter((r) => r.fact).length}); unknown to the coverage ${of.filter((r) => r.unknown.length).length}; right first quote with absent ${of.filter((r) => r.hit && r.absent.length).length}`);
}
for (const r of rows.filter((r) => r.answered && r.absent.length && r.kind !== 'off-topic')) console.log(r.kind.padEnd(10), r.fact ? 'fact' : 'acct', r.hit ? 'HIT ' : '    ', r.conf, JSON.stringify(r.absent), JSON.stringify(r.unknown), r.q);
