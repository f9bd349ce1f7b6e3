/**
 * One question → its answer, the path every caller shares (the pipeline's `ask`, the evaluation, the
 * experiments): the question checked, its time phrase read as a period, its chat opening left out and misspelt
 * words read as the coverage spells them; then searched, read and answered.
 */
import { buildAnswer, type Answer, type AnswerPeriod } from './answer.js';
import { isChatOnly, withoutChatOpening } from './chat-opening.js';
import type { RetrievalMode } from './config.js';
import { anyDatedIn, boundWords, inPeriod, isoDay, periodWords, writtenTimes, type Period } from './dates.js';
import { withoutTimePhrase } from './time-phrase-text.js';
import { questionPeriod, timePhrase } from './time-phrases.js';
import type { Embedder } from './embedder.js';
import { UserFacingError } from './errors.js';
import { asCoverage, type Coverage } from './index/coverage.js';
import type { IndexSnapshot } from './index/store.js';
import type { Correction, Vocabulary } from './index/spelling.js';
import { plainText } from './plain-text.js';
import { searchQuestion } from './question-search.js';
import type { Reader } from './reader/reader.js';

export class QuestionError extends UserFacingError {
  override name = 'QuestionError';
}

/** Trims a question and refuses empty or over-long ones with a message fit to show a user. */
export function validateQuestion(question: string, maxChars: number): string {
  const trimmed = plainText(question).replace(/\s+/g, ' ').trim();
  if (!trimmed) throw new QuestionError('Please ask a question: it was empty.');
  if (!/[\p{L}\p{N}]/u.test(trimmed)) throw new QuestionError('Please ask a question in words: that one has no letters or digits.');
  if (trimmed.length > maxChars) {
    throw new QuestionError(`That question is ${trimmed.length} characters long; please keep it to ${maxChars} at most: shorter, focused questions also get better answers.`);
  }
  if (isChatOnly(trimmed)) throw new QuestionError("There's no question in that to look up (a greeting or thanks): ask me about the coverage.");
  return trimmed;
}

export interface AnswerParts {
  index: Coverage | IndexSnapshot;
  embedder: Embedder;
  reader: Reader;
}

export interface AnswerQuestionOptions {
  mode: RetrievalMode;
  passages: number;
  /** Quote the best sentences even when the reader is not confident (evaluation sweeps its threshold). */
  answerAll?: boolean;
  /**
   * Only articles published in this period are searched. Without it, a plain time phrase in the question
   * ("last month", "in September 2023") sets one when the coverage has dated articles (time-phrases.ts).
   */
  period?: Period;
  /** "Now" for relative periods, in milliseconds (tests fix it). */
  now?: number;
  /** Articles to favour in retrieval (retrieve.ts `boostArticles`). */
  boostArticles?: readonly string[];
}

/** The dates of an index's articles, sorted (writtenTimes), worked out once per index. */
const dated = new WeakMap<Coverage, Float64Array>();
function datedTimes(index: Coverage): Float64Array {
  let times = dated.get(index);
  if (times === undefined) dated.set(index, (times = writtenTimes([...index.articles.values()].map((article) => article.published))));
  return times;
}

/** Whether any article of an index has a publication date. */
const hasDates = (index: Coverage): boolean => datedTimes(index).length > 0;

function describePeriod(period: Period): AnswerPeriod {
  // A question's period is shown in days ("this week" runs until now: today); --since/--until as given.
  const shown = (time: number, which: 'since' | 'until') => (period.phrase ? isoDay(time) : boundWords(time, which));
  return {
    ...(period.since !== undefined ? { since: shown(period.since, 'since') } : {}),
    ...(period.until !== undefined ? { until: shown(period.until, 'until') } : {}),
    ...(period.phrase ? { phrase: period.phrase } : {}),
    ...(period.strict ? {} : { undated: true as const }),
  };
}

/**
 * Refuses a period given as since/until over coverage whose articles have no publication date: it would leave
 * them all out. Checked by the bot before it acknowledges (a refusal is private), and again when answering.
 */
export function checkPeriod(index: Coverage, period: Period | undefined): void {
  if (period?.strict && !hasDates(index)) {
    throw new QuestionError('No article in the coverage has a publication date, so a period (since/until) would leave them all out; ask without one.');
  }
}

