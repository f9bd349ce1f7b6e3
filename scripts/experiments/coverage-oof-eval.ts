/**
 * Experiment (issue 9): the tuning set (eval/questions.json) scored out of fold by the coverage's file: each question
 * asked, as `npm run eval` asks it (scripts/eval/question-sets.ts: asker, collectAnswers, scoreAt), with the reader
 * model file of its fold (coverage-folds.json from coverage-rows.ts; DIR/reader-fold<k>.json from
 * coverage-sentence-model.py), and every figure worked out over the five folds' answers together. With a single
 * model FILE instead of a folder, every question is asked with it (the shipped reader: `models/reader/reader.json`).
 *
 * Prints, every question answered: quote hit@1, quote hit@3, passage hit@3; the fact threshold by the project's rule
 * (the highest, in steps of 0.005, answering at least 95 % of the answerable questions; accounts at the open
 * threshold, 0.010, or the fact one when lower) and the figures there; and a sweep.
 *
 *   node --import tsx scripts/experiments/coverage-oof-eval.ts DIR|FILE [WORK, default .cache/exp-news]
 */
import { existsSync, promises as fs, statSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, PROJECT_ROOT } from '../../src/config.js';
import { loadEmbedder } from '../../src/embedder.js';
import { cachedIndexDir } from '../../src/eval/cached-index.js';
import { readQuestionSet, scoreAt, type CollectedAnswers, type QuestionSet, type Thresholds } from '../../src/eval/question-set.js';
import { localStore } from '../../src/index/coverage.js';
import { loadReader } from '../../src/reader/reader.js';
import { asker, collectAnswers } from '../eval/question-sets.js';
import { num, pct, table, THRESHOLDS } from '../eval/tables.js';

const target = path.resolve(process.argv[2]!);
const work = path.resolve(process.argv[3] ?? path.join(PROJECT_ROOT, '.cache', 'exp-news'));
const folds = JSON.parse(await fs.readFile(path.join(work, 'coverage-folds.json'), 'utf8')) as Record<string, number>;
const config = await loadConfig();
const embedder = await loadEmbedder(config.embedding);
const index = await localStore(await cachedIndexDir(config, embedder, 'coverage', config.corpusDir), config.hnsw).open();
const set = readQuestionSet(path.join(PROJECT_ROOT, 'eval', 'questions.json'));
const OPEN = 0.01;

const single = statSync(target).isFile();
const collected: CollectedAnswers = { answerable: [], offTopic: [], extraNegatives: [] };
for (let k = 0; k < 5; k++) {
  const file = single ? target : path.join(target, `reader-fold${k}.json`);
  if (!existsSync(file)) throw new Error(`${file} is missing`);
  const reader = loadReader(file, config.reader.threshold, config.reader.sureThreshold, config.reader.openThreshold);
  const part: QuestionSet = { answerable: set.answerable.filter((q) => folds[q.id] === k), offTopic: set.offTopic.filter((q) => folds[q.id] === k) };
  const answers = await collectAnswers(asker(embedder, reader, index, 'hybrid'), index, part, []);
  collected.answerable.push(...answers.answerable);
  collected.offTopic.push(...answers.offTopic);
}
// In the set's own order, so that lists of ids read as the eval prints them.
const order = new Map([...set.answerable, ...set.offTopic].map((q, i) => [q.id, i]));
collected.answerable.sort((a, b) => order.get(a.question.id)! - order.get(b.question.id)!);
collected.offTopic.sort((a, b) => order.get(a.question.id)! - order.get(b.question.id)!);

const at = (fact: number): Thresholds => ({ fact, open: Math.min(OPEN, fact) });
const all = scoreAt(collected, index.articles, at(0));
const grid = Array.from({ length: 201 }, (_, i) => Math.round(i * 5) / 1000);
const rule = Math.max(...grid.filter((t) => scoreAt(collected, index.articles, at(t)).answered >= 0.95));
const given = scoreAt(collected, index.articles, at(rule));
const firstQuoteIds = collected.answerable.filter((a) => {
  const s = scoreAt({ answerable: [a], offTopic: [], extraNegatives: [] }, index.articles, at(0));
  return s.quoteHitAt1 === 1;
}).map((a) => a.question.id);
console.log(`${path.relative(PROJECT_ROOT, target)}: ${collected.answerable.length} answerable, ${collected.offTopic.filter((q) => q.question.kind === 'near-miss').length} near misses, ${collected.offTopic.filter((q) => q.question.kind === 'off-topic').length} off-topic; ${single ? 'one model for every question' : 'each question with the model of its fold (out of fold by file)'}`);
console.log(`every question answered: quote hit@1 ${pct(all.quoteHitAt1)}, quote hit@3 ${pct(all.quoteHitAt3)}, passage hit@3 ${pct(all.hitAt3)}`);
console.log(`the fact threshold by the rule: ${num(rule)} (accounts at ${num(Math.min(OPEN, rule))}): quote hit@1 ${pct(given.quoteHitAt1)}, passage hit@3 ${pct(given.hitAt3)}, answered ${pct(given.answered)}, near misses refused ${pct(given.refusedNearMiss)}, off-topic refused ${pct(given.refusedOffTopic)}`);
console.log(table(['fact threshold', 'quote hit@1', 'hit@3', 'answered', 'near misses refused', 'off-topic refused'], [...new Set([rule, ...THRESHOLDS])].sort((a, b) => a - b).map((t) => scoreAt(collected, index.articles, at(t))).map((s) => [s.threshold === rule ? `**${num(s.threshold)}**` : num(s.threshold), pct(s.quoteHitAt1), pct(s.hitAt3), pct(s.answered), pct(s.refusedNearMiss), pct(s.refusedOffTopic)])));
console.log(`quote hit@1 (every question answered): ${firstQuoteIds.join(' ')}`);
index.close?.();
