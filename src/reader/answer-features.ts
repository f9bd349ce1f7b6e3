/**
 * Span and answer features. Span: for each candidate answer inside the chosen sentence, its kind against
 * the question type, whether the question already names it, its distance to the matched question words,
 * its neighbouring tags. Answer: the question as a whole, for deciding whether the coverage answers it.
 */
import { CANDIDATE_KINDS } from './candidates.js';
import { aroundStems, articleStems, candidateClasses, cap, contentWords, EXPECTED_KINDS, holds, namedByQuestion, oneHot, row, wordStem, type ReadingContext, type SentenceView } from './context.js';
import { questionFrame, verbOffset, verbPositions, type QuestionFrame } from './alignment.js';
import { ASKED_CLASSES, askedClass, classMatch, NAME_CLASSES, type AskedClass } from './name-class.js';
import { QUESTION_TYPES } from './question.js';

/** What a question asks for and its verb's frame, worked out once for the reading of a question. */
const questionParts = new WeakMap<ReadingContext, { asked: AskedClass; frame: QuestionFrame }>();
function partsOf(context: ReadingContext): { asked: AskedClass; frame: QuestionFrame } {
  let parts = questionParts.get(context);
  if (!parts) questionParts.set(context, (parts = { asked: askedClass(context.question, context.synonyms), frame: questionFrame(context.question) }));
  return parts;
}

/** Features of each candidate answer of a sentence; `sentenceScore` is the reader's score of the sentence. */
export function spanFeatures(context: ReadingContext, view: SentenceView, sentenceScore: number, sentenceRank: number): Record<string, number>[] {
  const { question, index } = context;
  const tokens = view.annotated.tokens;
  const termSet = new Set(question.terms);
  const matched = view.stems.map((s, i) => (s !== null && termSet.has(s) ? i : -1)).filter((i) => i >= 0);
  const expected = EXPECTED_KINDS[question.type] ?? [];
  const lastContent = tokens.map((t) => t.pos !== 'PUNCT').lastIndexOf(true);
  const focusAt = question.focus === undefined ? [] : view.stems.map((s, i) => (s === question.focus ? i : -1)).filter((i) => i >= 0);
  const questionType = oneHot('q', QUESTION_TYPES, question.type);
  const kinds = new Map(CANDIDATE_KINDS.map((kind) => [kind, oneHot('kind', CANDIDATE_KINDS, kind)]));
  const { asked, frame } = partsOf(context);
  const askedColumns = oneHot('asked', ASKED_CLASSES, asked);
  const classes = candidateClasses(index, context.synonyms, view);
  const verbAt = verbPositions(view, frame);
  // IDF of the question term at each token (0 elsewhere), against the question's total.
  const totalIdf = [...termSet].reduce((sum, t) => sum + index.lexical.idf(t), 0) || 1;
  const weight = view.stems.map((s) => (s !== null && termSet.has(s) ? index.lexical.idf(s) / totalIdf : 0));
  const window = (from: number, to: number) => {
    let sum = 0;
    for (let i = Math.max(0, from); i <= Math.min(tokens.length - 1, to); i++) sum += weight[i]!;
    return sum;
  };
  const distances = view.candidates.map((c) => (matched.length === 0 ? 50 : Math.min(...matched.map((i) => (i < c.first ? c.first - i : i > c.last ? i - c.last : 0)))));
  const named = view.candidates.map((c) => namedByQuestion(view, c, question));
  const fits = view.candidates.map((c) => expected.includes(c.kind));
  // The nearest candidate not named by the question, overall and of the expected kind.
  const fresh = distances.filter((_, k) => named[k]! < 0.5);
  const nearest = fresh.length === 0 ? 50 : Math.min(...fresh);
  const freshFitting = distances.filter((_, k) => named[k]! < 0.5 && fits[k]);
  const nearestFitting = freshFitting.length === 0 ? 50 : Math.min(...freshFitting);
  // How many candidates the question does not name are of each class.
  const freshOfClass = new Uint16Array(NAME_CLASSES.length);
  classes.forEach((c, k) => {
    if (named[k]! < 0.5) freshOfClass[c]!++;
  });
  return view.candidates.map((c, k) => {
    const previous = tokens[c.first - 1];
    const next = tokens[c.last + 1];
    const distance = distances[k]!;
    const span = tokens.slice(c.first, c.last + 1);
    const nested = view.candidates.some((o) => o !== c && o.first <= c.first && o.last >= c.last);
    const found = NAME_CLASSES[classes[k]!]!;
    const verb = verbOffset(view, c, verbAt);
    return row(kinds.get(c.kind)!, questionType, askedColumns, oneHot('class', NAME_CLASSES, found), {
      classMatch: classMatch(asked, found),
      // Where the candidate stands against the question's verb, and whether the question asks for its subject.
      questionSubject: frame.subject,
      verbOffset: verb.offset,
      verbPassive: verb.passive,
      sameClassFresh: cap(freshOfClass[classes[k]!]!, 20),
      expectedKind: expected.length === 0 ? -1 : expected.includes(c.kind) ? 1 : 0,
      named: named[k]!,
      length: cap(c.last - c.first + 1, 20),
      capitalised: span.filter((t) => /^\p{Lu}/u.test(t.text)).length / span.length,
      distance: cap(distance, 50),
      matchedBefore: matched.filter((i) => i < c.first).length,
      matchedAfter: matched.filter((i) => i > c.last).length,
      matchedInside: matched.filter((i) => i >= c.first && i <= c.last).length,
      previousAdp: previous?.pos === 'ADP' ? 1 : 0,
      previousPlace: previous && /^(in|at|near|from|to|into|across)$/i.test(previous.text) ? 1 : 0,
      previousBy: previous && /^by$/i.test(previous.text) ? 1 : 0,
      previousVerb: previous?.pos === 'VERB' || previous?.pos === 'AUX' ? 1 : 0,
      previousDet: previous?.pos === 'DET' ? 1 : 0,
      previousPunct: !previous || previous.pos === 'PUNCT' ? 1 : 0,
      nextPunct: !next || next.pos === 'PUNCT' ? 1 : 0,
      nextVerb: next?.pos === 'VERB' || next?.pos === 'AUX' ? 1 : 0,
      nextAdp: next?.pos === 'ADP' ? 1 : 0,
      atEnd: c.last >= lastContent ? 1 : 0,
      position: c.first / Math.max(1, tokens.length),
      focusInside: focusAt.some((i) => i >= c.first && i <= c.last) ? 1 : 0,
      focusNear: focusAt.some((i) => i >= c.first - 3 && i <= c.last + 3) ? 1 : 0,
      nested: nested ? 1 : 0,
      headProper: tokens[c.last]!.pos === 'PROPN' ? 1 : 0,
      headNumber: tokens[c.last]!.pos === 'NUM' ? 1 : 0,
      candidates: cap(view.candidates.length, 60),
      sentenceScore,
      sentenceRank: cap(sentenceRank, 10),
      // The question's words around the span: "was born in ___", "___ , the capital of".
      leftWindow: window(c.first - 3, c.first - 1),
      rightWindow: window(c.last + 1, c.last + 3),
      wideWindow: window(c.first - 8, c.last + 8),
      previousMatched: weight[c.first - 1] ? 1 : 0,
      nextMatched: weight[c.last + 1] ? 1 : 0,
      // Relative to the other candidates: is this the nearest fresh candidate (of the kind asked for)?
      distanceOverNearest: cap(distance - nearest, 50),
      distanceOverNearestFitting: fits[k] ? cap(distance - nearestFitting, 50) : -1,
      sameKindFresh: cap(view.candidates.filter((o, j) => o.kind === c.kind && named[j]! < 0.5).length, 20),
      year: c.first === c.last && /^(1\d{3}|20\d{2})$/.test(tokens[c.first]!.text) ? 1 : 0,
      digits: span.some((t) => /\d/.test(t.text)) ? 1 : 0,
      previousComma: previous?.text === ',' ? 1 : 0,
      previousParen: previous?.text === '(' ? 1 : 0,
      nextComma: next?.text === ',' ? 1 : 0,
    });
  });
}

