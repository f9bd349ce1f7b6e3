import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Answer } from '../../src/answer.js';
import { PROJECT_ROOT, type Config, type RetrievalMode } from '../../src/config.js';
import { loadCorpus } from '../../src/corpus/load.js';
import type { Embedder } from '../../src/embedder.js';
import { cachedIndexDir } from '../../src/eval/cached-index.js';
import { TEST_ARTICLES } from '../../src/eval/squad.js';
import { casualize } from '../../src/eval/casual.js';
import { asksFactOf, hitRank, locateEvidence, readerThresholds, readQuestionSet, scoreAt, thresholdOf, type Asked, type CollectedAnswers, type QuestionSet, type Thresholds } from '../../src/eval/question-set.js';
import { answerQuestion } from '../../src/answer-question.js';
import { buildCoverage, openCoverageStore } from '../../src/coverage-store.js';
import { localStore, type Coverage } from '../../src/index/coverage.js';
import { embedProgressBar, formatBuildReport } from '../../src/cli/progress.js';
import type { Reader } from '../../src/reader/reader.js';
import { firstQuoteChars, num, OPEN_THRESHOLDS, pct, table, THRESHOLDS } from './tables.js';

type Ask = (question: string) => Promise<Asked>;

/** A question set with every question typed casually (the same changes on every run). */
function casualCopy(set: QuestionSet): QuestionSet {
  return {
    answerable: set.answerable.map((q) => ({ ...q, question: casualize(q.question, `casual/${q.id}`) })),
    offTopic: set.offTopic.map((q) => ({ ...q, question: casualize(q.question, `casual/${q.id}`) })),
  };
}

async function coverageUnderTest(config: Config, embedder: Embedder): Promise<{ index: Coverage; close: () => Promise<void> }> {
  // The local coverage is served as the bot serves it: lean, read per question from its SQLite file.
  if (!config.databaseUrl) return { index: await localStore(await cachedIndexDir(config, embedder, 'coverage', config.corpusDir), config.hnsw).open(), close: async () => {} };
  const store = await openCoverageStore(config);
  try {
    const corpus = await loadCorpus(config.corpusDir, { maxArticleBytes: config.maxArticleBytes });
    const bar = embedProgressBar();
    const report = await buildCoverage(store, config, corpus.articles, embedder, { onProgress: bar.update }).finally(bar.stop);
    console.error(formatBuildReport(report));
    console.log(`The question sets are asked of the coverage in the ${store.location} (BM25: ${store.lexical}); SQuAD and BEIR datasets use local indexes.`);
    return { index: await store.open(), close: () => store.close() };
  } catch (error) {
    await store.close();
    throw error;
  }
}

export function asker(embedder: Embedder, reader: Reader, index: Coverage, mode: RetrievalMode): Ask {
  return async (question) => ({
    answer: await answerQuestion({ index, embedder, reader }, question, { mode, passages: 3, answerAll: true }),
    asksFact: asksFactOf(index.terms.vocabulary, reader, question),
  });
}

/**
 * The share of each kind of question the reader answers sure (at its sure threshold or above), answers not
 * sure, and refuses; and how often the first quote holds the evidence among the answerable questions of each.
 */
function bandTable(collected: CollectedAnswers, articles: Coverage['articles'], thresholds: Thresholds, sureThreshold: number): string {
  const bands = ['sure', 'not sure', "the coverage doesn't say"];
  const bandOf = ({ answer, asksFact }: Asked) => (!answer.found || answer.confidence < thresholdOf(asksFact, thresholds) ? 2 : answer.confidence >= sureThreshold ? 0 : 1);
  const share = (list: Asked[], band: number) => (list.length === 0 ? 0 : list.filter((a) => bandOf(a) === band).length / list.length);
  const offTopic = (kind: string) => collected.offTopic.filter(({ question }) => question.kind === kind);
  return table(
    ['answer', 'answerable questions', 'first quote holds the evidence', 'near misses', 'off-topic'],
    bands.map((name, band) => {
      const inBand = collected.answerable.filter((a) => bandOf(a) === band);
      const hits = inBand.filter(({ answer, spans }) => hitRank(answer, spans, articles, 0, 'quote') === 1).length;
      return [name, pct(inBand.length / collected.answerable.length), inBand.length === 0 ? '-' : pct(hits / inBand.length), pct(share(offTopic('near-miss'), band)), pct(share(offTopic('off-topic'), band))];
    }),
  );
}

export async function collectAnswers(ask: Ask, index: Coverage, set: QuestionSet, extraNegatives: Asked[]): Promise<CollectedAnswers> {
  const answerable = [];
  for (const question of set.answerable) {
    answerable.push({ question, ...(await ask(question.question)), spans: locateEvidence(question.evidence, index.articles.values()) });
  }
  const offTopic = [];
  for (const question of set.offTopic) offTopic.push({ question, ...(await ask(question.question)) });
  return { answerable, offTopic, extraNegatives };
}

/**
 * Off-corpus questions for the question sets: every 35th question of SQuAD 1.1 dev, from the articles training and
 * tuning may use (none of the test articles, TEST_ARTICLES: before the thirty-second session, 55 of 302 were theirs).
 */
async function squadNegatives(dir: string): Promise<string[]> {
  const squad = JSON.parse(await fs.readFile(path.join(dir, 'dev-v1.1.json'), 'utf8')) as { data: { title: string; paragraphs: { qas: { question: string }[] }[] }[] };
  const test = new Set(TEST_ARTICLES);
  const all = squad.data.flatMap((article) => article.paragraphs.flatMap((p) => p.qas.map((qa) => ({ title: article.title, question: qa.question }))));
  return all.filter((q, i) => i % 35 === 0 && !test.has(q.title)).map((q) => q.question);
}

