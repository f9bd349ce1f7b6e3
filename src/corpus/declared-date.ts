/**
 * The dates an article declares (front matter, a JSON line, a page's metadata, a feed item), read into the one
 * form articles keep them in: `YYYY-MM-DD`, or an ISO 8601 date-time with the outlet's offset.
 */
import { EARLIEST_YEAR, realOffset } from '../dates.js';

/**
 * A day written with numbers, year first (`2023-09-13`, `2023-9-13`, `2023/09/13`, `2023.09.13`), with or without a
 * time (`T` or a space before it) and a zone (`Z`, `UTC`, `GMT`, `+03:00`, `+0300`, a space allowed before it).
 */
const NUMERIC_DATE = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?)?$/i;
/** A month's name, whole or shortened. */
const MONTH_WORD = String.raw`(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)`;
/** A month named in words: "Wed, 13 Sep 2023 10:00:00 GMT" (RSS), "13 September 2023", "September 13, 2023". */
const MONTH_NAMED = new RegExp(String.raw`\b${MONTH_WORD}\b`, 'i');

const pad = (n: number | string) => String(n).padStart(2, '0');

/** `YYYY-MM-DD` of a year, month and day of the calendar (not 2023-02-30), or undefined. */
function calendarDay(year: number, month: number, date: number): string | undefined {
  const time = new Date(0);
  time.setUTCFullYear(year, month - 1, date);
  const valid = year >= EARLIEST_YEAR && year <= 9999 && time.getUTCFullYear() === year && time.getUTCMonth() === month - 1 && time.getUTCDate() === date;
  return valid ? `${year}-${pad(month)}-${pad(date)}` : undefined;
}

/**
 * A declared date as stored in articles: a day without a time is `YYYY-MM-DD` (the day written, whatever the
 * machine's time zone); an ISO date-time keeps its own offset (so its day is the outlet's day); another
 * date-time becomes ISO with the offset it writes (`Wed, 13 Sep 2023 01:30:00 +0300` → `2023-09-13T01:30:00+03:00`),
 * in UTC when it names no zone or GMT (a time with no zone is read as UTC's, on every machine). Read: days written with numbers year first, and dates
 * with their month in words (RSS's RFC 822 dates). Anything else is unreadable (undefined): Date.parse would
 * read "7" as July 2001, "2023-02-30" as 2 March and "09/13/2023" by the machine's habits.
 */
export function normalizeDate(raw: string | null | undefined): string | undefined {
  const value = raw?.trim();
  if (!value) return undefined;
  const numeric = NUMERIC_DATE.exec(value);
  if (numeric) {
    const [, year, month, date, hours, minutes, seconds, fraction, zone] = numeric;
    const day = calendarDay(Number(year), Number(month), Number(date));
    if (!day || hours === undefined) return day;
    if (Number(hours) > 23 || Number(minutes) > 59 || Number(seconds ?? 0) > 59) return undefined;
    // An offset runs from -12:00 to +14:00 ("+25:00" is no zone).
    const offsetDigits = zone && /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
    if (offsetDigits && !realOffset(offsetDigits[1]!, Number(offsetDigits[2]), Number(offsetDigits[3]))) return undefined;
    // An ISO date-time with its zone is kept as written; one without is UTC's (Date.parse would read it in the machine's zone).
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return value;
    const offset = !zone || /^(z|utc|gmt)$/i.test(zone) ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
    return `${day}T${pad(hours)}:${minutes}:${seconds ?? '00'}${fraction ?? ''}${offset}`;
  }
  // A day must be written: "September 2023" is a month, not its first day (Date.parse's), as "2023-09" is refused.
  if (!MONTH_NAMED.test(value) || !/\b\d{4}\b/.test(value) || !DAY_MONTH.test(value) || !writtenDayExists(value)) return undefined;
  // Without a time, Date.parse takes the machine's midnight: the day written is the local one.
  if (!/\d:\d/.test(value)) {
    const time = Date.parse(value);
    if (Number.isNaN(time)) return undefined;
    const local = new Date(time);
    return calendarDay(local.getFullYear(), local.getMonth() + 1, local.getDate());
  }
  // A time of no clock ("24:00", "10:75") is refused, as in the numeric forms: Date.parse would roll it over.
  const written = /(?<![\d:])(\d{1,2}):(\d{2})(?::(\d{2}))?(?![\d:])/.exec(value);
  if (written && (Number(written[1]) > 23 || Number(written[2]) > 59 || Number(written[3] ?? 0) > 59)) return undefined;
  // A time with no zone is read in UTC, not in the machine's zone (Date.parse's habit): the same instant everywhere.
  const time = Date.parse(ANY_ZONE.test(value) ? value : `${value} UTC`);
  if (Number.isNaN(time)) return undefined;
  // With its offset written, the outlet's clock and offset (its day); else the time in UTC.
  const offset = writtenOffset(value);
  const iso = offset === undefined ? new Date(time).toISOString() : new Date(time + offsetMinutes(offset) * 60_000).toISOString();
  if (!calendarDay(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)), Number(iso.slice(8, 10)))) return undefined;
  // Whole seconds are written without milliseconds, as the numeric forms are ("…T10:00:00Z").
  const clock = iso.endsWith('.000Z') ? iso.slice(0, 19) : iso.slice(0, 23);
  return `${clock}${offset ?? 'Z'}`;
}

