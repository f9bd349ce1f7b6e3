/**
 * Follow-up questions read with the conversation so far, without Discord: a conversation is a few turns
 * (each a question, the question as it was searched, the names in it and the articles its answer cited),
 * and `readFollowUp` turns a follow-up that leans on them ("How long did that take him?", "What about
 * Shoigu?", "What did they discuss there?") into a question the retriever and the reader can answer alone:
 * pronouns are replaced by the names of the turn it builds on (people for he/him, places for there), an
 * elliptical "what about X?" becomes the earlier question about X, and the earlier question's key words are
 * added when the follow-up points back at it ("that", "it"). Names and pronouns come from compromise's
 * tagger. The articles cited earlier are returned to be boosted in retrieval (pipeline `boostArticles`).
 */
import nlp from 'compromise';
import { answeringPassages, shownShortAnswer, type Answer } from './answer.js';
import { type AskOptions, type Pipeline } from './pipeline.js';
import { validateQuestion } from './answer-question.js';
import type { Coverage } from './index/coverage.js';
import { withoutChatOpening } from './chat-opening.js';
import type { Period } from './dates.js';
import { timePhrase } from './time-phrases.js';
import { withoutTimePhrase } from './time-phrase-text.js';
import { allNames, clean, longest, namesIn, peopleNamed, personLike, unique, type Names } from './conversation-names.js';

export { namesIn, type Names } from './conversation-names.js';

export interface Turn {
  /** The question as the member asked it. */
  question: string;
  /** The question as it was searched, with the history resolved (the same as `question` for a first one). */
  resolved: string;
  names: Names;
  /** Articles the answer cited (cited articles only: a "the coverage doesn't say" answer cites none). */
  articleIds: string[];
  /**
   * The period of publication the turn searched (/ask's since and until, or its own time phrase, or the one it
   * took from the turn it built on): a follow-up that names no period of its own searches the same.
   */
  period?: Period;
}

export interface FollowUpReading {
  /** What to search for: the follow-up itself, or with the history resolved. */
  query: string;
  /** The earlier turn it builds on, when it leans on one. */
  buildsOn?: Turn;
  /** Articles cited earlier in the conversation, most recent first, to favour in retrieval. */
  boostArticles: string[];
}

/** Third-person pronouns and the deictic words that point back at an earlier question. */
const PERSON = /^(he|him|she|her)$/i;
const POSSESSIVE = /^(his|hers)$/i;
const GROUP = /^(they|them|their|theirs)$/i;
const DEICTIC = /^(it|its|this|these|those|then)$/i;
/** "what about X?", "how about X?", "and X?": the earlier question, about X. */
const ELLIPSIS = /^\s*(?:(?:and\s+)?(?:what|how)\s+about|and)\s+(.+?)[\s?.!]*$/i;
/** Emoji and flags, which say nothing of what is asked: "ok 👍 what about Putin?". */
const EMOJI = /[\p{Extended_Pictographic}\p{Emoji_Modifier}\p{Regional_Indicator}\u200d\ufe0f]/gu;
/** A whole word, in any script: "he" is not a word of "Mühe". */
const WORD = /(?<![\p{L}\p{M}\p{N}_])\p{L}[\p{L}\p{M}]*(?![\p{L}\p{M}\p{N}_])/gu;

/** How a follow-up uses "there" and "that", in order: compromise tells "is there a deal?" from "who was there?". */
interface Uses {
  /** Per "there": whether it is existential ("is there", "there was"), not a place. */
  there: boolean[];
  /** Per "that": whether it opens a clause ("say that the talks…", "the deal that Putin signed") rather than pointing back. */
  that: boolean[];
}

