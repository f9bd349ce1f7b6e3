/**
 * Span and answer features. Span: for each candidate answer inside the chosen sentence, its kind against
 * the question type, whether the question already names it, its distance to the matched question words,
 * its neighbouring tags. Answer: the question as a whole, for deciding whether the coverage answers it.
 */
import { CANDIDATE_KINDS } from './candidates.js';
import { cachedStems, cap, EXPECTED_KINDS, namedByQuestion, oneHot, row, type ReadingContext, type SentenceView } from './context.js';
import { QUESTION_TYPES } from './question.js';

/** Features of each candidate answer of a sentence; `sentenceScore` is the reader's score of the sentence. */
export function spanFeatures(context: ReadingContext, view: SentenceView, sentenceScore: number, sentenceRank: number): Record<string, number>[] {
  const { question } = context;
  const tokens = view.annotated.tokens;
  const termSet = new Set(question.terms);
  const matched = view.stems.map((s, i) => (s !== null && termSet.has(s) ? i : -1)).filter((i) => i >= 0);
  const expected = EXPECTED_KINDS[question.type] ?? [];
  const lastContent = tokens.map((t) => t.pos !== 'PUNCT').lastIndexOf(true);
  const focusAt = question.focus === undefined ? [] : view.stems.map((s, i) => (s === question.focus ? i : -1)).filter((i) => i >= 0);
  const questionType = oneHot('q', QUESTION_TYPES, question.type);
  const kinds = new Map(CANDIDATE_KINDS.map((kind) => [kind, oneHot('kind', CANDIDATE_KINDS, kind)]));
  return view.candidates.map((c) => {
    const previous = tokens[c.first - 1];
    const next = tokens[c.last + 1];
    const distance = matched.length === 0 ? 50 : Math.min(...matched.map((i) => (i < c.first ? c.first - i : i > c.last ? i - c.last : 0)));
    const span = tokens.slice(c.first, c.last + 1);
    const nested = view.candidates.some((o) => o !== c && o.first <= c.first && o.last >= c.last);
    return row(kinds.get(c.kind)!, questionType, {
      expectedKind: expected.length === 0 ? -1 : expected.includes(c.kind) ? 1 : 0,
      named: namedByQuestion(view, c, question),
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
  const articleStems = cachedStems(index, `a${view.article.id}`, () => `${view.article.title}\n${view.article.text}`);
  const missingInArticle = terms.filter((t) => !articleStems.has(t)).reduce((sum, t) => sum + index.lexical.idf(t), 0);
  const s = order.map((i) => scores[i]!);
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
    ...oneHot('q', QUESTION_TYPES, question.type),
  };
}

/** The answer features with the span model's best two scores (0 when the sentence has no candidate). */
export function withSpanScores(features: Record<string, number>, spanScores: number[]): Record<string, number> {
  const sorted = [...spanScores].sort((a, b) => b - a);
  return row(features, { spanTop: sorted[0] ?? 0, spanSecond: sorted[1] ?? 0 });
}