/**
 * The shipped coverage's two question sets, asked through the whole pipeline per retrieval mode: passage and
 * quote hits, answered share, near misses and off-topic questions refused, and a sweep of the reader's threshold.
 */
export async function evaluateQuestionSets(config: Config, embedder: Embedder, reader: Reader, modes: RetrievalMode[], negativesDir: string | undefined): Promise<void> {
  const thresholds = readerThresholds(reader);
  const threshold = thresholds.fact;
  const at = (fact: number): Thresholds => ({ fact, open: thresholds.open });
  // The shipped coverage and its two question sets: from the database with DATABASE_URL (embedded there first,
  // as `npm run embed` would), else from a cached local index.
  const { index, close } = await coverageUnderTest(config, embedder);
  const negatives = negativesDir ? await squadNegatives(negativesDir) : [];
  // The tuning set may be looked at to tune; the held-out set, written separately, shows how far that
  // tuning carries to new questions (docs/EVALUATION.md says what it was consulted for).
  // The tuning set's casual copy (src/eval/casual.ts: lower case, no apostrophes, fillers, typos) shows
  // whether a question typed as in a chat is read as well as the same question well typed.
  const tuning = readQuestionSet(path.join(PROJECT_ROOT, 'eval', 'questions.json'));
  const sets = [
    { name: 'tuning', file: 'questions.json', set: tuning },
    { name: 'tuning, typed casually', file: 'questions.json, each question through src/eval/casual.ts', set: casualCopy(tuning) },
    { name: 'held-out', file: 'questions-holdout.json', set: readQuestionSet(path.join(PROJECT_ROOT, 'eval', 'questions-holdout.json')) },
  ].map((s) => ({ ...s, rows: [] as string[][], sweeps: [] as string[] }));
  for (const mode of modes) {
    const ask = asker(embedder, reader, index, mode);
    const negativeAnswers: Asked[] = [];
    for (const question of negatives) negativeAnswers.push(await ask(question));
    for (const { name, set, rows, sweeps } of sets) {
      const collected = await collectAnswers(ask, index, set, negativeAnswers);
      const given = scoreAt(collected, index.articles, thresholds);
      const all = scoreAt(collected, index.articles, at(0));
      rows.push([mode, pct(given.hitAt1), pct(given.hitAt3), pct(given.quoteHitAt1), pct(given.quoteHitAt3), pct(all.hitAt3), pct(all.quoteHitAt1), firstQuoteChars(collected.answerable.map((a) => a.answer)), pct(given.answered), pct(given.refusedNearMiss), pct(given.refusedOffTopic), given.refusedExtra === undefined ? '-' : pct(given.refusedExtra), given.misses.join(' '), given.unrefused.join(' ')]);
      const sweepRows = [...new Set([threshold, ...THRESHOLDS])].sort((a, b) => a - b).map((t) => scoreAt(collected, index.articles, at(t))).map((s) => [s.threshold === threshold ? `**${num(s.threshold)}**` : num(s.threshold), pct(s.quoteHitAt1), pct(s.hitAt3), pct(s.answered), pct(s.refusedNearMiss), pct(s.refusedOffTopic), s.refusedExtra === undefined ? '-' : pct(s.refusedExtra)]);
      sweeps.push(`Threshold sweep, ${name} set, ${mode} (the threshold of questions asking for a fact; those asking for an account at ${num(thresholds.open)}, or the swept one under it):\n` + table(['threshold', 'quote hit@1', 'hit@3', 'answered', 'near misses refused', 'off-topic refused', 'SQuAD refused'], sweepRows));
      const openRows = [...new Set([thresholds.open, ...OPEN_THRESHOLDS])].filter((t) => t <= threshold).sort((a, b) => a - b).map((open) => [open === thresholds.open ? `**${num(open)}**` : num(open), scoreAt(collected, index.articles, { fact: threshold, open })] as const);
      sweeps.push(`Sweep of the threshold of questions asking for an account (why, how, yes or no), ${name} set, ${mode}, those asking for a fact at ${num(threshold)}:\n` + table(['open threshold', 'quote hit@1', 'hit@3', 'answered', 'near misses refused', 'off-topic refused', 'SQuAD refused'], openRows.map(([t, s]) => [t, pct(s.quoteHitAt1), pct(s.hitAt3), pct(s.answered), pct(s.refusedNearMiss), pct(s.refusedOffTopic), s.refusedExtra === undefined ? '-' : pct(s.refusedExtra)])));
      sweeps.push(`Answers by how sure the reader is, ${name} set, ${mode} (sure from ${num(reader.sureThreshold)}, answered from ${num(threshold)}, or ${num(thresholds.open)} asking for an account):\n` + bandTable(collected, index.articles, thresholds, reader.sureThreshold));
    }
  }
  for (const { name, file, set, rows, sweeps } of sets) {
    const nearMisses = set.offTopic.filter((q) => q.kind === 'near-miss').length;
    console.log(`\n${name} question set (eval/${file}): ${set.answerable.length} answerable, ${nearMisses} near misses, ${set.offTopic.length - nearMisses} off-topic${negatives.length ? `, ${negatives.length} SQuAD questions as extra off-corpus negatives` : ''}; reader thresholds ${num(threshold)} (questions asking for a fact) and ${num(thresholds.open)} (asking for an account).`);
    console.log(table(['mode', 'hit@1', 'hit@3', 'quote hit@1', 'quote hit@3', 'hit@3 (no threshold)', 'quote hit@1 (no threshold)', 'first quote chars', 'answered', 'near misses refused', 'off-topic refused', 'SQuAD refused', 'misses at 3', 'refusals missed'], rows));
    console.log('\n' + sweeps.join('\n\n'));
  }

  await close();
}
