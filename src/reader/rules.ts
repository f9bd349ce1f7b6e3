/**
 * The rules that stand beside the reader's models, each measured on the SQuAD training split: a count or a
 * measure not given is not answered (or is read from the next sentence, which gives it), a yes/no question has no
 * short answer, and a short answer is never made of the question's own words. (Questions asking who or what
 * someone is have their own module, definition.ts.)
 */
import { withContractionsWhole } from '../chat-opening.js';
import type { Candidate, CandidateKind } from './candidates.js';
import { EXPECTED_KINDS, namedByQuestion, type ReadingContext, type SentenceView } from './context.js';
import type { QuestionAnalysis, QuestionType } from './question.js';
import type { SentenceReading } from './reading.js';

/**
 * Questions asking for a count or a measure ("how many", "how far", "how long"): when the sentence the
 * reader chose holds no number of the kind asked for (one the question does not name already), the coverage
 * does not say, whatever the answerability model's confidence. On the SQuAD training split (in sample), the
 * chosen sentence of 4 % of these questions answered right lacks one, against 20 % of the unanswerable ones;
 * for the other types the kind of answer is too loosely tagged (a person, a place, a date, an amount:
 * 11-19 % of the right answers lack one) to refuse on it.
 */
export const COUNTED: ReadonlySet<QuestionType> = new Set(['howMany', 'howMeasure']);

/**
 * Measures of size, distance, speed or weight: a date never gives one ("how far is Vladivostok from North
 * Korea?" is not answered by "… arrived in Vladivostok on Monday"), where "how long / old / soon / often" may
 * be answered by one ("since 2019", "born in 1952").
 */
const SIZE_MEASURE = /^(far|big|large|tall|high|wide|deep|fast|heavy)$/;

/**
 * "What percentage / proportion / share of …", "what % of …", "what is the percentage of …": a count too, given as
 * a percentage or a number ("80 percent", "27-30%" and "one-third" are tagged as cardinals) or in words ("half of",
 * "a majority of", "most of": SHARE_WORDS). On the SQuAD training split, open corpus, of the such questions answered
 * at the coverage's threshold for facts without the rule, it refuses 1 of the 39 whose first quote holds the answer
 * and 4 of the 38 unanswerable ones (`scripts/experiments/percent-rule.ts`).
 */
const SHARE_QUESTION = /\b(?:what|which)\s+(?:(?:is|was|are|were)\s+the\s+)?(?:percentage|percent|per cent|proportion|fraction|share)\s+of\b|\bwhat\s*%\s*of\b/;
const SHARE_KINDS: readonly CandidateKind[] = ['PERCENT', 'CARDINAL'];
const SHARE_WORDS = /\b(half|halves|thirds?|quarters?|fifths?|tenths?|majority|minority|most|bulk|all|none|per cent|percent)\b|%/;
export const asksShare = (question: QuestionAnalysis) => SHARE_QUESTION.test(withContractionsWhole(question.text.toLowerCase()));

/** The kinds of candidate that give the count or measure a question asks for. */
function countKinds(question: QuestionAnalysis): readonly CandidateKind[] {
  if (!COUNTED.has(question.type)) return SHARE_KINDS;
  const kinds = EXPECTED_KINDS[question.type]!;
  return question.measure && SIZE_MEASURE.test(question.measure) ? kinds.filter((kind) => kind !== 'DATE') : kinds;
}

/**
 * How often, said without a count: "How often are drones hitting Moscow?" is answered by "… as it faces near daily
 * drone attacks", which holds no number (a new user's walkthrough, 2026-12-02: every "how often" question whose
 * sentence said so in words was refused). A frequency word, or "every / each" before a time ("every week"), or
 * "once / twice / N times" before "a / per / every" ("twice a year"); not "The New York Times" or "each of them".
 * The SQuAD training split's answerable "how often" questions ("every four years", "each six months") hold a
 * number as well.
 */
const FREQUENCY = /\b(hourly|daily|nightly|weekly|fortnightly|monthly|quarterly|yearly|annually|biannually|regularly|frequently|rarely|seldom|occasionally|constantly|continually|routinely|repeatedly|often|sometimes|always|never)\b|\b(every|each)( other| few| \w+)? (second|minute|hour|day|night|morning|evening|week|weekend|month|year|decade|time)s?\b|\b(once|twice|thrice|times) (a|an|per|every|each)\b/;

