import { describe, expect, it } from 'vitest';
import { anyDatedIn, inPeriod, isoDay, parseDateBound, periodFromBounds, writtenTimes } from '../src/dates.js';
import { withoutTimePhrase } from '../src/time-phrase-text.js';
import { timePhrase } from '../src/time-phrases.js';
import { inTimeZone } from './helpers.js';

const NOW = Date.parse('2024-03-15T12:00:00Z');
const names = { since: '--since', until: '--until' };
const days = (question: string, now = NOW) => {
  const period = timePhrase(question, now);
  return period && { since: period.since === undefined ? undefined : isoDay(period.since), until: isoDay(period.until!), phrase: period.phrase, asked: withoutTimePhrase(question, period) };
};

describe('time phrases in questions', () => {
  it('reads a capitalised day word inside a question as a name, not as today', () => {
    expect(timePhrase('What did Russia Today say about where Prigozhin was buried?', NOW)).toBeUndefined();
    expect(timePhrase('What did USA Today report about Prigozhin?', NOW)).toBeUndefined();
    expect(timePhrase("What did the BBC's Today programme say?", NOW)).toBeUndefined();
    // The day words themselves still set the period.
    expect(days('what did putin say today')).toMatchObject({ since: '2024-03-15', until: '2024-03-15', asked: 'what did putin say' });
    expect(days('Today, what did Putin say?')).toMatchObject({ since: '2024-03-15', phrase: 'Today' });
    expect(days('WHAT HAPPENED YESTERDAY')).toMatchObject({ since: '2024-03-14', until: '2024-03-14' });
    expect(days('I missed it. Today, what did Putin say?')).toMatchObject({ since: '2024-03-15', until: '2024-03-15' });
    expect(days('What happened Yesterday?')).toMatchObject({ since: '2024-03-14', until: '2024-03-14' });
  });

  it('reads "the last week of" a month as part of it, a lower-case "may" or "march" with no preposition as a verb, and no period after now', () => {
    expect(days('What was said in the last week of September 2023?')).toMatchObject({ since: '2023-09-01', until: '2023-09-30', asked: 'What was said?' });
    expect(timePhrase('What happened in the last week of the war?', NOW)).toBeUndefined();
    expect(timePhrase('What did Kim say in the last two weeks of the summit?', NOW)).toBeUndefined();
    expect(timePhrase('What may 2024 bring for Kim?', NOW)).toBeUndefined();
    expect(timePhrase('Will troops march 2023 style?', NOW)).toBeUndefined();
    expect(days('What happened in may 2023?')).toMatchObject({ since: '2023-05-01', until: '2023-05-31', asked: 'What happened?' });
    expect(timePhrase('What happened since 2030?', NOW)).toBeUndefined();
    expect(timePhrase('What happened since September 2030?', NOW)).toBeUndefined();
    expect(timePhrase('What happened in 2023–24?', NOW)).toBeUndefined();
  });

  it('takes out the phrase where it is a time, and only the words that go with it', () => {
    expect(days('What was yesterday\'s launch, and what did Kim say about it yesterday?')).toMatchObject({ asked: "What was yesterday's launch, and what did Kim say about it?" });
    expect(days('What did the March 2023 warrant say in March 2023?')).toMatchObject({ asked: 'What did the March 2023 warrant say?' });
    // The verb's own preposition stays.
    expect(days('Who did Wagner fight for in 2023?')).toMatchObject({ asked: 'Who did Wagner fight for?' });
    expect(days('What was Kim waiting for last week?')).toMatchObject({ asked: 'What was Kim waiting for?' });
    expect(days('What did Kim come back from last week?')).toMatchObject({ asked: 'What did Kim come back from?' });
    // The phrase's own go with it.
    expect(days('What has Kim done for the past week?')).toMatchObject({ asked: 'What has Kim done?' });
    expect(days('What happened the last 3 days?')).toMatchObject({ asked: 'What happened?' });
    expect(days('What happened from March 2023 to May 2023?')).toMatchObject({ asked: 'What happened?' });
  });

  it('reads a range of months as one period, from the first to the end of the last', () => {
    const spring = { since: '2023-03-01', until: '2023-05-31', asked: 'What happened?' };
    expect(days('What happened from March 2023 to May 2023?')).toMatchObject(spring);
    expect(days('What happened between March 2023 and May 2023?')).toMatchObject(spring);
    expect(days('What happened march 2023 - may 2023?')).toMatchObject(spring);
    expect(days('What happened between March and May 2023?')).toMatchObject(spring);
    expect(days('What happened from November to February 2024?')).toMatchObject({ since: '2023-11-01', until: '2024-02-29', asked: 'What happened?' });
    expect(days('What did Kim say from September 2023 until October 2023?')).toMatchObject({ since: '2023-09-01', until: '2023-10-31', asked: 'What did Kim say?' });
    expect(days('Did Kim visit in May 2023 or in June 2023?')).toMatchObject({ since: '2023-05-01', until: '2023-06-30', asked: 'Did Kim visit?' });
    // Either order; a day to end it; a last month without its year.
    expect(days('What happened between May 2023 and March 2023?')).toMatchObject(spring);
    expect(days('What happened from March 2023 to 15 May 2023?')).toMatchObject({ since: '2023-03-01', until: '2023-05-15', asked: 'What happened?' });
    expect(days('What happened between November 2023 and February?')).toMatchObject({ since: '2023-11-01', until: '2024-02-29', asked: 'What happened?' });
    // A month alone, and "since" a month, as before.
    expect(days('Who spoke in September 2023?')).toMatchObject({ since: '2023-09-01', until: '2023-09-30', asked: 'Who spoke?' });
    expect(days('What happened since August 2023?')).toMatchObject({ since: '2023-08-01', until: '2024-03-15' });
    // Two months that are no range stay apart: the first counts.
    expect(days('Who spoke in May 2023, and who answered in June 2023?')).toMatchObject({ since: '2023-05-01', until: '2023-05-31' });
  });

  it('runs "since yesterday", "since last week" and "since 2023" until now, and "after" or "before" a month or year from or to it', () => {
    expect(days('What did Zelensky tell parliament since yesterday?')).toMatchObject({ since: '2024-03-14', until: '2024-03-15', asked: 'What did Zelensky tell parliament?' });
    expect(days('What happened since last week?')).toMatchObject({ since: '2024-03-04', until: '2024-03-15', asked: 'What happened?' });
    expect(days('What happened since last month?')).toMatchObject({ since: '2024-02-01', until: '2024-03-15' });
    expect(days('What happened since last year?')).toMatchObject({ since: '2023-01-01', until: '2024-03-15' });
    // "last week" alone is that week, as before.
    expect(days('What happened last week?')).toMatchObject({ since: '2024-03-04', until: '2024-03-10' });
    expect(days('Where did Putin and Kim meet after August 2023?')).toMatchObject({ since: '2023-09-01', until: '2024-03-15', asked: 'Where did Putin and Kim meet?' });
    const before = timePhrase('What did Kim say before September 2023?', NOW)!;
    expect(before.since).toBeUndefined();
    expect(isoDay(before.until!)).toBe('2023-08-31');
    expect(withoutTimePhrase('What did Kim say before September 2023?', before)).toBe('What did Kim say?');
    expect(days('What happened after 2022?')).toMatchObject({ since: '2023-01-01', until: '2024-03-15', asked: 'What happened?' });
    expect(isoDay(timePhrase('What happened before 2023?', NOW)!.until!)).toBe('2022-12-31');
    // A part of a month ("early", "the first week of") bounds a period by the whole month, the side that keeps it in.
    expect(days('What happened after early September 2023?')).toMatchObject({ since: '2023-09-01', until: '2024-03-15', asked: 'What happened?' });
    expect(days('What happened after the first week of September 2023?')).toMatchObject({ since: '2023-09-01' });
    const beforeLate = timePhrase('What happened before late September 2023?', NOW)!;
    expect([beforeLate.since, isoDay(beforeLate.until!)]).toEqual([undefined, '2023-09-30']);
    expect(days('What happened from early March 2023?')).toMatchObject({ since: '2023-03-01', until: '2024-03-15' });
    // Nothing is published after now: "after today" is no period.
    expect(timePhrase('What happened after today?', NOW)).toBeUndefined();
  });

  it('reads a range of years as one period, and leaves no stray words when it takes a phrase out', () => {
    const years = { since: '2022-01-01', until: '2023-12-31', asked: 'What did Kim do?' };
    expect(days('What did Kim do in 2022–2023?')).toMatchObject(years);
    expect(days('What did Kim do in 2022-2023?')).toMatchObject(years);
    expect(days('What did Kim do from 2022 to 2023?')).toMatchObject(years);
    expect(days('What did Kim do between 2022 and 2023?')).toMatchObject(years);
    expect(days('What did Kim do in 2022 and 2023?')).toMatchObject(years);
    // Either year: both searched, not the first alone with "or 2023" left in the question.
    expect(days('What did Kim do in 2022 or 2023?')).toMatchObject(years);
    expect(days('What did Kim do in 2022 or in 2023?')).toMatchObject(years);
    // A season, a half or a quarter of a year: its months.
    expect(days('What did Kim do in summer 2023?')).toMatchObject({ since: '2023-06-01', until: '2023-08-31', asked: 'What did Kim do?' });
    expect(days('Where was Kim in the autumn of 2023?')).toMatchObject({ since: '2023-09-01', until: '2023-11-30', asked: 'Where was Kim?' });
    expect(days('What happened in fall 2023?')).toMatchObject({ since: '2023-09-01', until: '2023-11-30' });
    expect(days('What happened during the first half of 2023?')).toMatchObject({ since: '2023-01-01', until: '2023-06-30', asked: 'What happened?' });
    expect(days('What happened in the third quarter of 2023?')).toMatchObject({ since: '2023-07-01', until: '2023-09-30', asked: 'What happened?' });
    expect(days('What happened since Q3 2023?')).toMatchObject({ since: '2023-07-01', until: '2024-03-15', asked: 'What happened?' });
    expect(isoDay(timePhrase('What happened before the second half of 2023?', NOW)!.until!)).toBe('2023-06-30');
    // A range of parts; a part naming a thing's date sets none.
    expect(days('What happened from summer 2022 to spring 2023?')).toMatchObject({ since: '2022-06-01', until: '2023-05-31', asked: 'What happened?' });
    expect(days('What happened between Q1 2023 and Q3 2023?')).toMatchObject({ since: '2023-01-01', until: '2023-09-30', asked: 'What happened?' });
    expect(days('What did Kim do in summer 2023 with Putin?')).toMatchObject({ since: '2023-06-01', asked: 'What did Kim do with Putin?' });
    for (const thing of ['What went wrong with the summer 2023 counteroffensive?', 'What were Gazprom Q3 2023 results?', 'Was there a summer 2023 report?']) {
      expect(timePhrase(thing, NOW), thing).toBeUndefined();
    }
    // "until", "up to", "by", "through", "till" a month or a year: up to its end, the word taken out with it.
    expect(days('What did Zelensky say until June 2023?')).toMatchObject({ since: undefined, until: '2023-06-30', asked: 'What did Zelensky say?' });
    expect(days('What happened up to May 2023?')).toMatchObject({ until: '2023-05-31', asked: 'What happened?' });
    expect(days('What was decided by November 2022?')).toMatchObject({ until: '2022-11-30', asked: 'What was decided?' });
    expect(days('What happened till June 2023?')).toMatchObject({ until: '2023-06-30', asked: 'What happened?' });
    expect(days('What happened until 2023?')).toMatchObject({ until: '2023-12-31', asked: 'What happened?' });
    expect(days('What happened up to 2022?')).toMatchObject({ until: '2022-12-31', asked: 'What happened?' });
    // A possessive's month is a thing's date, as an article's is; so is "the spring 2023 battle".
    for (const thing of ["What did Peskov say about the ICC's March 2023 warrant?", 'What about his June 2023 mutiny?', "What was Kim's September 2023 visit about?", 'Who took Bakhmut in the spring 2023 battle?']) {
      expect(timePhrase(thing, NOW), thing).toBeUndefined();
    }
    expect(days('In the summer of 2023 what did Prigozhin do?')).toMatchObject({ since: '2023-06-01', until: '2023-08-31' });
    // "in the last week" is the days just past, as "the past week"; "last week" the calendar's; "the previous year" the one before this.
    expect(days('What did Kim say in the last week?')).toMatchObject({ since: '2024-03-08', until: '2024-03-15', asked: 'What did Kim say?' });
    expect(days('What happened over the last month?')).toMatchObject({ since: '2024-02-15', until: '2024-03-15' });
    expect(days('What happened last week?')).toMatchObject({ since: '2024-03-04', until: '2024-03-10' });
    expect(days('What happened in the previous year?')).toMatchObject({ since: '2023-01-01', until: '2023-12-31', asked: 'What happened?' });
    expect(days('What happened up until June 2023?')).toMatchObject({ until: '2023-06-30', asked: 'What happened?' });
    // Not before a relative phrase, where they are verbs', nor before a count.
    expect(days('What was Wagner up to last week?')).toMatchObject({ since: '2024-03-04', until: '2024-03-10', asked: 'What was Wagner up to?' });
    expect(days('What did Bakhmut go through last year?')).toMatchObject({ since: '2023-01-01', asked: 'What did Bakhmut go through?' });
    expect(timePhrase('Did Prigozhin say Wagner got up to 2000 shells?', NOW)).toBeUndefined();
    expect(timePhrase('Did Russian losses rise by 2000 in a week?', NOW)).toBeUndefined();
    // A year named wins over "the previous year", which is then that year's.
    expect(days('In 2023, were casualties higher than the previous year?')).toMatchObject({ since: '2023-01-01', until: '2023-12-31' });
    // "the summer of 2023" names no thing whatever follows; "What's" is no possessive.
    expect(days('What happened in the summer of 2023 that changed Wagner?')).toMatchObject({ since: '2023-06-01', asked: 'What happened that changed Wagner?' });
    expect(days("What's March 2023 got to do with the warrant?")).toMatchObject({ since: '2023-03-01' });
    // After a preposition it is a time whatever follows; a thing's date is passed over for the time after it.
    expect(days('In summer 2023 what did Prigozhin do?')).toMatchObject({ since: '2023-06-01', asked: 'what did Prigozhin do?' });
    expect(days('In Q3 2023 Russia fired how many missiles?')).toMatchObject({ since: '2023-07-01', until: '2023-09-30' });
    expect(days('What changed in summer 2023 according to the ISW?')).toMatchObject({ since: '2023-06-01', asked: 'What changed according to the ISW?' });
    expect(days('How did the summer 2023 counteroffensive go in Q4 2023?')).toMatchObject({ since: '2023-10-01', until: '2023-12-31' });
    // "fall" as a verb, and a season's own thing, set none.
    expect(timePhrase('Did the rouble fall 2023 levels?', NOW)).toBeUndefined();
    expect(timePhrase("What was summer 2023's big story?", NOW)).toBeUndefined();
    expect(days('What happened in early September 2023?')).toMatchObject({ since: '2023-09-01', until: '2023-09-30', asked: 'What happened?' });
    expect(days('What happened in mid-September 2023?')).toMatchObject({ since: '2023-09-01', until: '2023-09-30', asked: 'What happened?' });
    expect(days('What happened in late September 2023?')).toMatchObject({ since: '2023-09-01', until: '2023-09-30', asked: 'What happened?' });
    // A question that starts with a minus keeps it.
    expect(days('-1 degrees in Moscow today?')).toMatchObject({ asked: '-1 degrees in Moscow?' });
    expect(days('What happened in the first week of September 2023?')).toMatchObject({ since: '2023-09-01', asked: 'What happened?' });
    // A day, as chrono reads "the end of September 2023" (30 Sep): an event's date, left in the question.
    expect(timePhrase('What happened at the end of September 2023?', NOW)).toBeUndefined();
    expect(days('What happened this past week?')).toMatchObject({ since: '2024-03-08', until: '2024-03-15', asked: 'What happened?' });
    expect(days('What happened within the last week?')).toMatchObject({ asked: 'What happened?' });
    expect(days('What happened (in 2023)?')).toMatchObject({ since: '2023-01-01', asked: 'What happened?' });
    expect(days('In 2023, what happened?')).toMatchObject({ since: '2023-01-01', asked: 'what happened?' });
  });

  it('leaves a date that describes a thing in the question, not a period: "last year\'s mutiny", "the March 2023 warrant"', () => {
    expect(timePhrase("What did Putin say about last year's mutiny?", NOW)).toBeUndefined();
    expect(timePhrase('What is planned for this year’s parade?', NOW)).toBeUndefined();
    expect(timePhrase('What is the March 2023 ICC warrant?', NOW)).toBeUndefined();
    expect(timePhrase('What did the 2023 summit decide?', NOW)).toBeUndefined();
    // The same words as a period still are one.
    expect(days('What did Putin say last year?')).toMatchObject({ since: '2023-01-01', until: '2023-12-31' });
    expect(days('What did the ICC do in March 2023?')).toMatchObject({ since: '2023-03-01', until: '2023-03-31' });
  });

  it('goes back a month to the same day, or to the last day of a shorter month', () => {
    const endOfMarch = Date.parse('2024-03-31T12:00:00Z');
    expect(isoDay(timePhrase('news from the past month?', endOfMarch)!.since!)).toBe('2024-02-29');
    expect(isoDay(parseDateBound('1m', '--since', 'since', endOfMarch))).toBe('2024-02-29');
    expect(isoDay(parseDateBound('3m', '--since', 'since', endOfMarch))).toBe('2023-12-31');
    expect(isoDay(parseDateBound('1y', '--since', 'since', Date.parse('2024-02-29T12:00:00Z')))).toBe('2023-02-28');
    expect(isoDay(parseDateBound('1m', '--since', 'since', NOW))).toBe('2024-02-15');
    // "the past 1 month" and "the last 12 months" as "the past month" and "the past year".
    expect(isoDay(timePhrase('news from the past 1 month?', endOfMarch)!.since!)).toBe('2024-02-29');
    expect(isoDay(timePhrase('news in the last 12 months?', Date.parse('2024-02-29T12:00:00Z'))!.since!)).toBe('2023-02-28');
  });

  it('tells whether an article is dated in a period from the sorted dates of a coverage, by the day the outlet wrote', () => {
    // Undated and unreadable dates left out; 01:30 in Moscow on 13 Sep is 13 Sep, though 12 Sep in UTC.
    const times = writtenTimes(['2023-09-13T01:30:00+03:00', undefined, '2023-08-29', 'not a date', '2023-10-02T12:00:00Z']);
    expect(Array.from(times, isoDay)).toEqual(['2023-08-29', '2023-09-13', '2023-10-02']);
    const day = (d: string) => ({ since: Date.parse(d), until: Date.parse(d) + 86_400_000 - 1 });
    expect(anyDatedIn(times, day('2023-09-13'))).toBe(true);
    expect(anyDatedIn(times, day('2023-09-12'))).toBe(false);
    expect(anyDatedIn(times, { since: Date.parse('2023-10-03') })).toBe(false);
    expect(anyDatedIn(times, { until: Date.parse('2023-08-29') })).toBe(true);
    expect(anyDatedIn(times, { until: Date.parse('2023-08-28') })).toBe(false);
    expect(anyDatedIn(new Float64Array(), {})).toBe(false);
  });

  it('compares an article with a bound of now by the instant it was published, with a day\'s bound by the day the outlet wrote', () => {
    const now = Date.parse('2026-12-04T18:08:00Z');
    // 22:00 in Sydney on 4 Dec is 11:00 UTC, before now: published this week and today, though its clock is past UTC's.
    const sydney = '2026-12-04T22:00:00+11:00';
    for (const question of ['What was announced today?', 'What was announced this week?']) {
      const period = timePhrase(question, now)!;
      expect(inPeriod(sydney, period), question).toBe(true);
      expect(anyDatedIn(writtenTimes([sydney]), period), question).toBe(true);
    }
    // Yesterday (3 Dec) is a day's period: the outlet's day decides, not UTC's.
    const yesterday = timePhrase('What happened yesterday?', now)!;
    expect(inPeriod('2026-12-04T01:30:00+03:00', yesterday)).toBe(false); // 3 Dec 22:30 UTC, but 4 Dec in Moscow
    expect(inPeriod('2026-12-03T23:30:00-05:00', yesterday)).toBe(true); // 4 Dec 04:30 UTC, but 3 Dec in New York
    // A date-time bound is an instant too, on midnight as on any other time; a day's bound is the outlet's day.
    const since = periodFromBounds({ since: '2026-12-04T12:00:00Z' }, names, now)!;
    expect(inPeriod('2026-12-04T22:00:00+11:00', since)).toBe(false); // 11:00 UTC, though its clock is 22:00
    expect(inPeriod('2026-12-04T16:00:00+03:00', since)).toBe(true); // 13:00 UTC, though its clock is 16:00
    const newYork = '2023-09-12T22:00:00-05:00'; // 03:00 UTC on 13 Sep, shown as 12 Sep
    expect(inPeriod(newYork, periodFromBounds({ since: '2023-09-13T00:00:00Z' }, names, now)!)).toBe(true);
    expect(inPeriod(newYork, periodFromBounds({ since: '2023-09-13T00:00:01Z' }, names, now)!)).toBe(true);
    expect(inPeriod(newYork, periodFromBounds({ since: '2023-09-13' }, names, now)!)).toBe(false);
  });

  it('refuses a month 00 or 13 in --since and --until, as it refuses 30 February', () => {
    for (const bad of ['2023-00', '2023-13', '2023-00-10', '2023-02-30']) {
      expect(() => parseDateBound(bad, '--since', 'since', NOW), bad).toThrow(/^--since must be a date \(2023-09-13\), a month/);
      expect(() => parseDateBound(bad, '--until', 'until', NOW), bad).toThrow(/^--until must be a date/);
    }
    expect(isoDay(parseDateBound('2023-01', '--since', 'since', NOW))).toBe('2023-01-01');
    expect(isoDay(parseDateBound('2023-12', '--until', 'until', NOW))).toBe('2023-12-31');
    // A date-time too, and one with no zone is UTC's on every machine.
    expect(() => parseDateBound('2023-02-29T00:00:00Z', '--since', 'since', NOW)).toThrow(/^--since must be a date/);
    expect(() => parseDateBound('2023-09-31T00:00:00Z', '--until', 'until', NOW)).toThrow(/^--until must be a date/);
    expect(() => parseDateBound('2023-09-12T24:00:00Z', '--since', 'since', NOW)).toThrow(/^--since must be a date/);
    expect(() => parseDateBound('2023-09-12T12:00:00-13:00', '--since', 'since', NOW)).toThrow(/^--since must be a date/);
    expect(parseDateBound('2023-09-12t12:00z', '--since', 'since', NOW)).toBe(Date.parse('2023-09-12T12:00:00Z'));
    // "the last 3000 years" reaches back no further than the earliest year an archive may hold.
    expect(isoDay(timePhrase('news from the last 3000 years', NOW)!.since!)).toBe('1000-01-01');
    for (const zone of ['UTC', 'Asia/Kolkata', 'America/New_York']) {
      expect(inTimeZone(zone, () => parseDateBound('2023-09-12T12:00', '--since', 'since', NOW)), zone).toBe(Date.parse('2023-09-12T12:00:00Z'));
    }
  });

  it.each(['UTC', 'America/Los_Angeles', 'Asia/Tokyo'])('gives the same days on a machine in %s, on a day the clocks change', (zone) => {
    // 23:30 UTC on 10 March 2024: the day Los Angeles moved its clocks on.
    const now = Date.parse('2024-03-10T23:30:00Z');
    const [yesterday, lastDays] = inTimeZone(zone, () => [days('What happened yesterday?', now), days('What happened in the last 3 days?', now)]);
    expect(yesterday).toMatchObject({ since: '2024-03-09', until: '2024-03-09' });
    expect(lastDays).toMatchObject({ since: '2024-03-07', until: '2024-03-10' });
  });
});