/**
 * Features of the question as a whole, given the sentences ordered by the reader's score (best first)
 * and their features. The span model's two best scores are added by the caller (`withSpanScores`).
 */
export function answerFeatures(context: ReadingContext, order: number[], scores: number[], features: Record<string, number>[]): Record<string, number> {
  const { index, question } = context;
  const top = features[order[0]!]!;
  const view = context.sentences[order[0]!]!;
  const terms = [...new Set(question.terms)];
  const totalIdf = terms.reduce((sum, t) => sum + index.lexical.idf(t), 0) || 1;
  const unknown = terms.filter((t) => index.lexical.documentFrequency(t) === 0).reduce((sum, t) => sum + index.lexical.idf(t), 0);
  const inArticle = articleStems(index, view.article);
  const missingInArticle = terms.filter((t) => !inArticle.has(t)).reduce((sum, t) => sum + index.lexical.idf(t), 0);
  const s = order.map((i) => scores[i]!);
  // What the question states that the best sentence (with its neighbours) does not: SQuAD 2.0's
  // unanswerable questions swap a name or a number, or add a negation; a near miss asks for a fact
  // next to the ones covered.
  const around = aroundStems(index, view);
  const contextIdf = (keep: (t: string) => boolean) => terms.filter((t) => keep(t) && !holds(around, t)).reduce((sum, t) => sum + index.lexical.idf(t), 0);
  const qTokens = question.annotated.tokens;
  const names = new Set(qTokens.filter((t) => t.pos === 'PROPN').map((t) => wordStem(t.text)).filter((t): t is string => t !== null));
  const numbers = qTokens.filter((t) => t.pos === 'NUM' || /\d/.test(t.text)).map((t) => wordStem(t.text)).filter((t): t is string => t !== null);
  const missing = terms.filter((t) => !holds(around, t)).map((t) => index.lexical.idf(t));
  const topTokens = view.annotated.tokens;
  return {
    top: s[0] ?? 0,
    second: s[1] ?? 0,
    margin: (s[0] ?? 0) - (s[1] ?? 0),
    topFiveSum: s.slice(0, 5).reduce((a, b) => a + b, 0),
    topCov: top.cov!,
    topCovContext: top.covContext!,
    topCovChunk: top.covChunk!,
    topCosine: top.cosine!,
    topChunkCosine: top.chunkCosine!,
    topChunkRank: top.chunkRank!,
    topMaxMissingIdf: top.maxMissingIdf!,
    topExpectedKind: top.expectedKind!,
    topProximity: top.proximity!,
    topFocus: top.focus!,
    bestCov: Math.max(...features.map((f) => f.cov!)),
    bestCosine: Math.max(...features.map((f) => f.cosine!)),
    unknownShare: unknown / totalIdf,
    missingInArticle: missingInArticle / totalIdf,
    terms: cap(terms.length, 20),
    candidates: cap(features.length, 100),
    topCovLemma: top.covLemma!,
    topCovSynonym: top.covSynonym!,
    topCovRelated: top.covRelated!,
    topBigrams: top.bigrams!,
    topGrams: top.grams!,
    missingInContext: contextIdf(() => true) / totalIdf,
    maxMissingInContext: cap(missing.length === 0 ? 0 : Math.max(...missing), 20),
    namesMissing: contextIdf((t) => names.has(t)) / totalIdf,
    numbersMissing: cap(numbers.filter((t) => !holds(around, t)).length, 5),
    questionNegated: qTokens.some((t) => NEGATION.test(t.text)) ? 1 : 0,
    topNegated: topTokens.some((t) => NEGATION.test(t.text)) ? 1 : 0,
    questionSuperlative: qTokens.some((t) => SUPERLATIVE.test(t.text)) ? 1 : 0,
    antonymSwap: antonymSwap(context, view, around, totalIdf),
    ...oneHot('q', QUESTION_TYPES, question.type),
  };
}

