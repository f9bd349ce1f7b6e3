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
import { readerThresholds, readQuestionSet, scoreAt } from '../../src/eval/question-set.js';
import { localStore } from '../../src/index/coverage.js';
import { loadReader } from '../../src/reader/reader.js';
import { asker, collectAnswers } from '../eval/question-sets.js';
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
const collected = await collectAnswers(asker(embedder, reader, index, 'hybrid'), index, set, []);
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
