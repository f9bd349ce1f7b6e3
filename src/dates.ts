/**
 * Publication dates: normalising what pages and feeds declare, showing it ("13 Sep 2023"), reading the
 * `--since`/`--until` values (an ISO date, month or year, or a relative period such as `7d`), and finding a
 * plain time phrase in a question ("this week", "last month", "in September 2023", "in 2023"). All
 * calendar arithmetic is in UTC, so the same question gives the same period on every machine; an article's date
 * is compared with a period by the day and clock the outlet wrote (its offset set aside), the day it is shown with.
 */
import { createRequire } from 'node:module';
import { UserFacingError } from './errors.js';

// The English parser alone: the whole of chrono-node (every locale) takes about a second to load. Loaded
// through Node's own resolver, since vitest's does not follow the package's `./*` export pattern.
const chrono = createRequire(import.meta.url)('chrono-node/en') as typeof import('chrono-node/en');

export class DateError extends UserFacingError {
  override name = 'DateError';
}

/** A period of publication: from `since` to `until` (milliseconds since the epoch, both inclusive). */
export interface Period {
  since?: number;
  until?: number;
  /** The words of the question it was read from, when it came from the question. */
  phrase?: string;
  /**
   * Strict (from --since/--until): articles with no date are left out too. A period read from the question is
   * strict too when some article is dated in it (questionPeriod); else it only leaves out articles dated outside
   * it, since undated articles may still be about it.
   */
  strict: boolean;
}

const DAY_MS = 86_400_000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** When an article was published, in milliseconds, or undefined when it has no readable date. */
export function publishedTime(published: string | undefined): number | undefined {
  if (!published) return undefined;
  const time = Date.parse(published);
  return Number.isNaN(time) ? undefined : time;
}

/** "13 Sep 2023": the day as the outlet gave it (the date part of an ISO date-time), or undefined. */
export function formatDate(published: string | undefined): string | undefined {
  if (!published) return undefined;
  const day = /^(\d{4})-(\d{2})-(\d{2})/.exec(published);
  if (day) return `${Number(day[3])} ${MONTHS[Number(day[2]) - 1]} ${day[1]}`;
  const time = publishedTime(published);
  if (time === undefined) return undefined;
  const date = new Date(time);
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
}

/** "from 2023-09-01 until 2023-09-30" (either part may be absent), for showing a period. */
export function periodWords(period: { since?: string; until?: string }): string {
  return [period.since && `from ${period.since}`, period.until && `until ${period.until}`].filter(Boolean).join(' ');
}

/** `YYYY-MM-DD` of a time, for showing a period. */
export const isoDay = (time: number) => new Date(time).toISOString().slice(0, 10);

/**
 * A bound of a period as shown: its day (`2023-09-13`) when it is a whole day's bound (since at its start, until at
 * its end), else its date-time (`2023-09-13T12:00:00Z`: `--since 2023-09-13T12:00:00Z`, `--until 7d`), which a day
 * would misstate.
 */