function usesIn(question: string): Uses {
  const terms = (nlp(question).terms().json() as { terms: { normal: string; tags: string[] }[] }[]).map((t) => t.terms[0]!).filter((t) => t.normal !== '');
  const uses: Uses = { there: [], that: [] };
  terms.forEach((term, i) => {
    const word = term.normal.replace(/['’]s$/, '');
    const next = terms[i + 1]?.tags ?? [];
    if (word === 'there') uses.there.push(term.tags.includes('There'));
    if (word === 'that') uses.that.push(['Determiner', 'Pronoun', 'ProperNoun', 'Person', 'Place'].some((tag) => next.includes(tag)));
  });
  return uses;
}

/** Which pronouns of a follow-up its own names already resolve ("What did Putin say about his trip?"). */
function ownReferents(own: Names) {
  return { person: own.people.length > 0, group: own.people.length > 1 || own.others.length > 0, place: own.places.length > 0 };
}

/** An object "him" is not the one person a question names ("What did Putin say about him?"): it is someone else. */
const OBJECT = /^him$/i;

/** Whether a follow-up points back at the conversation: a pronoun or deictic word its own names do not resolve. */
function pointsBack(question: string, own: Names): boolean {
  const uses = usesIn(question);
  const mine = ownReferents(own);
  let there = 0;
  let that = 0;
  for (const [word] of question.matchAll(WORD)) {
    if (OBJECT.test(word) && peopleNamed(question, own) < 2) return true;
    if ((PERSON.test(word) || POSSESSIVE.test(word)) && !mine.person) return true;
    if (GROUP.test(word) && !mine.group) return true;
    // "Is it true that Putin…?": an "it" that a clause of the question's own names explains points nowhere.
    if (DEICTIC.test(word) && !(/^it$/i.test(word) && allNames(own).length > 0 && uses.that.some(Boolean))) return true;
    if (/^there$/i.test(word) && !(uses.there[there++] ?? true) && !mine.place) return true;
    if (/^that$/i.test(word) && !(uses.that[that++] ?? true)) return true;
  }
  return false;
}

/** The key words of a question: its names, nouns and verbs, without pronouns and question words. */
function keyWords(text: string): string[] {
  const doc = nlp(text);
  doc.remove('#Pronoun').remove('#QuestionWord').remove('(did|does|do|is|was|were|are|be|been|has|have|had)');
  return unique(doc.match('(#Noun|#Verb|#Adjective)').out('array').map(clean)).filter((w) => w.length > 1);
}

/**
 * The period a question searched: the one given (/ask's since and until), else the one its own time phrase set,
 * when its answer says one was set (over dated coverage only). `searched`: the question as given to the pipeline.
 */
export function searchedPeriod(searched: string, answer: Answer, given: Period | undefined, now: number): Period | undefined {
  // A period in which nothing was published is not carried on: a follow-up searches everything.
  if (answer.period?.empty) return undefined;
  return given ?? (answer.period ? timePhrase(searched, now) : undefined);
}

/**
 * One turn of a conversation; the names of the question come before those of the short answer, when the asker
 * was shown one (`shownShortAnswer`: a follow-up's "he" means someone they read, not a span the reader doubted).
 * `resolved` is kept without the time phrase of `period`: the period is the turn's own, not words to search.
 */
export function turnOf(question: string, resolved: string, answer: Answer, period?: Period): Turn {
  resolved = period?.phrase ? withoutTimePhrase(resolved, period) : resolved;
  const asked = namesIn(resolved);
  const short = shownShortAnswer(answer);
  const answered = short ? namesIn(short.text) : { people: [], places: [], others: [] };
  const names: Names = {
    people: longest([...asked.people, ...answered.people]),
    places: longest([...asked.places, ...answered.places]),
    others: longest([...asked.others, ...answered.others]),
  };
  // The articles a follow-up leans on are those that answered, not those quoted as related coverage.
  const articleIds = answer.found ? [...new Set(answeringPassages(answer.passages).map((p) => p.articleId))] : [];
  return { question, resolved, names, articleIds, ...(period ? { period } : {}) };
}

/** The turn a follow-up builds on: the latest that named someone or something, else the latest. */
function antecedent(history: readonly Turn[]): Turn | undefined {
  const named = [...history].reverse().find((t) => t.names.people.length + t.names.places.length + t.names.others.length > 0);
  return named ?? history.at(-1);
}

/** Replaces the pronouns of a follow-up that the earlier turn's names resolve (and its own names do not). */
function resolvePronouns(question: string, names: Names, own: Names): string {
  const mine = ownReferents(own);
  const person = mine.person ? undefined : names.people[0];
  const same = (a: string, b: string) => a.toLowerCase().includes(b.toLowerCase()) || b.toLowerCase().includes(a.toLowerCase());
  const other = peopleNamed(question, own) < 2 ? names.people.find((name) => !allNames(own).some((mine) => same(mine, name))) : undefined;
  const group = mine.group ? undefined : names.people.length > 1 ? names.people.slice(0, 2).join(' and ') : (names.places[0] ?? names.others[0]);
  const place = mine.place ? undefined : names.places[0];
  const existential = usesIn(question).there;
  let there = 0;
  return question.replace(WORD, (word) => {
    if (other && OBJECT.test(word)) return other;
    if (person && PERSON.test(word)) return person;
    if (person && POSSESSIVE.test(word)) return `${person}'s`;
    if (group && GROUP.test(word)) return word.toLowerCase().startsWith('their') ? `${group}'s` : group;
    if (/^there$/i.test(word) && !(existential[there++] ?? true) && place) return `in ${place}`;
    return word;
  });
}

/**
 * "What about Shoigu?" after "What did Putin say about the talks?" → "What did Shoigu say about the talks?": a
 * name takes the place of an earlier name of its kind. Anything else ("and the talks?", "and in 2022?") is
 * added to the earlier question, which gives way when the whole would pass `maxChars`: the member's words stay.
 */
function resolveEllipsis(subject: string, earlier: Turn, maxChars: number): string {
  const head = earlier.resolved.replace(/[?.!\s]+$/, '');
  // "and in 2022?", "what about September 2022?": the earlier question, asked of that period ("What did Kim say in 2022?").
  if (onlyTime(subject)) return `${head.slice(0, Math.max(0, maxChars - asTime(subject).length - 2))} ${asTime(subject)}?`;
  const own = namesIn(subject);
  // A name compromise does not know ("Lavrov", "Xi") is most often a person's.
  const named = own.people.length > 0 || (own.others.length === 0 && /^\p{Lu}/u.test(subject));
  // An earlier surname compromise does not know ("Prigozhin", "Peskov") is among the others: a person's too, most often.
  const kind = own.places.length > 0 ? earlier.names.places : named ? [...earlier.names.people, ...earlier.names.others] : own.others.length > 0 ? earlier.names.others : [];
  // A person takes the place of an earlier name that may be a person's: not "the Kremlin", not "In Xinjiang" (personLike).
  const present = kind.filter((name) => earlier.resolved.includes(name));
  const replaced = own.places.length > 0 ? present[0] : present.find((name) => earlier.names.people.includes(name) || personLike(earlier.resolved, name));
  // A function, so "$&" or "$'" in the member's words are not replacement patterns.
  if (replaced) return earlier.resolved.replace(replaced, () => subject);
  return `${head.slice(0, Math.max(0, maxChars - subject.length - 3))}: ${subject}?`;
}

/** A time a follow-up names alone, read as a phrase of the question: "and 2022?", "what about September 2022?" → "in 2022", "in September 2022". */
const asTime = (words: string) => (/^(?:in|during|over|since|from|between|after|before|throughout|within|for|last|this|past|previous|today|yesterday)\b/i.test(words.trim()) ? words : `in ${words.trim()}`);

/** Whether words are a time phrase and nothing else ("in 2022", "last week", "since March 2023"). */
function onlyTime(words: string): boolean {
  const phrase = timePhrase(asTime(words))?.phrase;
  return phrase !== undefined && !/\p{L}/u.test(words.replace(phrase, '').replace(/\b(?:in|during|over|since|from|for|after|before|between|the)\b/giu, ''));
}

/**
 * A follow-up with its history: alone when it names what it asks about and points back at nothing,
 * else resolved from the turn it builds on, with that turn's key words the follow-up lacks.
 */
export function readFollowUp(history: readonly Turn[], question: string, maxChars = Number.POSITIVE_INFINITY): FollowUpReading {
  const earlier = antecedent(history);
  const boostArticles = unique([...history].reverse().flatMap((t) => t.articleIds));
  if (!earlier) return { query: question, boostArticles: [] };
  // "Thanks! What about Putin?", "ok and Putin?": the ellipsis after the chat.
  const ellipsis = ELLIPSIS.exec(withoutChatOpening(question.replace(EMOJI, ' ')));
  // Only a name or a thing is an ellipsis ("and Shoigu?"): "and how did Putin react?" is a question of its own.
  if (ellipsis && !nlp(ellipsis[1]!).has('(#Verb|#QuestionWord|#Pronoun)')) return { query: resolveEllipsis(clean(ellipsis[1]!), earlier, maxChars), buildsOn: earlier, boostArticles };

  const own = namesIn(question);
  if (!pointsBack(question, own) && allNames(own).length > 0) return { query: question, boostArticles: [] };

  const resolved = resolvePronouns(question, earlier.names, own);
  const present = resolved.toLowerCase();
  const missing = unique([...allNames(earlier.names), ...keyWords(earlier.resolved)]).filter((w) => !present.includes(w.toLowerCase()));
  const query = missing.length > 0 ? `${resolved.replace(/\s+$/, '')} (${missing.join(', ')})` : resolved;
  return { query, buildsOn: earlier, boostArticles };
}

/**
 * Whether a follow-up names a time of its own: a time phrase, asked or read ("and 2022?" is read "… in 2022"), or any
 * year or month, even a thing's ("… about the March 2022 summit?"): the earlier period would leave its articles out.
 */
function namesTime(asked: string, query: string, now: number): boolean {
  return timePhrase(asked, now) !== undefined || timePhrase(query, now) !== undefined || /\b(?:19|20)\d{2}\b/.test(asked) || MONTH_NAME.test(asked) || /\b(?:March|May)\b/.test(asked);
}
/** A month named (a lower-case "march" or "may" is most often a verb: those two count capitalised only). */
const MONTH_NAME = /\b(?:January|February|April|June|July|August|September|October|November|December)\b/i;

export interface FollowUpAnswer {
  answer: Answer;
  /** The version the answer came from (pipeline.answeredFrom). */
  from: Coverage;
  reading: FollowUpReading;
  /** The turn to add to the conversation. */
  turn: Turn;
}

/** Turns without the cited articles an index no longer has (they left in a rebuild). */
export function liveTurns(turns: readonly Turn[], articles: ReadonlyMap<string, unknown>): Turn[] {
  return turns.map((t) => ({ ...t, articleIds: t.articleIds.filter((id) => articles.has(id)) }));
}

/**
 * Asks a follow-up with its history: validated as the member wrote it (so a too-long one gets the usual
 * message), searched as resolved (cut to the question limit: the member's own words come first), with the
 * earlier citations still in the index favoured. The answer shows the question as asked, `readAs` the search.
 */
export async function askFollowUp(pipeline: Pipeline, history: readonly Turn[], question: string, maxChars: number, options: AskOptions = {}): Promise<FollowUpAnswer> {
  const asked = validateQuestion(question, maxChars);
  const now = options.now ?? Date.now();
  // Articles that left the index (a rebuild while the conversation was quiet) are dropped, not searched for.
  const live = liveTurns(history, pipeline.index.articles);
  const reading = readFollowUp(live, asked, maxChars);
  const query = reading.query.length > maxChars ? reading.query.slice(0, maxChars) : reading.query;
  // A follow-up that names no period of its own searches the period of the turn it builds on ("What else did he
  // say?" after "… in September 2023?"); one that names its own searches that one, read by the pipeline.
  const period = options.period ?? (namesTime(asked, reading.query, now) ? undefined : reading.buildsOn?.period);
  const answer = await pipeline.ask(query, { ...options, now, boostArticles: reading.boostArticles, ...(period ? { period } : {}) });
  const shown: Answer = { ...answer, question: asked, ...(query !== asked ? { readAs: query } : {}) };
  const turn = turnOf(asked, query, shown, searchedPeriod(query, shown, period, now));
  return { answer: shown, from: pipeline.answeredFrom(answer), reading: { ...reading, query }, turn };
}
