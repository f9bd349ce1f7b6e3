/** The reader on NQ-UTD's news questions (src/eval/news-reading.ts): answerable, and as near misses. */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import type { Config } from '../../src/config.js';
import type { Embedder } from '../../src/embedder.js';
import { cachedIndexDir, EVAL_CACHE } from '../../src/eval/cached-index.js';
import { loadDataset } from '../../src/eval/datasets.js';
import { holdsAnswerForm, readNewsQuestions, scoreNews, withheldCorpus, type NewsRun } from '../../src/eval/news-reading.js';
import { asksFactOf, readerThresholds } from '../../src/eval/question-set.js';
import { shownShortAnswers } from '../../src/eval/squad.js';
import { localStore } from '../../src/index/coverage.js';
import { answerQuestion } from '../../src/answer-question.js';
import type { Reader } from '../../src/reader/reader.js';
import { num, pct, shownShortAnswersLine, table, THRESHOLDS } from './tables.js';

export async function evaluateNewsReading(config: Config, embedder: Embedder, reader: Reader, shared: string): Promise<void> {
  const dir = path.join(shared, 'nq-utd');
  if (!existsSync(dir)) {
    console.log(`\nNews reading (NQ-UTD): skipped (${shared} has no nq-utd).`);
    return;
  }
  const dataset = await loadDataset(dir, EVAL_CACHE);
  const questions = await readNewsQuestions(dir, dataset.qrels);
  const lines = (await fs.readFile(dataset.corpusFile, 'utf8')).split('\n').filter((l) => l.trim());
  const passages = new Map(lines.map((line) => JSON.parse(line) as { _id: string; title?: string; text: string }).map((p) => [p._id, `${p.title ?? ''} ${p.text}`]));
  const withheldFile = path.join(EVAL_CACHE, 'nq-utd-withheld.jsonl');
  const withheld = withheldCorpus(lines, questions);
  await fs.mkdir(EVAL_CACHE, { recursive: true });
  await fs.writeFile(withheldFile, withheld.join('\n') + '\n');
  // The same cached index as the retrieval figures; the near misses' corpus is cached beside it.
  const whole = await localStore(await cachedIndexDir(config, embedder, dataset.name, dataset.corpusFile), config.hnsw).open();
  const without = await localStore(await cachedIndexDir(config, embedder, 'nq-utd-withheld', withheldFile), config.hnsw).open();
  const ask = (index: typeof whole, question: string) => answerQuestion({ index, embedder, reader }, question, { mode: 'hybrid', passages: 3, answerAll: true });
  const runs: NewsRun[] = [];
  try {
    for (const question of questions) {
      runs.push({
        question,
        answer: await ask(whole, question.text),
        nearMiss: await ask(without, question.text),
        findable: [...question.relevant].some((id) => holdsAnswerForm(passages.get(id) ?? '', question.answers)),
        asksFact: asksFactOf(whole.terms.vocabulary, reader, question.text),
      });
    }
  } finally {
    whole.close?.();
    without.close?.();
  }
  const findable = runs.filter((r) => r.findable).length;
  console.log(
    `\nNews reading, NQ-UTD (never trained or tuned on by the reader): ${runs.length} questions with a published answer, asked of the ${passages.size} human-written passages (hybrid); ` +
      `${findable} of them have their answer word for word in a passage judged relevant (the quote columns count those). Near misses: the same questions asked of the ${withheld.length} passages left ` +
      `without any passage judged relevant to any question or holding an answer. In bold the coverage's threshold for questions asking for a fact, ${reader.threshold}; those asking for an account at ${reader.openThreshold}, or the swept one under it.`,
  );
  const rows = [...new Set([reader.threshold, ...THRESHOLDS])].sort((a, b) => a - b).map((t) => scoreNews(runs, { ...readerThresholds(reader), fact: t })).map((s) => [
    s.threshold === reader.threshold ? `**${num(s.threshold)}**` : num(s.threshold), pct(s.firstPassageRelevant), pct(s.answerInFirstQuote), pct(s.answerInQuotes), (100 * s.shortExact).toFixed(1), (100 * s.shortF1).toFixed(1), pct(s.answered), pct(s.nearMissesRefused),
  ]);
  console.log(table(['threshold', 'first passage relevant', 'answer in first quote', 'answer in quotes', 'short EM', 'short F1', 'answered', 'near misses refused'], rows));
  const shown = shownShortAnswers(runs.map((r) => ({ answer: r.answer, golds: r.question.answers })));
  console.log(shownShortAnswersLine(shown, reader.sureThreshold, 'the questions'));
}
