/**
 * What a question asks for: its type (who, when, how many, ...), the noun it focuses on ("which
 * *country*", "what *year*"), its content words (stemmed, as the lexical index has them, and lemmatised),
 * and the proper names it mentions. Computed once per question.
 */
import { withContractionsWhole } from '../chat-opening.js';
import { LexicalIndex, normalizeTerm } from '../index/lexical-index.js';
import { analyse, type Annotated } from './annotate.js';

export const QUESTION_TYPES = ['other', 'who', 'when', 'where', 'howMany', 'howMuch', 'howMeasure', 'why', 'how', 'which', 'whatName', 'yesNo', 'whatNoun'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

export interface QuestionAnalysis {
  text: string;
  type: QuestionType;
  /** The stemmed focus noun of a "what/which X" question ("which country" → "countri"), if any. */
  focus?: string;
  /** Content terms as the lexical index normalises them (stemmed, stop words out), in order. */
  terms: string[];
  /** Lower-cased lemmas of the question's content words. */
  lemmas: Set<string>;
  /** Lower-cased words of the question, for telling which candidate answers it already names. */
  words: Set<string>;
  annotated: Annotated;
}

const CONTENT_POS = new Set(['NOUN', 'PROPN', 'VERB', 'ADJ', 'NUM', 'ADV']);
const TIME_NOUN = /^(year|date|day|month|century|decade|time|period|era|season|age)s?$/;
const PLACE_NOUN = /^(country|countries|city|cities|place|region|state|town|village|location|area|continent|province|port|river|island|site)$/;

function classify(lower: string): { type: QuestionType; focusWord?: string } {
  // Fillers out, and contractions typed without their apostrophe read whole ("whos" → "who is").
  const q = withContractionsWhole(lower)
    .replace(/^(so|and|but|hey|hi|ok|okay|please|pls|um|uh|well)[, ]+/g, '')
    .trim();
  let m: RegExpExecArray | null;
  if (/\bhow many\b/.test(q)) return { type: 'howMany' };
  if (/\bhow much\b/.test(q)) return { type: 'howMuch' };
  if ((m = /\bhow (long|old|far|big|large|tall|high|wide|deep|fast|heavy|often|soon)\b/.exec(q))) return { type: /long|soon|often|old/.test(m[1]!) && /\bago\b/.test(q) ? 'when' : 'howMeasure' };
  if (/\b(when|what time)\b/.test(q)) return { type: 'when' };
  if (/\bwhere\b/.test(q)) return { type: 'where' };
  if (/\b(who|whom|whose)\b/.test(q)) return { type: 'who' };
  if (/\bwhy\b/.test(q)) return { type: 'why' };
  if (/\bwhat (is|was|were|are)( the)? names?\b|\bcalled\b|\bnamed?\b/.test(q)) return { type: 'whatName' };
  if ((m = /\b(?:what|which)(?: kind of| type of| sort of)? ([a-z-]+)/.exec(q))) {
    const word = m[1]!;
    if (TIME_NOUN.test(word)) return { type: 'when', focusWord: word };
    if (PLACE_NOUN.test(word)) return { type: 'where', focusWord: word };
    if (!/^(is|was|are|were|do|does|did|has|have|had|can|could|will|would|should|of|the|a|an)$/.test(word)) {
      return { type: /\bwhich\b/.test(q) ? 'which' : 'whatNoun', focusWord: word };
    }
  }
  if (/\bwhich\b/.test(q)) return { type: 'which' };
  if (/\bhow\b/.test(q)) return { type: 'how' };
  if (/^(is|are|was|were|do|does|did|has|have|had|can|could|will|would|should)\b/.test(q)) return { type: 'yesNo' };
  return { type: 'other' };
}

export function analyseQuestion(question: string): QuestionAnalysis {
  const annotated = analyse(question);
  const { type, focusWord } = classify(question.toLowerCase());
  const lemmas = new Set<string>();
  for (const token of annotated.tokens) {
    if (CONTENT_POS.has(token.pos) && normalizeTerm(token.text) !== null) lemmas.add(token.lemma);
  }
  return {
    text: question,
    type,
    focus: focusWord ? (normalizeTerm(focusWord) ?? undefined) : undefined,
    terms: LexicalIndex.terms(question),
    lemmas,
    words: new Set(annotated.tokens.map((t) => t.text.toLowerCase())),
    annotated,
  };
}
