/**
 * Would a rule like the count rule carry to the classes name-class.ts reads (a person, a place, a time, a group …)?
 * For each question answered at the coverage's threshold for facts, the reader's best sentence (the one its first
 * quote is built around): does it hold a candidate the question does not name whose class is the one asked for
 * ("strict"), or that class or one unknown ("loose")? Split, on SQuAD's training split (open corpus, in sample), by
 * answered right / unanswerable, and on a coverage question set (tuning by default) by answerable / near miss.
 *
 *   node --import tsx scripts/experiments/class-rule.ts squad|coverage [question file]
 */
import { askAll } from './coverage-setup.js';
import { loadConfig } from '../../src/config.js';
import { candidateClasses, namedByQuestion, sentenceView } from '../../src/reader/context.js';
import { loadReaderModel } from '../../src/reader/model.js';
import { askedClass, NAME_CLASSES } from '../../src/reader/name-class.js';
import { analyseQuestion } from '../../src/reader/question.js';
import type { ReadingIndex } from '../../src/index/store.js';
import type { Answer } from '../../src/answer.js';

const config = await loadConfig();
const { synonyms } = loadReaderModel(config.reader.modelFile);
type Tally = { n: number; strict: number; loose: number; classes: Map<string, number> };
const tallies = new Map<string, Tally>();
const LOOSE: Record<string, readonly string[]> = { person: ['person', 'unknown', 'group'], place: ['place', 'unknown'], time: ['time'], group: ['group', 'unknown', 'person'], quantity: ['quantity'] };

function tally(group: string, index: ReadingIndex, answer: Answer, question: string) {
  const analysis = analyseQuestion(question);
  const asked = askedClass(analysis, synonyms);
  if (asked === 'none' || asked === 'other' || asked === 'quantity') return;
  const p = answer.passages[0];
  if (!p) return;
  const id = index.sentences.findIndex((s) => s.articleId === p.articleId && s.start === p.sentenceStart);
  if (id < 0) return;
  const view = sentenceView(index, { id, chunk: 0, chunkRank: 0, articleRank: 0 });
  const classes = candidateClasses(index, synonyms, view);
  const fresh = view.candidates.map((c, i) => (namedByQuestion(view, c, analysis) < 0.5 ? NAME_CLASSES[classes[i]!]! : null)).filter((c) => c !== null);
  const key = `${group}\t${asked}`;
  const t = tallies.get(key) ?? { n: 0, strict: 0, loose: 0, classes: new Map() };
  t.n++;
  if (!fresh.includes(asked)) t.strict++;
  if (!fresh.some((c) => (LOOSE[asked] ?? [asked]).includes(c))) {
    t.loose++;
    if (process.env.SHOW === group) console.log(`${group} lacks ${asked}: ${question} | ${view.text.slice(0, 150)}`);
  }
  for (const c of new Set(fresh)) t.classes.set(c, (t.classes.get(c) ?? 0) + 1);
  tallies.set(key, t);
}


if (process.argv[2] === 'squad') {
  const { squadTraining } = await import('./squad-train.js');
  const { embedder, index, questions, readerWith } = await squadTraining();
  const reader = readerWith({});
  for (const q of questions) {
    const answer = await askAll(index, embedder, reader, q.question);
    if (!answer.found || answer.confidence < config.reader.threshold) continue;
    const p = answer.passages[0];
    const gold = !!p && p.articleId === q.articleId && q.documentAnswers.some((a) => a.start >= p.quoteStart && a.end <= p.quoteEnd);
    if (q.impossible) tally('unanswerable', index, answer, q.question);
    else if (gold) tally('right', index, answer, q.question);
  }
} else {
  const { tallyAnsweredCoverage } = await import('./coverage-setup.js');
  await tallyAnsweredCoverage(process.argv[3], config.reader.threshold, (group, index, answer, question) => tally(group === 'wrong' ? 'answerable-wrong' : group, index, answer, question));
}
console.log('set\tasked\tanswered\tlacking (strict)\tlacking (loose)\tfresh classes');
for (const [key, t] of [...tallies].sort()) {
  const pc = (x: number) => `${x} (${((100 * x) / t.n).toFixed(1)} %)`;
  console.log(`${key}\t${t.n}\t${pc(t.strict)}\t${pc(t.loose)}\t${[...t.classes].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${n}`).join(', ')}`);
}
