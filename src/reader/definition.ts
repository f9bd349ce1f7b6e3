/**
 * Questions that ask what someone or something is: "who is Peskov?", "whats the wagner group". Their answer
 * is a description of the one named (a title, an apposition, what it "is"), not an entity: the span model,
 * trained on SQuAD, which has almost none of them, answered "who is peskov" with "Russia". So the reader
 * looks for the description itself (description.ts) in the sentences it ranked, and quotes first the one that
 * gives it. This module reads the question and applies the rule.
 */
import { withContractionsWhole } from '../chat-opening.js';
import { answeredBy, spanAnswer, wordStem, type ReadingContext } from './context.js';
import { BE, descriptionIn, nameIn, type DefinitionSubject } from './description.js';
import type { ShortAnswer, SentenceReading } from './reading.js';

/**
 * Words that make "X" a relation or a clause, not a name: "who is the president *of* …", "what was passed *in* 1805"
 * (whole words by Unicode letters: "Inácio" holds no "in").
 */
const RELATION = /(?<![\p{L}\p{N}])(of|in|on|at|by|for|from|to|with|about|behind|after|before|during|between|against|under|over|into|than|that|which|who|whom|whose|when|where|why|how|and|or|if|not|doing|going|saying|called|named)(?![\p{L}\p{N}])/u;
const ARTICLE = /^(the|a|an)\s+/;
/** Words a chat question may end with that ask nothing: "who is peskov *btw*". */
const TRAILING_FILLER = /(?:\s+(?:btw|exactly|really|lol|again|though|tho|then|now|anyway|actually|pls|please))+$/;
/** Determiners and possessives that make a who-question ask for a name ("who is *the* minister", "who is *his* wife"). */
const ROLE_OPENING = /^(the|a|an|his|her|their|its|our|my|your|this|that|these|those)\b/;

/**
 * The subject of a question asking what someone or something is, or null: "who is/was X", "what is/are the
 * X" (contractions typed without an apostrophe read whole), X a few words with no relation in it. A who-question
 * whose X opens with a determiner asks for a name ("who is the UN's torture rapporteur") and is not one.
 */
export function definitionSubject(question: string): DefinitionSubject | null {
  const text = withContractionsWhole(question.toLowerCase().replace(/\b(who|what)['’]s\b/gu, '$1 is'))
    .replace(/["“”‘’]|'(?!s\b)/gu, ' ')
    .replace(/[?!.\s]+$/u, '')
    .replace(TRAILING_FILLER, '')
    .trim();
  // "who is peskov", and the form left of "can you tell me who peskov is".
  const m = /^(who|what)\s+(?:is|was|are|were)\s+(.+)$/.exec(text) ?? /^(who|what)\s+(.+?)\s+(?:is|was|are|were)$/.exec(text);
  if (!m) return null;
  const who = m[1] === 'who';
  const subject = m[2]!.trim();
  if (RELATION.test(subject) || /[,;:]/.test(subject)) return null;
  // "who is the minister", "who was NASA's administrator": a role, whose answer is a name.
  if (who && (ROLE_OPENING.test(subject) || /['’]s\b/.test(subject))) return null;
  const words = subject.replace(ARTICLE, '').split(/\s+/);
  if (words.length > 5 || words.some((w) => BE.test(w))) return null;
  const terms = words.map(wordStem).filter((t): t is string => t !== null);
  return terms.length === 0 ? null : { terms, who };
}

/**
 * How often a description found so is the answer, exactly: 10 of the 13 found for the SQuAD training split's
 * questions, paragraph given (`scripts/experiments/definition-squad.ts`; the span model's answers to the same
 * questions: 2 of 13). It stands for the span model's probability, so a description is shown in bold when the
 * answer is sure (SHORT_ANSWER_SHOWN).
 */
export const DESCRIPTION_CONFIDENCE = 0.77;

/**
 * A description is taken from a sentence the reader rates at least this share of the best one (the share a
 * neighbour needs to join a quote, QUOTE_NEIGHBOUR_SHARE): the answer's confidence is the best sentence's.
 */
export const DESCRIPTION_SHARE = 0.25;

/**
 * A reading of a question asking what someone or something is: the first sentence, in the reader's order,
 * that describes the subject goes first, its description the short answer. When none does and the best sentence
 * names the subject, only a short answer set off right after the name is kept.
 */
export function withDescription<R extends { sentences: SentenceReading[]; shortAnswer: ShortAnswer | null }>(context: ReadingContext, reading: R): R {
  const subject = definitionSubject(context.question.text);
  if (!subject) return reading;
  const views = new Map(context.sentences.map((view) => [view.id, view]));
  const floor = DESCRIPTION_SHARE * (reading.sentences[0]?.score ?? 0);
  for (const [rank, sentence] of reading.sentences.entries()) {
    if (sentence.score < floor) break;
    const view = views.get(sentence.sentence)!;
    const description = descriptionIn(view, subject);
    if (!description) continue;
    return answeredBy(reading, rank, spanAnswer(view, description.first, description.last, DESCRIPTION_CONFIDENCE));
  }
  // No description: the span model's answer is kept only when it stands right after the one asked about, named in
  // the best sentence, set off by a comma (an apposition the patterns do not read: "Philip I, *Landgrave of
  // Hesse*,"). Anywhere else it says nothing of who or what they are: their own name ("Brig Gen Oleksandr
  // Tarnavskiy" for "who is tarnavskiy"), or some other part of the sentence ("In an article for the *Guardian*,
  // Oleksii Reznikov says …"; "1,500km" for "what is vostochny cosmodrome", "Hamburg shipyard" for "what is graceful").
  // A subject the best sentence does not name ("what is the death toll": an attribute, no name) keeps the answer.
  const short = reading.shortAnswer;
  const best = views.get(reading.sentences[0]?.sentence ?? -1);
  const name = best ? nameIn(best, subject) : null;
  if (!short || !best || !name) return reading;
  const tokens = best.annotated.tokens;
  const apposition = tokens[name.last + 1]?.text === ',' && tokens[name.last + 2] !== undefined && short.articleId === best.article.id && short.start === best.start + tokens[name.last + 2]!.start;
  return apposition ? reading : { ...reading, shortAnswer: null };
}

export type { DefinitionSubject } from './description.js';
