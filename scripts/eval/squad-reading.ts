/** The reader on SQuAD's 10 test articles: paragraph given (SQuAD 1.1 and 2.0 scores), then open corpus. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../../src/config.js';
import type { Embedder } from '../../src/embedder.js';
import { squadIndex } from '../../src/eval/cached-index.js';
import { articleInterval, askAll, openCorpusParts, paragraphGiven, scoreOpenCorpus, type ParagraphScores } from '../../src/eval/reading.js';
import { loadSquadSplit, shownShortAnswers } from '../../src/eval/squad.js';
import { loadReaderModel } from '../../src/reader/model.js';
import type { Reader } from '../../src/reader/reader.js';
import { firstQuoteChars, num, pct, shownShortAnswersLine, table, THRESHOLDS } from './tables.js';

/** Published SQuAD dev scores (whole dev sets; ours are on the 10 test articles). */
const SQUAD_REFERENCES = [
  ['SQuAD 1.1 paper: logistic regression (dev)', 'EM 40.4 / F1 51.0'],
  ['SQuAD 2.0 paper: always abstain (dev)', 'F1 50.1 (EM 50.1)'],
  ['SQuAD 2.0 paper: BNA (dev)', 'EM 59.8 / F1 62.6'],
];

export async function evaluateReading(config: Config, embedder: Embedder, reader: Reader, threshold: number, shared: string): Promise<void> {
  if (!existsSync(path.join(shared, 'squad-v2.0'))) {
    console.log(`\nSQuAD reading: skipped (${shared} has no squad-v2.0; give --shared DIR).`);
    return;
  }
  const { test, test11 } = await loadSquadSplit(shared);
  const v2 = await squadIndex(config, embedder, 'squad-test', test);
  const v11 = await squadIndex(config, embedder, 'squad-test-v1.1', test11);
  // SQuAD is scored at the threshold calibrated on SQuAD (stored in the model file), the coverage at its own.
  const squadThreshold = loadReaderModel(config.reader.modelFile).threshold;
  const p11 = await paragraphGiven(reader, embedder, v11.index, v11.questions, squadThreshold);
  const p2 = await paragraphGiven(reader, embedder, v2.index, v2.questions, squadThreshold);
  console.log(`\nSQuAD reading, paragraph given: the 10 test articles (never trained or tuned on); abstention at the model's SQuAD-calibrated threshold ${squadThreshold}.`);
  const w = p2.withAbstention;
  console.log(table(['set', 'questions', 'answer sentence', 'EM', 'F1', 'HasAns EM', 'HasAns F1', 'NoAns accuracy'], [
    ['SQuAD 1.1 (always answer)', String(p11.questions), pct(p11.sentenceAccuracy / 100), p11.alwaysAnswer.exact.toFixed(1), p11.alwaysAnswer.f1.toFixed(1), '', '', ''],
    ['SQuAD 2.0, answerable, always answer', String(w.hasAnsTotal), pct(p2.sentenceAccuracy / 100), p2.alwaysAnswer.exact.toFixed(1), p2.alwaysAnswer.f1.toFixed(1), '', '', ''],
    ['SQuAD 2.0 with abstention', String(p2.questions), '', w.exact.toFixed(1), w.f1.toFixed(1), w.hasAnsExact.toFixed(1), w.hasAnsF1.toFixed(1), w.noAnsExact.toFixed(1)],
    ...SQUAD_REFERENCES.map(([name, score]) => [`ref: ${name}`, '', '', score!, '', '', '', '']),
  ]));
  const spread = (rows: ParagraphScores['answered'], key: 'exact' | 'f1') => articleInterval(rows, (r) => 100 * r[key]).map((x) => x.toFixed(1)).join('–');
  console.log(
    `95 % intervals from resampling the 10 articles (1,000 draws), always answering: SQuAD 1.1 EM ${spread(p11.answered, 'exact')}, F1 ${spread(p11.answered, 'f1')}; SQuAD 2.0 answerable EM ${spread(p2.answered, 'exact')}, F1 ${spread(p2.answered, 'f1')}. A reference row is the whole dev set's, one figure.`,
  );
  const runs = await askAll(reader, embedder, v2.index, v2.questions);
  console.log(`\nSQuAD 2.0 open corpus: the 10 test articles indexed (${v2.index.chunks.length} chunks), ${runs.length} questions asked through the pipeline (first quotes of the answerable ones: ${firstQuoteChars(runs.filter((r) => !r.question.impossible).map((r) => r.answer))} characters on average); in bold the SQuAD-calibrated threshold, one for every question (SQuAD's unanswerable questions are of every type; the coverage uses ${threshold} for questions asking for a fact and ${reader.openThreshold} for accounts).`);
  const rows = [...new Set([threshold, squadThreshold, ...THRESHOLDS])].sort((a, b) => a - b).map((t) => scoreOpenCorpus(runs, t)).map((s) => [
    s.threshold === squadThreshold ? `**${num(s.threshold)}**` : num(s.threshold), `${s.goldInFirstQuoteGiven.toFixed(1)}%`, `${s.goldInFirstQuote.toFixed(1)}%`, `${s.goldInQuotes.toFixed(1)}%`, s.shortExact.toFixed(1), s.shortF1.toFixed(1), `${s.answerableAnswered.toFixed(1)}%`, `${s.unanswerableRefused.toFixed(1)}%`, s.overall.exact.toFixed(1), s.overall.f1.toFixed(1),
  ]);
  console.log(table(['threshold', 'gold in first quote (answered)', 'gold in first quote (refused too)', 'gold in quotes (refused too)', 'short EM', 'short F1', 'answerable answered', 'unanswerable refused', 'overall EM', 'overall F1'], rows));
  const parts = new Map(runs.map((r) => [r, openCorpusParts(r, squadThreshold)]));
  const interval = (part: Exclude<keyof ReturnType<typeof openCorpusParts>, 'prediction'>) => articleInterval(runs, (r) => parts.get(r)![part]).map((x) => x.toFixed(1)).join('–');
  console.log(
    `At ${squadThreshold}, 95 % intervals from resampling the 10 articles (1,000 draws): gold in first quote (answered) ${interval('goldInFirstQuoteGiven')} %, short F1 ${interval('shortF1')}, answerable answered ${interval('answerableAnswered')} %, unanswerable refused ${interval('unanswerableRefused')} %.`,
  );
  const shown = shownShortAnswers(runs.filter((r) => !r.question.impossible).map((r) => ({ answer: r.answer, golds: r.question.documentAnswers.map((a) => a.text) })));
  console.log(shownShortAnswersLine(shown, reader.sureThreshold, 'the answerable questions'));
}

