/**
 * The plain time phrase of a question ("this week", "last month", "in September 2023", "in 2023", "from March to May
 * 2023") as a period of publication, found and resolved by chrono-node, in UTC like the rest of the calendar
 * arithmetic (dates.ts). The question without it, for retrieval and reading, is time-phrase-text.ts's.
 */
import { createRequire } from 'node:module';
import { anyDatedIn, DAY_MS, EARLIEST, endOfDay, monthsBefore, startOfDay, utc, type Period } from './dates.js';

// The English parser alone: the whole of chrono-node (every locale) takes about a second to load. Loaded
// through Node's own resolver, since vitest's does not follow the package's `./*` export pattern.
const chrono = createRequire(import.meta.url)('chrono-node/en') as typeof import('chrono-node/en');

const LEAD = String.raw`(?:(?:in|during|over|from|for|since|within)\s+)?(?:the\s+)?`;
/** "this week", "last month", "the past year", "previous week". */
const CALENDAR_PERIOD = new RegExp(`^${LEAD}(this|last|past|previous)\\s+(week|month|year)$`, 'i');
/** "the last 7 days", "past two weeks". */
const LAST_N = new RegExp(`^${LEAD}(?:last|past)\\s+(\\S+)\\s+(days?|weeks?|months?|years?)$`, 'i');
const DAY_WORD = /^(today|yesterday)$/i;
/** "the previous week / month / year": the calendar's one before this. */
const PREVIOUS_PERIOD = /\b(?:(?:in|during|over)\s+)?(?:the\s+)?previous\s+(week|month|year)\b/i;
/**
 * Two months joined into one period: "between March 2023 and May 2023" (chrono finds the months apart; "March 2023
 * to May 2023" it reads as one range itself), "in May 2023 or in June 2023".
 */
const JOINED = /^\s*(?:and|to|until|till|through|or|-|–)\s+(?:in\s+)?$/i;
/**
 * The word before a phrase that turns its period into one from it, after it, before it, or up to its end: "since last
 * week", "after August 2023", "until June 2023", "by November 2022", "up to May 2023".
 */
const BOUND_LEAD = /\b(since|after|before|(?:up\s+)?until|(?:up\s+)?till|through|up\s+to|by)\s+(?:the\s+)?$/i;
/**
 * The words that bound a relative phrase ("since last week"): not "up to", "through" or "by", which before one are
 * verbs' ("What was Wagner up to last week?", "What did Bakhmut go through last year?").
 */
