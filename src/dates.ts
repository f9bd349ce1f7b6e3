/**
 * Publication dates: normalising what pages and feeds declare, showing it ("13 Sep 2023"), reading the
 * `--since`/`--until` values (an ISO date, month or year, or a relative period such as `7d`), and telling whether
 * an article is in a period (a question's time phrases are read in time-phrases.ts). All calendar arithmetic is in UTC, so the same question gives the same period on every machine; an article's date
 * is compared with a day's bound by the day and clock the outlet wrote (its offset set aside), the day it is shown
 * with, and with an instant's bound (now, a date-time given) by the instant it was published.
 */
import { UserFacingError } from './errors.js';
import { itself, lowerBound } from './lower-bound.js';

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
  /**
   * Whether a bound is an instant (now, which "today" and "this week" run until; a date-time given to --since or
   * --until; --until 7d) rather than a day's start or end: an article is compared with it by the instant it was
   * published, with a day's bound by the day the outlet wrote (inPeriod).
   */
  sinceInstant?: boolean;
  untilInstant?: boolean;
}

export const DAY_MS = 86_400_000;
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

/**
 * The day an outlet changed an article (a correction, an update), as formatDate shows it: when it is after the
 * day of publication (a `modified` before it is a page's mistake, and one the same day says nothing), or the article has none.
 */
export function updatedDay(article: { published?: string; modified?: string }): string | undefined {
  const updated = formatDate(article.modified);
  if (!updated || updated === formatDate(article.published)) return undefined;
  const [modified, published] = [publishedTime(article.modified), publishedTime(article.published)];
  return published === undefined || (modified !== undefined && modified > published) ? updated : undefined;
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
  return dayBound(time, which) ? isoDay(time) : new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Whether a time is a day's start (since) or end (until). */
const dayBound = (time: number, which: 'since' | 'until') => time === (which === 'since' ? startOfDay(time) : endOfDay(time));

export const startOfDay = (time: number) => Math.floor(time / DAY_MS) * DAY_MS;
export const endOfDay = (time: number) => startOfDay(time) + DAY_MS - 1;
export const utc = (year: number, month = 0, day = 1) => Date.UTC(year, month, day);

/** The same day and clock `months` before, on the month's last day when it is shorter (31 Mar → 29 Feb, not 2 Mar). */
export function monthsBefore(time: number, months: number): number {
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
export const EARLIEST = Date.UTC(EARLIEST_YEAR, 0, 1);
/** How far an outlet's clock may be from UTC's: offsets run from −12:00 to +14:00. */
export const OFFSET_BEHIND_MINUTES = 12 * 60;
export const OFFSET_AHEAD_MINUTES = 14 * 60;
/** Whether an offset written `+hh:mm` / `-hhmm` is one of the world's (−12:00 to +14:00). */
export function realOffset(sign: string, hours: number, minutes: number): boolean {
  const total = hours * 60 + minutes;
  return minutes <= 59 && (sign === '-' ? total <= OFFSET_BEHIND_MINUTES : total <= OFFSET_AHEAD_MINUTES);
}
/** A date-time given to --since/--until: `2023-09-13T12:00`, with seconds, fractions and a zone or not. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T/i;
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
  } else if (DATE_TIME.test(value)) {
    // A date-time with no zone is UTC's, as every other bound (Date.parse would read it in the machine's zone).
    const iso = value.toUpperCase();
    const zone = /([+-])(\d{2}):?(\d{2})$/.exec(iso);
    const time = Date.parse(zone || iso.endsWith('Z') ? iso : `${iso}Z`);
    // Date.parse rolls an impossible day over (2023-02-29T00:00Z → 1 March) and takes hour 24: the day and clock must be the calendar's.
    const written = new Date(utc(Number(value.slice(0, 4)), Number(value.slice(5, 7)) - 1, Number(value.slice(8, 10))));
    const clock = /T(\d{2}):(\d{2})/.exec(iso);
    const realClock = clock !== null && Number(clock[1]) <= 23 && Number(clock[2]) <= 59 && (!zone || realOffset(zone[1]!, Number(zone[2]), Number(zone[3])));
    if (!Number.isNaN(time) && realClock && written.getUTCDate() === Number(value.slice(8, 10)) && written.getUTCMonth() === Number(value.slice(5, 7)) - 1) {
      if (time < EARLIEST) throw new DateError(`${option} must be a year from ${EARLIEST_YEAR} on (got "${raw}").`);
      return time;
    }
  }
  throw new DateError(
    `${option} must be a date (2023-09-13), a month (2023-09), a year (2023), a date-time (2023-09-13T12:00:00Z) or a period before now such as 7d, 2w, 3m or 1y (got "${raw}").`,
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
  // A bound given as a date-time, and --until 7d (now less 7 days), are instants; the rest are days' starts and ends.
  const instant = (raw: string | undefined, which: 'since' | 'until') => raw !== undefined && (DATE_TIME.test(raw.trim()) || (which === 'until' && RELATIVE.test(raw.trim())));
  return { since, until, strict: true, ...(instant(bounds.since, 'since') ? { sinceInstant: true } : {}), ...(instant(bounds.until, 'until') ? { untilInstant: true } : {}) };
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
 * Whether an article's date is inside the period (undated articles only pass a period that is not strict). A day's
 * bound is compared with the outlet's own day and clock (writtenTime), so that an article shown as 13 Sep is in a
 * period of 13 Sep; an instant's with the instant it was published, so that "this week" (until now) holds an
 * article published an hour ago by an outlet whose clock is ahead of UTC.
 */
export function inPeriod(published: string | undefined, period: Period): boolean {
  const written = writtenTime(published);
  if (written === undefined) return !period.strict;
  const instant = publishedTime(published) ?? written;
  return (period.since === undefined || (period.sinceInstant ? instant : written) >= period.since) && (period.until === undefined || (period.untilInstant ? instant : written) <= period.until);
}

/** The dates of articles as `inPeriod` compares them (writtenTime), the undated left out, sorted: kept per coverage. */
export function writtenTimes(published: Iterable<string | undefined>): Float64Array {
  const times: number[] = [];
  for (const date of published) {
    const time = writtenTime(date);
    if (time !== undefined) times.push(time);
  }
  return Float64Array.from(times).sort();
}

/**
 * Whether any of the sorted `times` (writtenTimes) is inside the period: a binary search for its start. An
 * instant's bound (inPeriod) is widened by the furthest offsets, so no article inside is missed.
 */
export function anyDatedIn(times: Float64Array, period: Pick<Period, 'since' | 'until' | 'sinceInstant' | 'untilInstant'>): boolean {
  // written = instant + offset: an instant's bound holds the written times within the furthest offsets of it.
  const since = period.since === undefined ? undefined : period.sinceInstant ? period.since - OFFSET_BEHIND_MINUTES * 60_000 : period.since;
  const until = period.until === undefined ? undefined : period.untilInstant ? period.until + OFFSET_AHEAD_MINUTES * 60_000 : period.until;
  const low = since === undefined ? 0 : lowerBound(times, since, itself);
  return low < times.length && (until === undefined || times[low]! <= until);
}