/**
 * IDF-weighted share of the question's terms that the best sentence says the opposite of and that neither it
 * nor its neighbours hold themselves: "decrease" asked where "increased" is written, "smallest" where
 * "largest" (WordNet's direct antonyms, of the words and their lemmas). SQuAD 2.0 writes a fifth of its
 * unanswerable questions by such a swap.
 */
function antonymSwap(context: ReadingContext, view: SentenceView, around: Set<string>[], totalIdf: number): number {
  const written = new Set([...view.lemmas, ...view.lower]);
  const swapped = new Set<string>();
  for (const { term, word } of contentWords(context.question.annotated.tokens)) {
    if (swapped.has(term) || holds(around, term)) continue;
    if (context.synonyms.antonyms(word).some((opposite) => written.has(opposite))) swapped.add(term);
  }
  let idf = 0;
  for (const term of swapped) idf += context.index.lexical.idf(term);
  return idf / totalIdf;
}

const NEGATION = /^(not|n't|no|never|none|nobody|nothing|neither|nor|without|cannot)$/i;
const SUPERLATIVE = /^(most|least|first|last|only|\w{3,}est)$/i;

/** Features of the best span that the answer model also weighs: a short answer of the wrong kind, or one the question names, is a near miss's mark. */
export const TOP_SPAN_FEATURES = { spanTopExpected: 'expectedKind', spanTopNamed: 'named', spanTopDistance: 'distance', spanTopClass: 'classMatch' } as const;

/**
 * The answer features with the span model's best two scores, and features of the best span
 * (TOP_SPAN_FEATURES); 0 (-1 for the kind) when the sentence has no candidate. Training overwrites these
 * columns with out-of-fold scores and the span they pick (scripts/train_reader.py).
 */
export function withSpanScores(features: Record<string, number>, spanScores: number[], spanRows: Record<string, number>[]): Record<string, number> {
  let top = -1;
  let second = -1;
  spanScores.forEach((score, i) => {
    if (top < 0 || score > spanScores[top]!) {
      second = top;
      top = i;
    } else if (second < 0 || score > spanScores[second]!) second = i;
  });
  const best = top >= 0 ? spanRows[top]! : undefined;
  const extra: Record<string, number> = { spanTop: best ? spanScores[top]! : 0, spanSecond: second >= 0 ? spanScores[second]! : 0 };
  for (const [name, column] of Object.entries(TOP_SPAN_FEATURES)) extra[name] = best ? best[column]! : column === 'expectedKind' || column === 'classMatch' ? -1 : 0;
  return row(features, extra);
}