export function boundWords(time: number, which: 'since' | 'until'): string {
  const whole = which === 'since' ? time === startOfDay(time) : time === endOfDay(time);
  return whole ? isoDay(time) : new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const startOfDay = (time: number) => Math.floor(time / DAY_MS) * DAY_MS;
const endOfDay = (time: number) => startOfDay(time) + DAY_MS - 1;
const utc = (year: number, month = 0, day = 1) => Date.UTC(year, month, day);

/** The same day and clock `months` before, on the month's last day when it is shorter (31 Mar → 29 Feb, not 2 Mar). */
function monthsBefore(time: number, months: number): number {
  const date = new Date(time);
  const day = date.getUTCDate();
  date.setUTCDate(1);
  date.setUTCMonth(date.getUTCMonth() - months);
  const length = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  date.setUTCDate(Math.min(day, length));
  return date.getTime();
}

const RELATIVE = /^(\d{1,4})\s*(d|w|m|y)$/i;
/**
 * The earliest year a period may name or reach, or an article's date hold: no news archive goes further back,
 * and Date.UTC misreads years under 100.
 */
export const EARLIEST_YEAR = 1000;
const EARLIEST = Date.UTC(EARLIEST_YEAR, 0, 1);
const UNIT_DAYS: Record<string, number> = { d: 1, w: 7 };

/**
 * One bound of --since/--until: `2023-09-13`, `2023-09`, `2023` (a since starts at the beginning of that
 * day, month or year, an until ends at its end), a full ISO date-time, or `7d`/`2w`/`3m`/`1y` before now.
 */
export function parseDateBound(raw: string, option: string, which: 'since' | 'until', now = Date.now()): number {
  const value = raw.trim();
  const relative = RELATIVE.exec(value);
  if (relative) {
    const count = Number(relative[1]);
    const unit = relative[2]!.toLowerCase();
    const back = unit in UNIT_DAYS ? now - count * UNIT_DAYS[unit]! * DAY_MS : monthsBefore(now, unit === 'm' ? count : count * 12);
    if (back < EARLIEST) throw new DateError(`${option} reaches back before the year ${EARLIEST_YEAR} (got "${raw}"); give a shorter period or a date.`);
    return which === 'since' ? startOfDay(back) : back;
  }
  const calendar = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(value);
  if (calendar) {
    const [year, month, day] = [Number(calendar[1]), calendar[2] ? Number(calendar[2]) - 1 : undefined, calendar[3] ? Number(calendar[3]) : undefined];
    // Date.UTC reads the years 0 to 99 as 1900 to 1999: such a year would be taken for another.
    if (year < EARLIEST_YEAR) throw new DateError(`${option} must be a year from ${EARLIEST_YEAR} on (got "${raw}").`);
    const start = utc(year, month ?? 0, day ?? 1);
    const date = new Date(start);
    const valid = month === undefined || (month >= 0 && month <= 11 && (day === undefined || (date.getUTCMonth() === month && date.getUTCDate() === day)));
    if (valid) {
      if (which === 'since') return start;
      if (day !== undefined) return endOfDay(start);
      return (month !== undefined ? utc(year, month + 1) : utc(year + 1)) - 1;
    }
  } else if (/^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value))) {
    if (Date.parse(value) < EARLIEST) throw new DateError(`${option} must be a year from ${EARLIEST_YEAR} on (got "${raw}").`);
    return Date.parse(value);
  }
  throw new DateError(
    `${option} must be a date (2023-09-13), a month (2023-09), a year (2023) or a period before now such as 7d, 2w, 3m or 1y (got "${raw}").`,
  );
}

/** The period of --since/--until (either may be absent); undefined when neither is given. */
export function periodFromBounds(bounds: { since?: string; until?: string }, names: { since: string; until: string }, now = Date.now()): Period | undefined {
  for (const side of ['since', 'until'] as const) {
    // `--since=` or `--since ""` (a variable left empty in a script): said, not read as no bound at all.
    if (bounds[side] !== undefined && !bounds[side]!.trim()) throw new DateError(`${names[side]} is empty; give a date (2023-09-13), a month, a year or a period such as 7d, or leave it out.`);
  }
  const since = bounds.since !== undefined ? parseDateBound(bounds.since, names.since, 'since', now) : undefined;
  const until = bounds.until !== undefined ? parseDateBound(bounds.until, names.until, 'until', now) : undefined;
  if (since === undefined && until === undefined) return undefined;
  if (since !== undefined && until !== undefined && since > until) {
    throw new DateError(`${names.since} (${bounds.since}) is after ${names.until} (${bounds.until}); give a period that starts before it ends.`);
  }
  return { since, until, strict: true };
}

/** An ISO date-time's clock as written, and its zone (`Z`, an offset, or none). */
const WRITTEN_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(?:Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * An article's day and clock as the outlet wrote them, read as if in UTC (`2023-09-13T01:30:00+03:00` → 13 Sep
 * 01:30 UTC, though the instant is 12 Sep 22:30 UTC), or undefined when it has no readable date. A period's days
 * are calendar days: an article belongs to the day it is shown with (formatDate), not to UTC's.
 */
function writtenTime(published: string | undefined): number | undefined {
  const written = published === undefined ? null : WRITTEN_TIME.exec(published);
  return written ? publishedTime(`${written[1]}Z`) : publishedTime(published);
}

/**
 * Whether an article's date is inside the period (undated articles only pass a period that is not strict),
 * by the outlet's own day and clock (writtenTime), so that an article shown as 13 Sep is in a period of 13 Sep.
 */
export function inPeriod(published: string | undefined, period: Period): boolean {
  const time = writtenTime(published);
  if (time === undefined) return !period.strict;
  return (period.since === undefined || time >= period.since) && (period.until === undefined || time <= period.until);
}

/**
 * The period a question's time phrase sets over a coverage: only the articles dated in it are searched when there
 * are any ("Where did Putin go in 2025?" was answered, sure, from an undated 2023 page, with the 2025 article ninth);
 * when none is, the undated ones still are, since they may be about it.
 */