/**
 * Whether a sentence lacks the count, measure or share the question asks for (false for the other questions).
 * `shares` false leaves shares out (the experiment measuring the rule).
 */
export function lacksCount(question: QuestionAnalysis, view: SentenceView, shares = true): boolean {
  const share = shares && asksShare(question);
  if (!COUNTED.has(question.type) && !share) return false;
  if (question.measure === 'often' && FREQUENCY.test(view.lower.join(' '))) return false;
  if (share && SHARE_WORDS.test(view.lower.join(' '))) return false;
  const expected = countKinds(question);
  return !view.candidates.some((c) => expected.includes(c.kind) && namedByQuestion(view, c, question) < 0.5);
}

/**
 * Whether a question can have a short answer: not a yes/no question ("did Kim invite Putin to North Korea?" is
 * not answered by "President Vladimir Putin"), unless it offers alternatives ("… abstract or concrete?") or asks
 * whether there are any ("are there any regions where …?"). 19 of the SQuAD training split's 8,534 answerable
 * questions are yes/no questions without either, their gold answers mostly "no" or a clause.
 */
export function hasShortAnswer(question: QuestionAnalysis): boolean {
  if (asksWhatDone(question)) return false;
  return question.type !== 'yesNo' || offersAlternatives(question) || /^\W*(is|are|was|were) there\b/i.test(question.text);
}

/**
 * A "what" question ending on "do" asks what was done ("What did Kim invite Putin to do?", "What did Wagner do?"):
 * its answer is an action, which no candidate span (a name, a number, a noun phrase) is. A helper's audit found
 * "President Vladimir Putin" shown for the first; on SQuAD's training split the 11 such short answers a user would
 * have been shown had EM 0 (F1 43.8: `scripts/experiments/account-short-answers.ts`).
 */
const asksWhatDone = (question: QuestionAnalysis) => (question.type === 'other' || question.type === 'whatNoun') && /\bwhat\b.*\bdo\W*$/i.test(question.text);

/** Whether a question offers alternatives to choose from ("… abstract or concrete?"): its answer is one of its own words. */
const offersAlternatives = (question: QuestionAnalysis) => /\bor\b/i.test(question.text);

/**
 * Whether a candidate can be the short answer: not one made only of the question's own words ("Ukraine" for
 * "What does Putin say Ukraine's counteroffensive has achieved?"), unless the question offers alternatives.
 * 20 of the SQuAD training split's 8,534 answerable questions without "or" have such a gold answer.
 */
export function tellsSomething(question: QuestionAnalysis, view: SentenceView, candidate: Candidate): boolean {
  return offersAlternatives(question) || namedByQuestion(view, candidate, question) < 1;
}

/**
 * Sentences after the best one that a count question may be answered from instead, when the best one lacks
 * the count or measure asked for: "How far is Vladivostok from North Korea?" was refused, its best sentence
 * "Mr Putin arrived in the far eastern city of Vladivostok on Monday", its second "… Vladivostok, a port city …
 * about 150km from North Korea". Chosen on the SQuAD training split's 920 count and measure questions asked
 * through the pipeline (`scripts/experiments/count-fallback.ts`; at the coverage's threshold of the day, 0.035): looking at
 * the next sentence answered 83.7 → 85.8 % of the 667 answerable ones with the gold in the first quote, and
 * refused 23.3 → 15.4 % of the 253 unanswerable ones; looking further (2, 3, 5) gained no first quote and
 * refused fewer still (14.2, 12.6, 11.9 %).
 */
export const COUNT_FALLBACK = 1;

/**
 * The position in the context of the best-ranked sentence, among the `fallback` after the best one, that holds
 * the count or measure the question asks for; undefined when none does.
 */
export function countedInstead(context: ReadingContext, reading: { sentences: readonly SentenceReading[] }, fallback: number, shares = true): number | undefined {
  for (const { sentence } of reading.sentences.slice(1, 1 + fallback)) {
    const at = context.sentences.findIndex((view) => view.id === sentence);
    if (!lacksCount(context.question, context.sentences[at]!, shares)) return at;
  }
  return undefined;
}
