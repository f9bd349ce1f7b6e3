/**
 * SQuAD reading-comprehension data and the official SQuAD metrics. The dev sets of SQuAD 2.0 (with
 * unanswerable questions) and SQuAD 1.1 are split by article into a fixed train and test part, each article
 * becomes one corpus document with its gold answers located in the whole text, and the scoring is a port of
 * the official evaluate-v2.0.py (normalisation, exact match, token F1, best over the gold answers).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { shownShortAnswer, type Answer } from '../answer.js';
import { INVISIBLE } from '../plain-text.js';

/** The fixed test split: the last 10 articles of SQuAD 2.0 dev, in file order. */
export const TEST_ARTICLES: readonly string[] = Object.freeze([
  'Immune_system',
  'Intergovernmental_Panel_on_Climate_Change',
  'Prime_number',
  'Rhine',
  'Scottish_Parliament',
  'Islamism',
  'Imperialism',
  'Warsaw',
  'French_and_Indian_War',
  'Force',
]);

/** An answer span; `start` is its offset in the paragraph context. */
export interface SquadSpan {
  text: string;
  start: number;
}

export interface SquadQuestion {
  id: string;
  question: string;
  answers: SquadSpan[];
  impossible: boolean;
  /** For unanswerable SQuAD 2.0 questions: the distractor span that looks like an answer. */
  plausible: SquadSpan[];
}

export interface SquadParagraph {
  context: string;
  questions: SquadQuestion[];
}

export interface SquadArticle {
  title: string;
  version: '1.1' | '2.0';
  paragraphs: SquadParagraph[];
}

/** A span in the whole article document: `text === document.text.slice(start, end)`. */
export interface DocumentSpan {
  text: string;
  start: number;
  end: number;
}

export type DocumentQuestion = SquadQuestion & {
  paragraph: number;
  documentAnswers: DocumentSpan[];
  documentPlausible: DocumentSpan[];
  paragraphStart: number;
  paragraphEnd: number;
};

export interface SquadDocument {
  id: string;
  title: string;
  text: string;
}

interface RawSpan {
  text: string;
  answer_start: number;
}

interface RawSquadFile {
  data: {
    title: string;
    paragraphs: {
      context: string;
      qas: { id: string; question: string; answers: RawSpan[]; is_impossible?: boolean; plausible_answers?: RawSpan[] }[];
    }[];
  }[];
}

const span = (raw: RawSpan): SquadSpan => ({ text: raw.text, start: raw.answer_start });

/** Reads one official SQuAD JSON file (dev-v1.1.json or dev-v2.0.json) in file order. */
export async function readSquadFile(file: string, version: '1.1' | '2.0'): Promise<SquadArticle[]> {
  const raw = JSON.parse(await fs.readFile(file, 'utf8')) as RawSquadFile;
  return raw.data.map((article) => ({
    title: article.title,
    version,
    paragraphs: article.paragraphs.map((paragraph) => ({
      context: paragraph.context,
      questions: paragraph.qas.map((qa) => ({
        id: qa.id,
        question: qa.question,
        answers: qa.answers.map(span),
        impossible: qa.is_impossible ?? false,
        plausible: (qa.plausible_answers ?? []).map(span),
      })),
    })),
  }));
}

/**
 * The article split: train = the 25 other SQuAD 2.0 dev articles plus the 13 SQuAD 1.1 dev articles that 2.0
 * lacks; test = the 10 test articles from 2.0; test11 = the same 10 articles from 1.1 (all answerable).
 */
export async function loadSquadSplit(
  sharedEvalDir: string,
): Promise<{ train: SquadArticle[]; test: SquadArticle[]; test11: SquadArticle[] }> {
  const v2 = await readSquadFile(path.join(sharedEvalDir, 'squad-v2.0', 'dev-v2.0.json'), '2.0');
  const v11 = await readSquadFile(path.join(sharedEvalDir, 'squad-v1.1', 'dev-v1.1.json'), '1.1');
  const lastTitles = v2.slice(-TEST_ARTICLES.length).map((a) => a.title);
  if (lastTitles.join('\n') !== TEST_ARTICLES.join('\n')) {
    throw new Error(`The last ${TEST_ARTICLES.length} SQuAD 2.0 dev articles are not TEST_ARTICLES: ${lastTitles.join(', ')}`);
  }
  const testTitles = new Set(TEST_ARTICLES);
  const v2Titles = new Set(v2.map((a) => a.title));
  const test = v2.filter((a) => testTitles.has(a.title));
  const train = [...v2.filter((a) => !testTitles.has(a.title)), ...v11.filter((a) => !v2Titles.has(a.title))];
  const test11 = TEST_ARTICLES.map((title) => {
    const article = v11.find((a) => a.title === title);
    if (!article) throw new Error(`Test article ${title} is missing from SQuAD 1.1 dev.`);
    return article;
  });
  const leaked = train.filter((a) => testTitles.has(a.title)).map((a) => a.title);
  if (leaked.length > 0) throw new Error(`Test articles in the train split: ${leaked.join(', ')}`);
  return { train, test, test11 };
}

