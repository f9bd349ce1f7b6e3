/**
 * The dates an article declares (front matter, a JSON line, a page's metadata, a feed item), read into the one
 * form articles keep them in: `YYYY-MM-DD`, or an ISO 8601 date-time with the outlet's offset.
 */
import { EARLIEST_YEAR } from '../dates.js';

/**
 * A day written with numbers, year first (`2023-09-13`, `2023-9-13`, `2023/09/13`, `2023.09.13`), with or without a
 * time (`T` or a space before it) and a zone (`Z`, `UTC`, `GMT`, `+03:00`, `+0300`, a space allowed before it).
 */
const NUMERIC_DATE = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?)?$/i;
/** A month named in words: "Wed, 13 Sep 2023 10:00:00 GMT" (RSS), "13 September 2023", "September 13, 2023". */
const MONTH_NAMED = /\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b/i;

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
 * date-time becomes ISO, in UTC when it names no zone. Read: days written with numbers year first, and dates
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
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/.test(value)) return value;
    const offset = !zone || /^(z|utc|gmt)$/i.test(zone) ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
    return `${day}T${pad(hours)}:${minutes}:${seconds ?? '00'}${fraction ?? ''}${offset}`;
  }
  if (!MONTH_NAMED.test(value) || !/\b\d{4}\b/.test(value)) return undefined;
  const time = Date.parse(value);
  if (Number.isNaN(time)) return undefined;
  // Without a time, Date.parse takes the machine's midnight: the day written is the local one.
  if (!/\d:\d/.test(value)) {
    const local = new Date(time);
    return calendarDay(local.getFullYear(), local.getMonth() + 1, local.getDate());
  }
  const year = new Date(time).getUTCFullYear();
  const iso = new Date(time).toISOString();
  return calendarDay(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)), Number(iso.slice(8, 10))) ? iso : undefined;
}
