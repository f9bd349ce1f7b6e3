/**
 * Where an answer stands against the question's verb. "Who *invited* Kim?" asks for the one before "invited" in
 * the sentence ("Putin invited Kim …"); "What did Putin *offer* the commanders?" for what comes after "offer";
 * "Which minister *greeted* Kim?" for the minister before "greeted", or after "greeted by" in the passive. The
 * reader has no parser: the question's frame is read from its word order (is its question phrase followed by a verb,
 * or by an auxiliary and a subject?), and the sentence's side from where the question's verb stands in it.
 */
import type { Candidate } from './candidates.js';
import { QUESTION_WORD, type QuestionAnalysis } from './question.js';
import type { SentenceView } from './context.js';

export interface QuestionFrame {
  /** 1 when the question phrase is the verb's subject ("Who invited …", "Which minister greeted …"), 0 when an auxiliary follows it ("What did Putin offer …"), -1 with no verb. */
  subject: number;
  /** The lemma of the question's main verb, lower case, if it has one. */
  verb?: string;
}

/** Words of a question phrase after its question word: "which Russian minister", "how many people". */
const PHRASE_POS = /^(ADJ|NOUN|PROPN|NUM|DET|PART)$/;

/** The question's frame: whether its question phrase is the subject, and its main verb. */
export function questionFrame(question: Pick<QuestionAnalysis, 'annotated'>): QuestionFrame {
  const tokens = question.annotated.tokens;
  const lead = tokens.findIndex((t) => QUESTION_WORD.test(t.text));
  if (lead < 0) return { subject: -1 };
  let i = lead + 1;
  if (/^(many|much|long|far|old|big|large|often)$/i.test(tokens[i]?.text ?? '')) i++;
  // "of" inside the phrase: "which of the ministers", "what percentage of voters".
  while (i < tokens.length && (PHRASE_POS.test(tokens[i]!.pos) || /^of$/i.test(tokens[i]!.text))) i++;
  const next = tokens[i];
  if (!next) return { subject: -1 };
  if (next.pos === 'VERB') return { subject: 1, verb: next.lemma };
  // An auxiliary: the verb, if any, comes after the subject ("did Putin offer", "was the statue unveiled").
  let verb = tokens.slice(i + 1).find((t) => t.pos === 'VERB')?.lemma;
  // After "do", a verb the tagger takes for a noun follows the subject's last noun: "did Putin *offer* the …", "did
  // Tesla *audit*", "did the war *end*".
  if (verb === undefined && /^(do|does|did)$/i.test(next.text)) {
    for (let k = i + 2; k < tokens.length && PHRASE_POS.test(tokens[k]!.pos); k++) {
      if (tokens[k]!.pos === 'NOUN' && /^(NOUN|PROPN)$/.test(tokens[k - 1]!.pos)) {
        verb = tokens[k]!.lemma;
        break;
      }
    }
  }
  return { subject: next.pos === 'AUX' ? 0 : -1, ...(verb ? { verb } : {}) };
}

/** Where the question's verb stands in a sentence: its tokens' positions, in order (none when the question has no verb). */
export function verbPositions(view: Pick<SentenceView, 'annotated'>, frame: QuestionFrame): number[] {
  const at: number[] = [];
  if (frame.verb === undefined) return at;
  view.annotated.tokens.forEach((t, i) => {
    if (t.lemma === frame.verb && VERB_LIKE.test(t.pos)) at.push(i);
  });
  return at;
}

/**
 * Tokens from the candidate to the nearest occurrence of the question's verb (`verbPositions`), negative when the
 * candidate comes before it, at most 20 either way (50 when the sentence lacks the verb); and whether that
 * occurrence is passive, "by" just after it ("was greeted by the minister").
 */
export function verbOffset(view: Pick<SentenceView, 'annotated'>, candidate: Candidate, positions: readonly number[]): { offset: number; passive: number } {
  let best = Infinity;
  let at = -1;
  for (const i of positions) {
    const offset = i > candidate.last ? -(i - candidate.last) : i < candidate.first ? candidate.first - i : 0;
    if (Math.abs(offset) < Math.abs(best)) {
      best = offset;
      at = i;
    }
  }
  const passive = at >= 0 && /^by$/i.test(view.annotated.tokens[at + 1]?.text ?? '') ? 1 : 0;
  return { offset: at < 0 ? 50 : Math.max(-20, Math.min(20, best)), passive };
}

/** Parts of speech the tagger gives a verb the question uses ("greeted", and "signed" read as an adjective). */
const VERB_LIKE = /^(VERB|NOUN|ADJ)$/;