/** A lower-case, dash-separated id from a title ("Fresno,_California" → "fresno-california"). */
function slug(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** One invisible character (INVISIBLE, without its global flag: `test` keeps no position). */
const INVISIBLE_CHAR = new RegExp(INVISIBLE.source);

/**
 * A paragraph as the corpus loader keeps it (white space collapsed, trimmed: src/corpus/paragraphs.ts; invisible
 * characters out: plainText), with the position in the kept text of every offset of the original.
 */
function collapseWithOffsets(text: string): { text: string; at: Int32Array; dropped: Uint8Array } {
  const at = new Int32Array(text.length + 1);
  // Invisible characters (plainText's INVISIBLE: soft hyphens, zero-width spaces) are taken out, as the loader does.
  const dropped = new Uint8Array(text.length);
  let out = '';
  let pendingSpace = false;
  for (let i = 0; i < text.length; i++) {
    if (INVISIBLE_CHAR.test(text[i]!)) {
      at[i] = out.length;
      dropped[i] = 1;
      continue;
    }
    const space = /\s/.test(text[i]!);
    if (space) {
      at[i] = out.length;
      pendingSpace = out.length > 0;
      continue;
    }
    if (pendingSpace) out += ' ';
    pendingSpace = false;
    at[i] = out.length;
    out += text[i];
  }
  at[text.length] = out.length;
  return { text: out, at, dropped };
}

/**
 * The article as one corpus document, its paragraphs separated by blank lines and their white space
 * collapsed as the corpus loader does, so the offsets of every answer hold in the indexed article text.
 */
export function articleAsDocument(article: SquadArticle): { document: SquadDocument; questions: DocumentQuestion[] } {
  const separator = '\n\n';
  const questions: DocumentQuestion[] = [];
  const texts: string[] = [];
  let offset = 0;
  article.paragraphs.forEach((paragraph, index) => {
    const collapsed = collapseWithOffsets(paragraph.context);
    const paragraphStart = offset;
    const paragraphEnd = paragraphStart + collapsed.text.length;
    const toDocument = (s: SquadSpan): DocumentSpan => {
      const start = paragraphStart + collapsed.at[s.start]!;
      // The span's last character kept (an invisible one at its end is not).
      let last = s.start + s.text.length - 1;
      while (last > s.start && collapsed.dropped[last]) last--;
      const end = paragraphStart + collapsed.at[last]! + 1;
      return { text: collapsed.text.slice(start - paragraphStart, end - paragraphStart), start, end };
    };
    for (const q of paragraph.questions) {
      questions.push({
        ...q,
        paragraph: index,
        documentAnswers: q.answers.map(toDocument),
        documentPlausible: q.plausible.filter((p) => p.text.length > 0).map(toDocument),
        paragraphStart,
        paragraphEnd,
      });
    }
    texts.push(collapsed.text);
    offset = paragraphEnd + separator.length;
  });
  return { document: { id: slug(article.title), title: article.title.replace(/_/g, ' '), text: texts.join(separator) }, questions };
}

/** Python's string.punctuation. */
const PUNCTUATION = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');
/** Python's re `\b(a|an|the)\b` on str: word characters are letters, digits and the underscore. */
const ARTICLES = /(?<![\p{L}\p{N}_])(a|an|the)(?![\p{L}\p{N}_])/gu;
/** The characters Python's str.split() splits on (str.isspace()). */
const PY_SPACE = /[\t\n\v\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;
const tokens = (s: string): string[] => s.split(PY_SPACE).filter((t) => t.length > 0);

/** The official normalisation: lower case, no punctuation, no articles, single spaces. */
export function normalizeAnswer(s: string): string {
  const lower = s.toLowerCase();
  const noPunctuation = [...lower].filter((ch) => !PUNCTUATION.has(ch)).join('');
  return tokens(noPunctuation.replace(ARTICLES, ' ')).join(' ');
}

export function exactMatch(prediction: string, gold: string): number {
  return normalizeAnswer(prediction) === normalizeAnswer(gold) ? 1 : 0;
}

/** Token-level F1; if either side normalises to no tokens, F1 is 1 when both do and 0 otherwise. */
export function f1Score(prediction: string, gold: string): number {
  const predTokens = tokens(normalizeAnswer(prediction));
  const goldTokens = tokens(normalizeAnswer(gold));
  if (predTokens.length === 0 || goldTokens.length === 0) return predTokens.length === goldTokens.length ? 1 : 0;
  const goldCounts = new Map<string, number>();
  for (const t of goldTokens) goldCounts.set(t, (goldCounts.get(t) ?? 0) + 1);
  let same = 0;
  for (const t of predTokens) {
    const left = goldCounts.get(t) ?? 0;
    if (left > 0) {
      same++;
      goldCounts.set(t, left - 1);
    }
  }
  if (same === 0) return 0;
  const precision = same / predTokens.length;
  const recall = same / goldTokens.length;
  return (2 * precision * recall) / (precision + recall);
}

/**
 * The best score over the gold answers. As in the official script, golds that normalise to '' are dropped,
 * and with none left the gold is [''] (an unanswerable question: predicting '' scores 1).
 */
export function bestOverGold(metric: (prediction: string, gold: string) => number, prediction: string, golds: string[]): number {
  const usable = golds.filter((g) => normalizeAnswer(g) !== '');
  return Math.max(...(usable.length > 0 ? usable : ['']).map((g) => metric(prediction, g)));
}

/** The short answers a user is shown (`shownShortAnswer`) among answers to answerable questions: their share, and their EM and F1 (0-100) against the gold. */
export function shownShortAnswers(runs: readonly { answer: Answer; golds: string[] }[]): { share: number; exact: number; f1: number } {
  const shown = runs.flatMap(({ answer, golds }) => {
    const short = shownShortAnswer(answer);
    return short ? [{ text: short.text, golds }] : [];
  });
  const mean = (metric: (prediction: string, gold: string) => number) => (shown.length === 0 ? 0 : (100 * shown.reduce((sum, s) => sum + bestOverGold(metric, s.text, s.golds), 0)) / shown.length);
  return { share: runs.length === 0 ? 0 : (100 * shown.length) / runs.length, exact: mean(exactMatch), f1: mean(f1Score) };
}

export interface SquadRow {
  prediction: string;
  /** The reference answer texts; ignored for an unanswerable question, whose only gold is ''. */
  golds: string[];
  impossible: boolean;
}

export interface SquadScores {
  exact: number;
  f1: number;
  hasAnsExact: number;
  hasAnsF1: number;
  /** Percentage of unanswerable questions where the prediction was '' (abstained). */
  noAnsExact: number;
  total: number;
  hasAnsTotal: number;
  noAnsTotal: number;
}

/** Percent scores as evaluate-v2.0.py reports them (an empty subset scores 0). */
export function squadScores(rows: SquadRow[]): SquadScores {
  const percent = (values: number[]) => (values.length === 0 ? 0 : (100 * values.reduce((a, b) => a + b, 0)) / values.length);
  const scored = rows.map((row) => {
    const golds = row.impossible ? [] : row.golds;
    return { impossible: row.impossible, em: bestOverGold(exactMatch, row.prediction, golds), f1: bestOverGold(f1Score, row.prediction, golds) };
  });
  const hasAns = scored.filter((s) => !s.impossible);
  const noAns = scored.filter((s) => s.impossible);
  return {
    exact: percent(scored.map((s) => s.em)),
    f1: percent(scored.map((s) => s.f1)),
    hasAnsExact: percent(hasAns.map((s) => s.em)),
    hasAnsF1: percent(hasAns.map((s) => s.f1)),
    noAnsExact: percent(noAns.map((s) => s.em)),
    total: scored.length,
    hasAnsTotal: hasAns.length,
    noAnsTotal: noAns.length,
  };
}
