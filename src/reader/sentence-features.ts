/**
 * Sentence features: how well each candidate sentence matches the question (IDF-weighted stem, lemma,
 * prefix and character-4-gram overlap, the same counting WordNet synonyms and hypernyms, question bigrams,
 * proximity of the matched words, the USE-lite cosine of sentence and passage), each also relative to the
 * best of the candidates; whether the sentence holds the kind of answer the question asks for; where its
 * passage ranked in retrieval.
 */
import { sentenceVectorOffset } from '../index/store.js';
import { aroundStems, cap, contentWords, dot, EXPECTED_KINDS, holds, namedByQuestion, oneHot, prefixes, row, sentenceGroups, sentenceStems, titleStems, wordStem, type ReadingContext, type SentenceView } from './context.js';
import { gramCount, gramSet, gramWords, sharedGrams, type GramSet } from './grams.js';
import { QUESTION_TYPES, type QuestionAnalysis } from './question.js';
import { saysRelated, saysSynonym, type Synonyms, type WordGroups } from './synonyms.js';

/** Smallest token window holding one occurrence of every matched question term, against their number. */
function proximity(view: SentenceView, terms: Set<string>): number {
  const positions = view.stems.map((s, i) => (s !== null && terms.has(s) ? i : -1)).filter((i) => i >= 0);
  const distinct = new Set(positions.map((i) => view.stems[i]!)).size;
  if (distinct <= 1) return distinct;
  let best = Infinity;
  const counts = new Map<string, number>();
  let left = 0;
  for (let right = 0; right < positions.length; right++) {
    const term = view.stems[positions[right]!]!;
    counts.set(term, (counts.get(term) ?? 0) + 1);
    while (counts.size === distinct) {
      best = Math.min(best, positions[right]! - positions[left]! + 1);
      const leftTerm = view.stems[positions[left]!]!;
      const n = counts.get(leftTerm)! - 1;
      if (n === 0) counts.delete(leftTerm);
      else counts.set(leftTerm, n);
      left++;
    }
  }
  return distinct / best;
}

/** Whether stem `b` follows stem `a` in a sentence's content stems, next to it or one apart. */
function holdsPair(content: readonly string[], a: string, b: string): boolean {
  for (let i = 0; i + 1 < content.length; i++) {
    if (content[i] === a && (content[i + 1] === b || content[i + 2] === b)) return true;
  }
  return false;
}

/** Cosine of the question's character 4-grams and the sentence's. */
function gramCosine(question: GramSet, view: SentenceView): number {
  const questionCount = gramCount(question);
  const sentenceCount = gramCount(view.grams);
  if (questionCount === 0 || sentenceCount === 0) return 0;
  return sharedGrams(question, view.grams) / Math.sqrt(questionCount * sentenceCount);
}

/** The WordNet groups of each of the question's distinct terms: of the words and lemmas that gave it. */
export function termGroups(question: QuestionAnalysis, synonyms: Synonyms, terms: readonly string[]): WordGroups[] {
  const words = new Map<string, string[]>(terms.map((t) => [t, []]));
  for (const { term, word } of contentWords(question.annotated.tokens)) words.get(term)?.push(word);
  return terms.map((t) => synonyms.groups(words.get(t)!));
}

