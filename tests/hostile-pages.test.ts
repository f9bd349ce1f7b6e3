/**
 * What a hostile page or feed can send, read by the parts that read it: input sized to take minutes (or to crash)
 * where a parser or a regular expression is worse than linear. Each input here is far smaller than a page within
 * FETCH_MAX_BYTES, so a regression shows as a timeout rather than as a hang.
 */
import { describe, expect, it } from 'vitest';
import { normalizeDate } from '../src/corpus/declared-date.js';
import { parseFeed } from '../src/ingest/feeds.js';

describe('dates a hostile feed or page writes', () => {
  it('reads a date with a long run of spaces after its time in linear time', { timeout: 10_000 }, async () => {
    // A feed's pubDate is read as written (not collapsed); WRITTEN_ZONE once took seconds per 40,000 spaces, minutes per megabyte.
    const date = `Wed, 13 Sep 2023 01:30:00${' '.repeat(100_000)}!`;
    const started = Date.now();
    expect(normalizeDate(date)).toBe('2023-09-13T01:30:00Z');
    const feed = await parseFeed(`<?xml version="1.0"?><rss version="2.0"><channel><title>F</title><item><title>x</title><link>http://x.example/a</link><pubDate>${date}</pubDate></item></channel></rss>`, 'http://x.example/');
    expect(feed.items[0]!.date).toBe('2023-09-13T01:30:00Z');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('still reads the zones written after a time', () => {
    expect(normalizeDate('Wed, 13 Sep 2023 01:30:00 +0300')).toBe('2023-09-13T01:30:00+03:00');
    expect(normalizeDate('Wed, 13 Sep 2023 01:30:00 GMT +0300')).toBe('2023-09-13T01:30:00+03:00');
    expect(normalizeDate('Wed, 13 Sep 2023 01:30:00 GMT+03:00 (MSK)')).toBe('2023-09-13T01:30:00+03:00');
    expect(normalizeDate('Wed, 13 Sep 2023 01:30:00 UT-0500')).toBe('2023-09-13T01:30:00-05:00');
    expect(normalizeDate('13 September 2023 1:30 pm EDT')).toBe('2023-09-13T13:30:00-04:00');
  });
});
