/**
 * Would a rule refuse a "what's the name of the X" question whose best sentence mentions an X but names none?
 * Near misses about the coverage are often written so ("the name of the aircraft factory Kim toured": the story
 * says he toured one). For each such question answered at the coverage's threshold for facts: the head noun X
 * the question asks the name of, and in the reader's best sentence (the one its first quote is built around)
 * whether X stands there, and whether a proper-name candidate the question does not name stands within WINDOW
 * tokens of it (or anywhere in the sentence). Split on SQuAD's training split (open corpus, in sample) by answered
 * right / wrong / unanswerable, and on a coverage question set (tuning by default) by answerable / near miss.
 *
 *   node --import tsx scripts/experiments/name-rule.ts squad|coverage [question file]
 */
import { askAll } from './coverage-setup.js';
import { loadConfig } from '../../src/config.js';
import { namedByQuestion, sentenceView, wordStem } from '../../src/reader/context.js';
import { analyseQuestion } from '../../src/reader/question.js';
import type { ReadingIndex } from '../../src/index/store.js';
import type { Answer } from '../../src/answer.js';

const WINDOW = Number(process.env.WINDOW ?? 3);
const config = await loadConfig();
type Tally = { n: number; focusFound: number; properNear: number; properAny: number; noFocusProper: number };
const tallies = new Map<string, Tally>();

/** The head noun a name question asks about: "the name of the (adjectives) X", "what was the X called/named". */
export function namedHead(question: string): string | null {
  const a = analyseQuestion(question);
  if (a.type !== 'whatName') return null;
  const tokens = a.annotated.tokens;
  const lower = tokens.map((t) => t.text.toLowerCase());
  let at = lower.findIndex((w, i) => /^names?$/.test(w) && lower[i + 1] === 'of');
  if (at >= 0) at += 2;
  else {
    // "what is/was the X called" / "what is X named"
    const q = lower.findIndex((w) => w === 'what' || w === 'which' || w === 'whats');
    if (q < 0) return null;
    at = q + 1;
    while (at < tokens.length && (tokens[at]!.pos === 'AUX' || /^('s|is|was)$/.test(lower[at]!))) at++;
  }
  while (at < tokens.length && (tokens[at]!.pos === 'DET' || tokens[at]!.pos === 'PRON')) at++;
  let head: string | null = null;
  for (; at < tokens.length; at++) {
    const pos = tokens[at]!.pos;
    if (pos === 'NOUN') head = wordStem(tokens[at]!.text);
    else if (!(pos === 'ADJ' || pos === 'PROPN' || pos === 'NUM' || pos === 'PART' || /^[-'’]$/.test(tokens[at]!.text))) break;
  }
  return head;
}

function tally(group: string, index: ReadingIndex, answer: Answer, question: string) {
  const head = namedHead(question);
  if (!head) return;
  const analysis = analyseQuestion(question);
  const p = answer.passages[0];
  if (!p) return;
  const id = index.sentences.findIndex((s) => s.articleId === p.articleId && s.start === p.sentenceStart);
  if (id < 0) return;
  const view = sentenceView(index, { id, chunk: 0, chunkRank: 0, articleRank: 0 });
  const at = view.stems.flatMap((s, i) => (s === head ? [i] : []));
  const fresh = view.candidates.filter((c) => c.kind === 'PROPER' && namedByQuestion(view, c, analysis) < 0.5);
  const near = fresh.some((c) => at.some((i) => i >= c.first - WINDOW && i <= c.last + WINDOW));
  const t = tallies.get(group) ?? { n: 0, focusFound: 0, properNear: 0, properAny: 0, noFocusProper: 0 };
  t.n++;
  if (at.length) t.focusFound++;
  if (near) t.properNear++;
  if (fresh.length) t.properAny++;
  if (!at.length && fresh.length) t.noFocusProper++;
  tallies.set(group, t);
  if (process.env.SHOW === group || process.env.SHOW === 'all') console.log(`${group}\thead=${head}\tfound=${at.length > 0}\tnear=${near}\tany=${fresh.length}\t${question} | ${view.text.slice(0, 160)}`);
}


if (process.argv[2] === 'squad') {
  const { squadTraining } = await import('./squad-train.js');
  const { embedder, index, questions, readerWith } = await squadTraining();
  const reader = readerWith({});
  for (const q of questions) {
    if (!namedHead(q.question)) continue;
    const answer = await askAll(index, embedder, reader, q.question);
    if (!answer.found || answer.confidence < config.reader.threshold) continue;
    const p = answer.passages[0];
    const gold = !!p && p.articleId === q.articleId && q.documentAnswers.some((a) => a.start >= p.quoteStart && a.end <= p.quoteEnd);
    tally(q.impossible ? 'unanswerable' : gold ? 'right' : 'wrong', index, answer, q.question);
  }
} else {
  const { tallyAnsweredCoverage } = await import('./coverage-setup.js');
  await tallyAnsweredCoverage(process.argv[3], config.reader.threshold, tally);
}
console.log('group\tanswered\thead in sentence\tfresh proper near head\tfresh proper anywhere\tno head, fresh proper');
for (const [key, t] of [...tallies].sort()) {
  const pc = (x: number) => `${x} (${((100 * x) / t.n).toFixed(1)} %)`;
  console.log(`${key}\t${t.n}\t${pc(t.focusFound)}\t${pc(t.properNear)}\t${pc(t.properAny)}\t${pc(t.noFocusProper)}`);
}