/** Features of every candidate sentence, in the order given. */
export function sentenceFeatures(context: ReadingContext): Record<string, number>[] {
  const { index, question, queryVector, synonyms } = context;
  const terms = question.terms;
  const termSet = new Set(terms);
  // The question's distinct terms and their IDF weights, in order (the sums below add up in this order).
  const distinct = [...termSet];
  const weights = distinct.map((t) => index.lexical.idf(t));
  const totalWeight = weights.reduce((sum, w) => sum + w, 0);
  /** IDF-weighted share of the question's terms found in a set of terms. */
  const coverage = (...present: Set<string>[]) => {
    let covered = 0;
    for (let i = 0; i < distinct.length; i++) if (holds(present, distinct[i]!)) covered += weights[i]!;
    return totalWeight === 0 ? 0 : covered / totalWeight;
  };
  const maxIdf = Math.max(1e-6, ...weights);
  const groups = termGroups(question, synonyms, distinct);
  /** IDF-weighted share of the question's terms the sentence holds, or says in other words (`says`). */
  const coverageSaid = (view: SentenceView, says: (word: WordGroups, sentence: WordGroups) => boolean) => {
    const sentence = sentenceGroups(index, synonyms, view);
    let covered = 0;
    for (let i = 0; i < distinct.length; i++) if (view.present.has(distinct[i]!) || says(groups[i]!, sentence)) covered += weights[i]!;
    return totalWeight === 0 ? 0 : covered / totalWeight;
  };
  const questionWords = question.annotated.tokens.filter((t) => wordStem(t.text) !== null).map((t) => t.text);
  const questionPrefixes = [...prefixes(questionWords)];
  const questionLemmas = [...question.lemmas];
  // The question's consecutive terms.
  const questionPairs = terms.slice(1).map((term, i) => [terms[i]!, term] as const);
  const expected = EXPECTED_KINDS[question.type] ?? [];
  const questionGrams = gramSet(gramWords(questionWords.join(' ')));
  const chunkCosine = new Map<number, number>();
  const chunkCoverage = new Map<number, number>();
  const raw = context.sentences.map((view) => {
    const present = view.present;
    if (!chunkCosine.has(view.chunk)) {
      const chunk = index.chunks[view.chunk]!;
      // The passage's closeness in meaning: the mean cosine of its sentences (their vectors are in memory).
      let sum = 0;
      for (let id = chunk.firstSentence; id < chunk.firstSentence + chunk.sentenceCount; id++) sum += dot(queryVector, index.sentenceVectors, sentenceVectorOffset(index, id));
      chunkCosine.set(view.chunk, sum / chunk.sentenceCount);
      // A chunk is whole sentences, so its terms are its title's and its sentences' (no word spans two).
      const sentences = Array.from({ length: chunk.sentenceCount }, (_, k) => sentenceStems(index, chunk.firstSentence + k));
      chunkCoverage.set(view.chunk, coverage(titleStems(index, view.article), ...sentences));
    }
    const fresh = view.candidates.filter((c) => namedByQuestion(view, c, question) < 0.5);
    const matchedAt = view.stems.map((s, i) => (s !== null && termSet.has(s) ? i : -1)).filter((i) => i >= 0);
    const fitting = fresh.filter((c) => expected.includes(c.kind));
    const missing = weights.filter((_, i) => !present.has(distinct[i]!));
    return {
      cov: coverage(present),
      covSynonym: coverageSaid(view, saysSynonym),
      covRelated: coverageSaid(view, saysRelated),
      covLemma: questionLemmas.length === 0 ? 0 : questionLemmas.filter((l) => view.lemmas.has(l)).length / questionLemmas.length,
      covPrefix: questionPrefixes.length === 0 ? 0 : questionPrefixes.filter((p) => view.prefixes.has(p)).length / questionPrefixes.length,
      covContext: coverage(...aroundStems(index, view)),
      covTitle: coverage(titleStems(index, view.article)),
      covChunk: chunkCoverage.get(view.chunk)!,
      matched: distinct.filter((t) => present.has(t)).length,
      maxMissingIdf: missing.length === 0 ? 0 : Math.max(...missing) / maxIdf,
      // Share of the question's consecutive terms found next to each other (or one apart) in the sentence.
      bigrams: terms.length < 2 ? 0 : questionPairs.filter(([a, b]) => holdsPair(view.content, a, b)).length / (terms.length - 1),
      grams: gramCosine(questionGrams, view),
      proximity: proximity(view, termSet),
      cosine: dot(queryVector, index.sentenceVectors, sentenceVectorOffset(index, view.id)),
      chunkCosine: chunkCosine.get(view.chunk)!,
      chunkRank: cap(view.chunkRank, 30),
      articleRank: cap(view.articleRank, 30),
      tokens: cap(view.annotated.tokens.length, 100),
      firstInArticle: view.id === 0 || index.sentences[view.id - 1]!.articleId !== view.article.id ? 1 : 0,
      freshCandidates: cap(fresh.length, 30),
      expectedKind: expected.length === 0 ? -1 : fresh.some((c) => expected.includes(c.kind)) ? 1 : 0,
      hasDate: fresh.some((c) => c.kind === 'DATE') ? 1 : 0,
      hasNumber: fresh.some((c) => c.kind === 'CARDINAL') ? 1 : 0,
      hasMoney: fresh.some((c) => c.kind === 'MONEY' || c.kind === 'PERCENT') ? 1 : 0,
      freshProper: cap(fresh.filter((c) => c.kind === 'PROPER').length, 10),
      focus: question.focus === undefined ? -1 : present.has(question.focus) ? 1 : 0,
      // How close the nearest fresh candidate of the kind asked for is to the question's words.
      expectedNear: fitting.length === 0 || matchedAt.length === 0 ? 30 : cap(Math.min(...fitting.map((c) => Math.min(...matchedAt.map((i) => (i < c.first ? c.first - i : i > c.last ? i - c.last : 0))))), 30),
    };
  });
  // Relative to the other candidates: the best sentence of a passage is what matters, not an absolute level.
  const best = (key: keyof (typeof raw)[number]) => Math.max(...raw.map((r) => r[key]));
  const rankOf = (key: keyof (typeof raw)[number], value: number) => raw.filter((r) => r[key] > value).length;
  const maxima = { cov: best('cov'), cosine: best('cosine'), covContext: best('covContext'), proximity: best('proximity'), covLemma: best('covLemma'), grams: best('grams'), covSynonym: best('covSynonym'), covRelated: best('covRelated') };
  const questionType = oneHot('q', QUESTION_TYPES, question.type);
  return raw.map((r) =>
    row(
      r,
      {
        covRel: r.cov - maxima.cov,
        covRank: cap(rankOf('cov', r.cov), 20),
        cosineRel: r.cosine - maxima.cosine,
        cosineRank: cap(rankOf('cosine', r.cosine), 20),
        covContextRel: r.covContext - maxima.covContext,
        proximityRel: r.proximity - maxima.proximity,
        covLemmaRel: r.covLemma - maxima.covLemma,
        gramsRel: r.grams - maxima.grams,
        covSynonymRel: r.covSynonym - maxima.covSynonym,
        covRelatedRel: r.covRelated - maxima.covRelated,
      },
      questionType,
    ),
  );
}