const RELATIVE_BOUND_LEAD = /\b(since|after|before)\s+(?:the\s+)?$/i;
/** "in 2023", "since 2023", "after 2022": chrono reads a lone year as a time of day, so years are found here. */
const YEAR_PHRASE = /\b(in|during|throughout|since|from|after|before|(?:up\s+)?until|(?:up\s+)?till|through|up\s+to|by)\s+((?:19|20)\d{2})\b(?![-–/:]\d)(?!\s*['’]s\b)/i;
/**
 * "in 2022–2023", "from 2022 to 2023", "between 2022 and 2023", "in 2022 and 2023", "in 2022 or (in) 2023": the years
 * from the first through the last.
 */
const YEAR_RANGE = /\b(?:in|during|throughout|over|from|between)\s+((?:19|20)\d{2})\s*(?:[-–—]|\s(?:to|until|till|through|and|or)\s+(?:in\s+)?)\s*((?:19|20)\d{2})\b(?![-/:]\d)/i;
/**
 * A part of a year: "summer 2023", "the autumn of 2023", "the first half of 2023", "Q3 2023", "the third quarter of
 * 2023". Seasons are the northern hemisphere's meteorological ones (spring March–May, summer June–August, autumn or
 * fall September–November); winter, which spans two years, is left to retrieval.
 */
const PART_OF_YEAR = /\b(?:the\s+)?(?:(spring|summer|autumn|fall)|(first|second|1st|2nd)\s+half|q([1-4])|(first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter)\s+(?:of\s+)?((?:19|20)\d{2})\b(?![-–/:]\d)/i;
const SEASON_START: Record<string, number> = { spring: 2, summer: 5, autumn: 8, fall: 8 };
const ORDINAL: Record<string, number> = { first: 0, '1st': 0, second: 1, '2nd': 1, third: 2, '3rd': 2, fourth: 3, '4th': 3 };
/**
 * Words before a month that narrow it, taken out with it (the period stays the month): "early", "mid-", "late",
 * "the first week of", "the beginning of".
 */
const MONTH_MODIFIER = /(?:\b(?:early|mid|late)[\s-]*|\b(?:the\s+)?(?:(?:beginning|start|middle|end)|(?:first|second|third|fourth|last)\s+(?:week|weeks|half|days))\s+of\s+)$/i;
/** A word that leads a month as a time: "in may 2023", "since march 2023" (else a lower-case "may" or "march" is a verb). */
const MONTH_PREPOSITION = /\b(?:in|on|since|until|till|by|from|of|during|before|after|between|and|to|through|throughout|or)\s+$/i;
/** A date that describes a thing rather than when it was reported: "last year's mutiny", "this week's summit". */
export const POSSESSIVE_AFTER = /^['’]s\b/;
/**
 * A month named as a thing's: "the March 2023 warrant", "a September 2023 report", "his June 2023 mutiny", "the ICC's
 * March 2023 warrant", "Kim's September 2023 visit".
 */
export const ARTICLE_BEFORE = /(?:\b(?:the|a|an|his|her|its|their|our|my|your)|\b(?!(?:what|that|it|there|here|who|where|when|why|how|he|she|let)['’]s\b)\p{L}+['’]s?)\s+$/iu;
const NUMBER_WORDS: Record<string, number> = { a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12 };

function calendarPeriod(which: string, unit: string, now: number): { since: number; until: number } {
  const today = new Date(now);
  const year = today.getUTCFullYear();
  const month = today.getUTCMonth();
  if (which === 'past') {
    const back = unit === 'week' ? now - 7 * DAY_MS : monthsBefore(now, unit === 'month' ? 1 : 12);
    return { since: startOfDay(back), until: now };
  }
  const previous = which !== 'this';
  if (unit === 'week') {
    const monday = startOfDay(now) - ((today.getUTCDay() + 6) % 7) * DAY_MS;
    return previous ? { since: monday - 7 * DAY_MS, until: monday - 1 } : { since: monday, until: now };
  }
  if (unit === 'month') return previous ? { since: utc(year, month - 1), until: utc(year, month) - 1 } : { since: utc(year, month), until: now };
  return previous ? { since: utc(year - 1), until: utc(year) - 1 } : { since: utc(year), until: now };
}

type Components = ReturnType<typeof chrono.parse>[number]['start'];
/** A month and its year, and no day: "September 2023". */
const isMonth = (c: Components) => c.isCertain('month') && c.isCertain('year') && !c.isCertain('day') && !c.isCertain('weekday');
/** A month named without its year: "March" in "between March and May 2023". */
const isMonthAlone = (c: Components) => c.isCertain('month') && !c.isCertain('year') && !c.isCertain('day') && !c.isCertain('weekday');

/**
 * The interval a range's last part names (a month, or a day: "to 15 May 2023"), in the year the first part gives
 * when it names none ("from November 2023 to February": February 2024).
 */
function lastPart(c: Components, firstMonth: number, firstYear: number): [number, number] {
  const month = c.get('month')! - 1;
  const year = c.isCertain('year') ? c.get('year')! : month < firstMonth ? firstYear + 1 : firstYear;
  if (c.isCertain('day')) return [utc(year, month, c.get('day')!), endOfDay(utc(year, month, c.get('day')!))];
  return [utc(year, month), utc(year, month + 1) - 1];
}

/**
 * A question's months as a period, with where its words start and end: a month with its year ("September
 * 2023"), from it until now ("since March 2023"), or a range in either order ("March 2023 to May 2023", "between
 * March and May 2023", "from November 2023 to February", "from March 2023 to 15 May 2023").
 */
function monthPeriod(question: string, results: ReturnType<typeof chrono.parse>, i: number, now: number): { since: number; until: number; from: number; end: number; range: boolean } | undefined {
  const { start, index } = results[i]!;
  const rangeEnd = results[i]!.end ?? undefined; // chrono's null when the phrase is no range
  const endsDated = rangeEnd !== undefined && rangeEnd.isCertain('month') && rangeEnd.isCertain('year');
  if (!isMonth(start) && !(isMonthAlone(start) && endsDated)) return undefined;
  let month = start.get('month')! - 1;
  // "November to February 2024": the first month's year is the last one's, or the year before.
  let year = isMonth(start) ? start.get('year')! : rangeEnd!.get('year')! - (month > rangeEnd!.get('month')! - 1 ? 1 : 0);
  // The end of the month the phrase names itself (a range's first month may be another: "March and May 2023").
  const ownEnd = utc(year, month + 1) - 1;
  let from = index;
  let end = index + results[i]!.text.length;
  // A range's first month without its year: "between March and May 2023".
  const previous = results[i - 1];
  if (previous && isMonthAlone(previous.start) && JOINED.test(question.slice(previous.index + previous.text.length, index))) {
    const first = previous.start.get('month')! - 1;
    [month, year, from] = [first, first > month ? year - 1 : year, previous.index];
  }
  // The month or day a range ends with: chrono's own range, or the next month found after "and", "to", "or".
  let last: [number, number] | undefined;
  const next = results[i + 1];
  if (rangeEnd?.isCertain('month')) last = lastPart(rangeEnd, month, year);
  else if (next && (isMonth(next.start) || isMonthAlone(next.start)) && JOINED.test(question.slice(end, next.index))) {
    last = lastPart(next.start, month, year);
    end = next.index + next.text.length;
  }
  const first = [utc(year, month), utc(year, month + 1) - 1] as const;
  // "from March 2023" runs until now; a month alone through its end ("since" and "after" are the caller's: bounded).
  const lead = question.slice(0, index).replace(MONTH_MODIFIER, '');
  if (!last) return { since: first[0], until: from === index && /\bfrom\s+(?:the\s+)?$/i.test(lead) ? now : ownEnd, from, end, range: false };
  return { since: Math.min(first[0], last[0]), until: Math.max(first[1], last[1]), from, end, range: true };
}

/**
 * The plain time phrase of a question, as a (non-strict) period: "this week", "last week", "past month",
 * "this year", "today", "yesterday", "in the last 7 days", "in September 2023", "in 2023", "since October 2023"
 * and "since 2023" (until now), "from March 2023 to May 2023" and "between March and May 2023" (through May).
 * Dates of events ("on Monday", "on 13 September", "in July") are not periods of coverage and are left to
 * retrieval, and neither are names ("Russia Today"). chrono-node finds and resolves the phrases; the list above decides which count.
 */
export function timePhrase(question: string, now = Date.now()): Period | undefined {
  // chrono works in UTC too: "yesterday" is the day before today's UTC day on every machine, on a day that
  // changes its clocks too. (In the machine's zone, Los Angeles's "yesterday" at 23:30 UTC on 10 March 2024 was 10 March.)
  const results = chrono.parse(question, { instant: new Date(now), timezone: 'UTC' }, { forwardDate: false });
  for (const [i, result] of results.entries()) {
    const text = result.text.trim();
    const start = result.start;
    const calendar = CALENDAR_PERIOD.exec(text);
    const lastN = LAST_N.exec(text);
    let range: { since?: number; until: number } | undefined;
    // A month with its year, which "until", "up to" or "by" before it bound; a relative phrase they do not.
    let dated = false;
    let from = result.index;
    let end = result.index + result.text.length;
    // "last year's mutiny": the date of a thing asked about, not a period of the coverage.
    if (POSSESSIVE_AFTER.test(question.slice(end))) continue;
    // "the last week of September 2023", "the last two weeks of the war": part of what follows, not weeks before now.
    if ((calendar || lastN) && /^\s+of\b/i.test(question.slice(end))) continue;
    if (calendar) {
      // "in the last week", "over the last month": the days just past, as "the past week" ("last week" is the calendar's).
      const trailing = /^last$/i.test(calendar[1]!) && (/^(?:\S+\s+)?the\s+last\b/i.test(text) || /\bthe\s+$/i.test(question.slice(0, from)));
      range = calendarPeriod(trailing ? 'past' : calendar[1]!.toLowerCase(), calendar[2]!.toLowerCase(), now);
      // "this past week": the "this" goes with it.
      if (/^past$/i.test(calendar[1]!)) from -= /\bthis\s+$/i.exec(question.slice(0, from))?.[0].length ?? 0;
    } else if (lastN) range = { since: lastDays(lastN[1]!.toLowerCase(), lastN[2]!.toLowerCase(), start.date().getTime(), now), until: now };
    else if (DAY_WORD.test(text)) {
      // "Russia Today", "USA Today", the "Today" programme: a capitalised "Today" inside a sentence is a name.
      if (/^Today$/.test(text) && !/(^|[.!?]["”’)]?)\s*$/.test(question.slice(0, result.index)) && /\p{Ll}/u.test(question)) continue;
      const since = startOfDay(start.date().getTime());
      range = { since, until: /yesterday/i.test(text) ? endOfDay(since) : now };
    } else {
      // "What may 2024 bring", "troops march 2023 style": a lower-case "may" or "march" is a verb unless a preposition leads it.
      if (/^(?:may|march)\b/.test(question.slice(result.index)) && !result.end && !MONTH_PREPOSITION.test(question.slice(0, result.index))) continue;
      const months = monthPeriod(question, results, i, now);
      if (months) [range, from, end, dated] = [{ since: months.since, until: months.until }, months.from, months.end, true];
      else continue;
      // "the March 2023 warrant": a month named as a thing's.
      if (ARTICLE_BEFORE.test(question.slice(0, from))) continue;
      const modifier = MONTH_MODIFIER.exec(question.slice(0, from))?.[0].length ?? 0;
      from -= modifier;
      if (months.range) return withBounds({ ...range, phrase: question.slice(from, end), strict: false }, now);
      // "after early September 2023": the part of the month is unknown, so the period keeps the whole month.
      const lead = BOUND_LEAD.exec(question.slice(0, from))?.[1];
      if (modifier > 0 && lead) {
        const whole = lead.toLowerCase() === 'after' ? 'since' : lead.toLowerCase() === 'before' ? 'until' : lead;
        const made = bounded(range, whole, now);
        if (!made) continue;
        return withBounds({ ...made, phrase: question.slice(from, end), strict: false }, now);
      }
    }
    if (!range) continue;
    const made = bounded(range, (dated ? BOUND_LEAD : RELATIVE_BOUND_LEAD).exec(question.slice(0, from))?.[1], now);
    // "after today": nothing published yet.
    if (!made) continue;
    return withBounds({ ...made, phrase: question.slice(from, end), strict: false }, now);
  }
  const part = partOfYear(question, now);
  if (part) return part;
  const years = YEAR_RANGE.exec(question);
  if (years) {
    const [first, last] = [Number(years[1]), Number(years[2])].sort((a, b) => a - b);
    return { since: utc(first!), until: utc(last! + 1) - 1, phrase: years[0], strict: false };
  }
  const year = YEAR_PHRASE.exec(question);
  // "up to 2000 shells", "rise by 2000 in a week": a count, not a year, unless the question or a clause ends there.
  const count = year && /^(?:up\s+to|by)$/i.test(year[1]!) && !/^\s*(?:$|[?.!,;:)])/.test(question.slice(year.index + year[0].length));
  if (year && !count) {
    const y = Number(year[2]);
    const lead = year[1]!.toLowerCase();
    const made = bounded({ since: utc(y), until: utc(y + 1) - 1 }, lead === 'from' ? 'since' : lead, now);
    return made && withBounds({ ...made, phrase: year[0], strict: false }, now);
  }
  // "the previous week", which chrono does not read; last, as "than the previous year" after a year means that year's.
  const previous = PREVIOUS_PERIOD.exec(question);
  if (previous && !POSSESSIVE_AFTER.test(question.slice(previous.index + previous[0].length))) {
    return withBounds({ ...calendarPeriod('previous', previous[1]!.toLowerCase(), now), phrase: previous[0], strict: false }, now);
  }
  return undefined;
}

/** The months a part of a year (a PART_OF_YEAR match) names. */
function partMonths(part: RegExpExecArray): { since: number; until: number } {
  const [season, half, quarter, ordinal, yearText] = part.slice(1);
  const [first, months] = season
    ? [SEASON_START[season.toLowerCase()]!, 3]
    : half
      ? [6 * ORDINAL[half.toLowerCase()]!, 6]
      : [3 * (quarter ? Number(quarter) - 1 : ORDINAL[ordinal!.toLowerCase()]!), 3];
  const year = Number(yearText);
  return { since: utc(year, first), until: utc(year, first + months) - 1 };
}

/** Words that may follow a part of a year said without a preposition: one, a conjunction, or the question's end. */
const AFTER_TIME = /^\s*(?:$|[?.!,;:)]|(?:in|on|at|with|for|from|to|by|about|and|or|after|before|during|when|while|until|since|as|against|between|over|under|near|did|was|were|is|are|has|have|had)\b)/i;
/** A question word or a name after a part of a year: a new clause ("In the summer of 2023 what did …", "… Russia fired …"). */
const QUESTION_AFTER = /^\s*(?:(?:what|who|whom|whose|where|when|why|how|which)\b|\p{Lu})/u;
/** A preposition before a part of a year: it says a time ("in summer 2023 what did …", "since Q3 2023 how has …"). */
const TIME_PREPOSITION = /\b(?:in|during|since|from|between|after|before|over|throughout|through|by|until|till|of)\s+$/i;
/** "to", "until", "through" or "and" between the two parts of a range: "from summer 2022 to spring 2023". */
const PART_JOINED = /^\s*(?:to|until|till|through|and|or|-|–)\s+(?:in\s+)?/i;

/**
 * The first part of a year the question names as a time (PART_OF_YEAR) as a period, or a range of two ("from summer
 * 2022 to spring 2023"), bounded by a "since", "after" or "before" before it. One that names a thing's date is none
 * ("the summer 2023 counteroffensive", "Gazprom's Q3 2023 results", "a summer 2023 report": no preposition before it,
 * a word after it that is none of AFTER_TIME), and the next is tried.
 */
function partOfYear(question: string, now: number): Period | undefined {
  for (const part of question.matchAll(new RegExp(PART_OF_YEAR.source, 'gi'))) {
    const before = question.slice(0, part.index);
    let end = part.index! + part[0].length;
    // "Did the rouble fall 2023 …": "fall" is a season only after a preposition or "the".
    if (/^fall$/i.test(part[1] ?? '') && !/^the\b/i.test(part[0]) && !MONTH_PREPOSITION.test(before)) continue;
    let range = partMonths(part as RegExpExecArray);
    const joined = PART_JOINED.exec(question.slice(end));
    const second = joined && new RegExp(`^${PART_OF_YEAR.source}`, 'i').exec(question.slice(end + joined[0].length));
    if (joined && second) {
      const last = partMonths(second);
      range = { since: Math.min(range.since, last.since), until: Math.max(range.until, last.until) };
      end += joined[0].length + second[0].length;
    }
    if (POSSESSIVE_AFTER.test(question.slice(end))) continue;
    // "in the spring 2023 battle": a part with its own "the" and a noun after it is a thing's, preposition or not.
    const after = question.slice(end);
    const thing = ARTICLE_BEFORE.test(before) || (/^the\b/i.test(part[0]) && !/\bof\b/i.test(part[0]) && !AFTER_TIME.test(after) && !QUESTION_AFTER.test(after));
    const asTime = !thing && (TIME_PREPOSITION.test(before) || AFTER_TIME.test(after));
    if (!asTime) continue;
    const made = bounded(range, BOUND_LEAD.exec(before)?.[1], now);
    if (!made) continue;
    // A range's "from" or "between" goes with it ("What happened from summer 2022 to spring 2023?").
    const lead = joined && second ? /\b(?:from|between)\s+$/i.exec(before) : null;
    return withBounds({ ...made, phrase: question.slice(lead ? lead.index : part.index, end), strict: false }, now);
  }
  return undefined;
}

/** A phrase's period with its bound of now marked as the instant it is (inPeriod compares it so). */
const withBounds = (period: Period, now: number): Period => (period.until === now ? { ...period, untilInstant: true } : period);

/**
 * A phrase's period as the word before it turns it: from its start until now ("since last week", "since 2023"),
 * from its end until now ("after August 2023"), until its start ("before 2023"), until its end ("until June 2023",
 * "by November 2022", "up to May 2023", "through 2023"), or the period itself; undefined
 * when it would end before it starts ("after today").
 */
function bounded(range: { since?: number; until: number }, lead: string | undefined, now: number): { since?: number; until: number } | undefined {
  switch (lead?.toLowerCase().replace(/\s+/g, ' ')) {
    case 'since':
      // "since 2030": nothing published yet.
      return range.since !== undefined && range.since > now ? undefined : { since: range.since, until: now };
    case 'after':
      return range.until + 1 > now ? undefined : { since: range.until + 1, until: now };
    case 'before':
      return { until: (range.since ?? range.until) - 1 };
    case 'until':
    case 'up until':
    case 'till':
    case 'up till':
    case 'through':
    case 'up to':
    case 'by':
      return { until: range.until };
    default:
      return range;
  }
}

/**
 * The start of "the last N days/weeks/months/years": N months back to the same day, or the last day of a shorter
 * month (monthsBefore, as "the past month" and --since 1m: chrono's date overflows, 31 March less a month is 2 March);
 * chrono's own reading of N days or weeks, or of a number in words it knows and this list does not.
 */
function lastDays(count: string, unit: string, chronoStart: number, now: number): number {
  const n = /^\d+$/.test(count) ? Number(count) : NUMBER_WORDS[count];
  if (n === undefined || !/^(month|year)/.test(unit)) return Math.max(EARLIEST, startOfDay(chronoStart));
  // "the last 3000 years": no further back than any archive goes (EARLIEST_YEAR), and Date's years below 100.
  return Math.max(EARLIEST, startOfDay(monthsBefore(now, unit.startsWith('month') ? Math.min(n, 12 * 9999) : 12 * Math.min(n, 9999))));
}

/**
 * The period a question's time phrase sets over a coverage whose dated articles' times are `times` (writtenTimes):
 * only the articles dated in it are searched when there are any ("Where did Putin go in 2025?" was answered, sure,
 * from an undated 2023 page, with the 2025 article ninth); when none is, the undated ones still are, since they
 * may be about it.
 */
export function questionPeriod(period: Period, times: Float64Array): Period {
  return anyDatedIn(times, period) ? { ...period, strict: true } : period;
}