/**
 * A valid question → its answer: misspelt words read as the coverage spells them, the question embedded,
 * chunks retrieved, their sentences read, the answer built. The one path of the CLI, the bot, the
 * evaluation and the benchmark.
 */
export async function answerQuestion(parts: AnswerParts, question: string, options: AnswerQuestionOptions): Promise<Answer> {
  const { embedder, reader } = parts;
  const index = asCoverage(parts.index);
  // A time phrase is a period only over dated coverage: over undated articles (SQuAD, the shipped .txt
  // pages) it would filter nothing and only take words out of the question.
  const phrase = hasDates(index) ? timePhrase(question, options.now) : undefined;
  // --since/--until win over the question's words; else the phrase's period, where only the articles dated in
  // it are searched when there are any (questionPeriod).
  // A period read from words before (a conversation's earlier question) is taken as the question's own would be.
  const given = options.period?.phrase && !options.period.strict ? questionPeriod(options.period, datedTimes(index)) : options.period;
  const period = given ?? (phrase && questionPeriod(phrase, datedTimes(index)));
  checkPeriod(index, period);
  // A period given by --since/--until (undated articles left out) in which no article was published: there is
  // nothing to search, and the answer says so rather than that no passage answers.
  if (period?.strict && !anyDatedIn(datedTimes(index), period)) {
    const described = { ...describePeriod(period), empty: true as const };
    return { question, found: false, sure: false, confidence: 0, shortAnswer: null, answer: `No article of the coverage was published ${periodWords(described)}.`, passages: [], sources: [], period: described };
  }
  // A time phrase has become a period: the rest of the question is what is searched for (and read, as the
  // words the coverage knows: misspelt names corrected), without its chat opening ("hey", "can you tell me").
  const { text, corrections } = searchedText(index.terms.vocabulary, phrase ? withoutTimePhrase(question, phrase) : question, reader.isWord);
  const keepArticle = period && ((id: string) => inPeriod(index.articles.get(id)?.published, period));
  const boostArticles = options.boostArticles && new Set(options.boostArticles);
  const { retrieved, view, prepared, queryVector, readAhead } = await searchQuestion(index, embedder, reader, text, { mode: options.mode, keepArticle, boostArticles });
  const read = reader.read(view, prepared, queryVector, retrieved);
  // The read-ahead stops at its next turn of the event loop: no work of a question outlives it.
  await readAhead?.catch(() => undefined);
  // "What happened this week?": with the period taken out nothing is left to read for, and the reader refuses. What
  // the period's articles say is the answer: quoted, not sure (it answers no particular question).
  // Only over articles dated in the period (strict): not from undated ones, which may be of any time.
  const reading = period?.strict && !read.answerable && asksOnlyWhatHappened(text) ? { ...read, answerable: true, sure: false } : read;
  const answer = buildAnswer(view, question, reading, { passages: options.passages, answerAll: options.answerAll });
  return { ...answer, ...(corrections.length > 0 ? { readAs: text } : {}), ...(period ? { period: describePeriod(period) } : {}) };
}

/** The words of a question that asks only what happened, or what the news was ("What happened?", "any news?", "what's new?"). */
const WHAT_HAPPENED_WORDS = /^(?:what|whats|what['’]s|is|are|was|were|has|have|had|been|happen|happens|happened|happening|occurred|going|on|new|news|latest|updates?|any|anything|there|the|tell|me|us|so|far|did|do|does|go|went|recent|recently|else)$/i;

/** Whether a question, its time phrase taken out, asks only what happened: nothing left to read for but its period. */
export const asksOnlyWhatHappened = (text: string): boolean => {
  const words = text.match(/[\p{L}'’]+/gu) ?? [];
  return words.length > 0 && words.every((word) => WHAT_HAPPENED_WORDS.test(word));
};

/** What is searched for and read of a question: without its chat opening, misspelt words as the coverage spells them. */
export function searchedText(vocabulary: Vocabulary, question: string, isWord?: (word: string) => boolean): { text: string; corrections: Correction[] } {
  return vocabulary.correct(withoutChatOpening(question), isWord);
}