/**
 * The day of the month and the month written in words, either way round: "31 Sep 2023", "September 31, 2023" (the
 * minutes of a time written first are no day: "10:45 Sep 12, 2023").
 */
const DAY_MONTH = new RegExp(String.raw`(?<![:.\d])\b(\d{1,2})(?:st|nd|rd|th)?(?:\s+(?:of\s+)?|[-/.])${MONTH_WORD}\.?\b|\b${MONTH_WORD}\.?(?:\s+|[-/.])(\d{1,2})(?:st|nd|rd|th)?\b(?![:\d])`, 'i');
const MONTH_PREFIXES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * Whether a date's text names a day its month lacks, year first in numbers ("2023-02-30T10:00Z") or with the month in
 * words ("Thu, 31 Feb 2023"): what another reader (rss-parser's Date.parse) would roll over into the next month.
 */
export function namesImpossibleDay(value: string): boolean {
  const numeric = /^\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)/.exec(value);
  if (numeric) return calendarDay(Number(numeric[1]), Number(numeric[2]), Number(numeric[3])) === undefined;
  // Month first, as US feeds write it ("09/31/2023").
  const us = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})(?!\d)/.exec(value);
  if (us) return calendarDay(Number(us[3]), Number(us[1]), Number(us[2])) === undefined;
  return MONTH_NAMED.test(value) && !writtenDayExists(value);
}

/**
 * Whether the day of the month a date writes with its month in words is one of that month's ("31 September 2023"
 * and "29 February 2023" are not): Date.parse rolls such a day over into the next month, silently.
 */
function writtenDayExists(value: string): boolean {
  const written = DAY_MONTH.exec(value);
  const year = /\b(\d{4})\b/.exec(value);
  if (!written || !year) return true;
  const day = Number(written[1] ?? written[4]);
  const month = MONTH_PREFIXES.indexOf((written[2] ?? written[3])!.slice(0, 3).toLowerCase());
  return day >= 1 && calendarDay(Number(year[1]), month + 1, day) !== undefined;
}

/** RFC 822's zones named in letters, other than UT and GMT (offset 0, kept as `Z`). */
const NAMED_ZONES: Record<string, string> = { EST: '-05:00', EDT: '-04:00', CST: '-06:00', CDT: '-05:00', MST: '-07:00', MDT: '-06:00', PST: '-08:00', PDT: '-07:00' };
/**
 * The zone after a time, at the end: `+0300`, `+03:00`, `GMT+0300`, `EDT`, a comment such as `(MSK)` allowed after it.
 * No two runs of spaces may meet (`\s*` then `\s*` with nothing required between them): a date with a long run of
 * spaces after its time (a feed's date is read as written) would then take time quadratic in their number.
 */
const WRITTEN_ZONE = /\d:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[ap]\.?m\.?\s*)?(?:(?:(?:GMT|UTC|UT)\s*)?([+-])(\d{2}):?(\d{2})|([ECMP][SD]T))(?:\s*\([^)]*\))?$/i;

/** Whether a zone is written after the time, by offset or by name (GMT, UTC and UT included). */
const ANY_ZONE = /\d:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[ap]\.?m\.?\s*)?(?:GMT|UTC|UT|Z\b|[+-]\d{2}:?\d{2}|[ECMP][SD]T\b)/i;

/** `+03:00`: the offset a date with its month in words writes after its time, or undefined (none, or `GMT` alone). */
function writtenOffset(value: string): string | undefined {
  const zone = WRITTEN_ZONE.exec(value);
  if (!zone) return undefined;
  if (zone[4]) return NAMED_ZONES[zone[4].toUpperCase()];
  const [, sign, hours, minutes] = zone;
  return realOffset(sign!, Number(hours), Number(minutes)) ? `${sign}${hours}:${minutes}` : undefined;
}

const offsetMinutes = (offset: string) => (offset.startsWith('-') ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
