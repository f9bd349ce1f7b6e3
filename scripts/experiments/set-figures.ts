/**
 * Experiment: the aggregate figures of any question set (the shape of eval/questions.json) asked of the shipped
 * coverage as `npm run eval` asks its two sets: passage and quote hits, answered, near misses and off-topic
 * questions refused, at the reader's thresholds and with every question answered, and a sweep of the fact
 * threshold. Only aggregates are printed, so that a set written blind can be measured once before anyone reads
 * its questions.
 *
 *   node --import tsx scripts/experiments/set-figures.ts FILE
 */
import path from 'node:path';
import { loadConfig } from '../../src/config.js';
import { loadEmbedder } from '../../src/embedder.js';
import { cachedIndexDir } from '../../src/eval/cached-index.js';
import { asksFactOf, locateEvidence, readerThresholds, readQuestionSet, scoreAt, type Asked, type CollectedAnswers } from '../../src/eval/question-set.js';
import { answerQuestion } from '../../src/answer-question.js';
import { localStore } from '../../src/index/coverage.js';
import { loadReader } from '../../src/reader/reader.js';
import { num, pct, table, THRESHOLDS } from '../eval/tables.js';

if (!process.argv[2]) {
  console.error('Usage: node --import tsx scripts/experiments/set-figures.ts FILE (a question set shaped as eval/questions.json)');
  process.exit(2);
}
const file = path.resolve(process.argv[2]);
const config = await loadConfig();
const embedder = await loadEmbedder(config.embedding);
const reader = loadReader(config.reader.modelFile, config.reader.threshold, config.reader.sureThreshold, config.reader.openThreshold);
const index = await localStore(await cachedIndexDir(config, embedder, 'coverage', config.corpusDir), config.hnsw).open();
const set = readQuestionSet(file);
const ask = async (question: string): Promise<Asked> => ({
  answer: await answerQuestion({ index, embedder, reader }, question, { mode: 'hybrid', passages: 3, answerAll: true }),
  asksFact: asksFactOf(index.terms.vocabulary, reader, question),
});
const collected: CollectedAnswers = { answerable: [], offTopic: [], extraNegatives: [] };
for (const question of set.answerable) collected.answerable.push({ question, ...(await ask(question.question)), spans: locateEvidence(question.evidence, index.articles.values()) });
for (const question of set.offTopic) collected.offTopic.push({ question, ...(await ask(question.question)) });
const thresholds = readerThresholds(reader);
const row = (name: string, s: ReturnType<typeof scoreAt>) => [name, pct(s.hitAt1), pct(s.hitAt3), pct(s.quoteHitAt1), pct(s.quoteHitAt3), pct(s.answered), pct(s.refusedNearMiss), pct(s.refusedOffTopic)];
const nearMisses = set.offTopic.filter((q) => q.kind === 'near-miss').length;
console.log(`${path.basename(file)}: ${set.answerable.length} answerable, ${nearMisses} near misses, ${set.offTopic.length - nearMisses} off-topic; thresholds ${num(thresholds.fact)} (fact) / ${num(thresholds.open)} (account)`);
console.log(table(['', 'hit@1', 'hit@3', 'quote hit@1', 'quote hit@3', 'answered', 'near misses refused', 'off-topic refused'], [
  row('at the thresholds', scoreAt(collected, index.articles, thresholds)),
  row('every question answered', scoreAt(collected, index.articles, { fact: 0, open: 0 })),
]));
console.log(`Sweep of the fact threshold (accounts at ${num(thresholds.open)} or under):`);
console.log(table(['fact threshold', 'hit@1', 'hit@3', 'quote hit@1', 'quote hit@3', 'answered', 'near misses refused', 'off-topic refused'], THRESHOLDS.map((t) => row(num(t), scoreAt(collected, index.articles, { fact: t, open: thresholds.open })))));
const facts = collected.answerable.filter((a) => a.asksFact).length;
console.log(`asking for a fact: ${facts} answerable, ${collected.offTopic.filter((a) => a.asksFact && a.question.kind === 'near-miss').length} near misses`);