export function questionPeriod(period: Period, published: Iterable<string | undefined>): Period {
  const strict = { ...period, strict: true };
  for (const date of published) if (date !== undefined && inPeriod(date, strict)) return strict;
  return period;
}

// ── time phrases in questions ─────────────────────────────────────────────────────────────────────────

const LEAD = String.raw`(?:(?:in|during|over|from|for|since)\s+)?(?:the\s+)?`;
/** "this week", "last month", "the past year", "previous week". */
const CALENDAR_PERIOD = new RegExp(`^${LEAD}(this|last|past|previous)\\s+(week|month|year)$`, 'i');
/** "the last 7 days", "past two weeks". */
const LAST_N = new RegExp(`^${LEAD}(?:last|past)\\s+\\S+\\s+(?:days?|weeks?|months?|years?)$`, 'i');
const DAY_WORD = /^(today|yesterday)$/i;
/**
 * Two months joined into one period: "between March 2023 and May 2023" (chrono finds the months apart; "March 2023
 * to May 2023" it reads as one range itself), "in May 2023 or in June 2023".
 */
const JOINED = /^\s*(?:and|to|until|till|through|or|-|–)\s+(?:in\s+)?$/i;
/** "since March 2023", "from 2023": the period runs from then until now, not through that month or year alone. */
const SINCE_LEAD = /\b(?:since|from)\s+(?:the\s+)?$/i;
/** "in 2023", "since 2023": chrono reads a lone year as a time of day, so years are found here. */
const YEAR_PHRASE = /\b(in|during|throughout|since|from)\s+((?:19|20)\d{2})\b(?![-/:]\d)/i;

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
function monthPeriod(question: string, results: ReturnType<typeof chrono.parse>, i: number, now: number): { since: number; until: number; from: number; end: number } | undefined {
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
  // "since March 2023" runs until now; a month alone through its end.
  if (!last) return { since: first[0], until: from === index && SINCE_LEAD.test(question.slice(0, index)) ? now : ownEnd, from, end };
  return { since: Math.min(first[0], last[0]), until: Math.max(first[1], last[1]), from, end };
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
    let range: { since: number; until: number } | undefined;
    let from = result.index;
    let end = result.index + result.text.length;
    if (calendar) range = calendarPeriod(calendar[1]!.toLowerCase(), calendar[2]!.toLowerCase(), now);
    else if (DAY_WORD.test(text) || LAST_N.test(text)) {
      // "Russia Today", "USA Today", the "Today" programme: a capitalised "Today" inside a sentence is a name.
      if (/^Today$/.test(text) && !/(^|[.!?]["”’)]?)\s*$/.test(question.slice(0, result.index)) && /\p{Ll}/u.test(question)) continue;
      const since = startOfDay(start.date().getTime());
      range = { since, until: DAY_WORD.test(text) && /yesterday/i.test(text) ? endOfDay(since) : now };
    } else {
      const months = monthPeriod(question, results, i, now);
      if (months) [range, from, end] = [{ since: months.since, until: months.until }, months.from, months.end];
    }
    if (range) return { ...range, phrase: question.slice(from, end), strict: false };
  }
  const year = YEAR_PHRASE.exec(question);
  if (year) {
    const y = Number(year[2]);
    const since = /^(?:since|from)$/i.test(year[1]!);
    return { since: utc(y), until: since ? now : utc(y + 1) - 1, phrase: year[0], strict: false };
  }
  return undefined;
}

/**
 * The question without its time phrase (and the "in"/"during" before it), for retrieval and reading: the
 * period already does the phrase's work, and its words only pull in passages that mention dates. Measured on
 * eight dated questions about the test coverage plus the shipped articles, the reader's confidence rose for
 * five (e.g. 0.15 → 0.70 for "Where was Prigozhin buried in August 2023?") and fell for two (docs/INGESTION.md).
 */
export function withoutTimePhrase(question: string, period: Period): string {
  if (!period.phrase) return question;
  const at = question.indexOf(period.phrase);
  if (at < 0) return question;
  const before = question.slice(0, at).replace(/\b(?:in|during|over|from|for|since|throughout|between)(?:\s+the)?\s*$/i, '');
  const stripped = `${before.trimEnd()} ${question.slice(at + period.phrase.length).trimStart()}`.replace(/\s+([?.!,])/g, '$1').trim();
  return /\p{L}/u.test(stripped) ? stripped : question;
}
