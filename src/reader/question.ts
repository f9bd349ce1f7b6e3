/**
 * What a question asks for: its type (who, when, how many, ...), the noun it focuses on ("which
 * *country*", "what *year*"), its content words (stemmed, as the lexical index has them, and lemmatised),
 * and the proper names it mentions. Computed once per question.
 */
import { withContractionsWhole } from '../chat-opening.js';
import { LexicalIndex, normalizeTerm } from '../index/lexical-index.js';
import { analyse, type Annotated } from './annotate.js';

/** A question word as a token (and "whats" typed without its apostrophe). */
export const QUESTION_WORD = /^(how|when|where|who|whom|whose|why|what|which|whats)$/i;

export const QUESTION_TYPES = ['other', 'who', 'when', 'where', 'howMany', 'howMuch', 'howMeasure', 'why', 'how', 'which', 'whatName', 'yesNo', 'whatNoun'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

export interface QuestionAnalysis {
  text: string;
  type: QuestionType;
  /** The stemmed focus noun of a "what/which X" question ("which country" → "countri"), if any. */
  focus?: string;
  /** What a "how far / long / big …" question measures: its word after "how" ("far"). */
  measure?: string;
  /** Content terms as the lexical index normalises them (stemmed, stop words out), in order. */
  terms: string[];
  /** Lower-cased lemmas of the question's content words. */
  lemmas: Set<string>;
  /** Lower-cased words of the question, for telling which candidate answers it already names. */
  words: Set<string>;
  annotated: Annotated;
}

/**
 * Questions that ask for an account rather than a fact: why, how, yes or no, and a "what" asking what someone
 * did, said or wants or what happened ("what did Kim write to Putin", "what has Russia done", "what happened at
 * Khasan"). A near miss, in issue 9's words, asks for "the specific fact … a name, a number, a date, a place" that
 * the coverage lacks, and mostly in the other forms; the reader is also less confident of an account's answer (no
 * candidate of a kind asked for stands out), so the bar an account must clear is lower (Reader.thresholdFor).
 * Every other question asks for a fact: "what is the population of …", "tell me the date of …", "Prigozhin's age?".
 */
const ACCOUNT_TYPES: ReadonlySet<QuestionType> = new Set(['why', 'how', 'yesNo']);
/** "what" then an auxiliary ("what did …", "what has …", "what will …") or "happen" ("what (has) happened"). */
const WHAT_ACCOUNT = /^what(?:\s+|['’]s\s+)(?:(?:do|does|did|has|have|had|will|would|can|could|should|might|may|must)\b|(?:is\s+|was\s+|has\s+|had\s+)?happen)|^what(?:['’]s|\s+is)\s+\S+(?:\s+\S+)?\s+(?:done|said|happened|been)\b/;
/** Whether a question asks for a fact (a name, number, date, place or thing) rather than an account. */
export function asksForFact(question: Pick<QuestionAnalysis, 'type' | 'text'>): boolean {
  if (ACCOUNT_TYPES.has(question.type)) return false;
  if (question.type !== 'other' && question.type !== 'whatNoun') return true;
  const lower = withContractionsWhole(question.text.toLowerCase());
  const what = /\bwhat\b/.exec(lower);
  return !(what && WHAT_ACCOUNT.test(lower.slice(what.index)));
}

const CONTENT_POS = new Set(['NOUN', 'PROPN', 'VERB', 'ADJ', 'NUM', 'ADV']);
const TIME_NOUN = /^(year|date|day|month|century|decade|time|period|era|season|age)s?$/;
const PLACE_NOUN = /^(country|countries|city|cities|place|region|state|town|village|location|area|continent|province|port|river|island|site)$/;

/** Words after "what"/"which" that do not name what is asked for ("what is …", "which of …", "what the …"). */
const NOT_A_FOCUS = /^(is|was|are|were|do|does|did|has|have|had|can|could|will|would|should|of|the|a|an)$/;

/**
 * The question's type, from its leading question word: the first of how / when / where / who / why / what /
 * which in it. A later one belongs to a clause of the question, not to what it asks ("Where was Harris *when*
 * she warned …", "What's the name of the minister *who* met Kim"): on the SQuAD training split, reading every
 * question word with a fixed priority (when before where before who …) typed 2.6 % of the questions by such
 * a clause.
 */
function classify(lower: string): { type: QuestionType; focusWord?: string; measure?: string } {
  // Fillers out, and contractions typed without their apostrophe read whole ("whos" → "who is").
  const q = withContractionsWhole(lower)
    .replace(/^(so|and|but|hey|hi|ok|okay|please|pls|um|uh|well)[, ]+/g, '')
    .trim();
  const lead = /\b(how|when|where|who|whom|whose|why|what|which)\b/.exec(q);
  // "(do you know) if Kim invited Putin", "didn't Kim invite Putin": asked yes or no.
  const yesNo = /^(?:(?:is|are|was|were|do|does|did|has|have|had|can|could|will|would|should)(?:n['’]?t)?|isnt|arent|wasnt|werent|dont|doesnt|didnt|hasnt|havent|hadnt|cant|couldnt|wont|wouldnt|shouldnt|if|whether)\b/;
  if (!lead) return { type: yesNo.test(q) ? 'yesNo' : 'other' };
  const word = lead[1]!;
  const asked = q.slice(lead.index);
  let m: RegExpExecArray | null;
  switch (word) {
    case 'how':
      if (/^how many\b/.test(asked)) return { type: 'howMany' };
      if (/^how much\b/.test(asked)) return { type: 'howMuch' };
      if ((m = /^how (long|old|far|big|large|tall|high|wide|deep|fast|heavy|often|soon)\b/.exec(asked))) {
        if (/long|soon|often|old/.test(m[1]!) && /\bago\b/.test(q)) return { type: 'when' };
        // "How far back …" asks how long ago: a time, not a distance.
        return { type: 'howMeasure', measure: /^how far back\b/.test(asked) ? 'far back' : m[1]! };
      }
      return { type: 'how' };
    case 'when':
      return { type: 'when' };
    case 'where':
      return { type: 'where' };
    case 'why':
      return { type: 'why' };
    case 'what':
    case 'which': {
      if (/^what time\b/.test(asked)) return { type: 'when' };
      if (/\bwhat (is|was|were|are)( the)? names?\b|\bcalled\b|\bnamed?\b/.test(q)) return { type: 'whatName' };
      if ((m = /^(?:what|which)(?: kind of| type of| sort of)? ([a-z-]+)/.exec(asked)) && !NOT_A_FOCUS.test(m[1]!)) {
        const focusWord = m[1]!;
        if (TIME_NOUN.test(focusWord)) return { type: 'when', focusWord };
        if (PLACE_NOUN.test(focusWord)) return { type: 'where', focusWord };
        return { type: word === 'which' ? 'which' : 'whatNoun', focusWord };
      }
      return { type: word === 'which' ? 'which' : 'other' };
    }
    default:
      return { type: 'who' };
  }
}

export function analyseQuestion(question: string): QuestionAnalysis {
  const annotated = analyse(question);
  const { type, focusWord, measure } = classify(question.toLowerCase());
  const lemmas = new Set<string>();
  for (const token of annotated.tokens) {
    if (CONTENT_POS.has(token.pos) && normalizeTerm(token.text) !== null) lemmas.add(token.lemma);
  }
  return {
    text: question,
    type,
    focus: focusWord ? (normalizeTerm(focusWord) ?? undefined) : undefined,
    ...(measure ? { measure } : {}),
    terms: LexicalIndex.terms(question),
    lemmas,
    words: new Set(annotated.tokens.map((t) => t.text.toLowerCase())),
    annotated,
  };
}
