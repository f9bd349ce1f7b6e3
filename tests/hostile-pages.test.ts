/**
 * What a hostile page or feed can send, read by the parts that read it: input sized to take minutes (or to crash)
 * where a parser or a regular expression is worse than linear. Each input here is far smaller than a page within
 * FETCH_MAX_BYTES, so a regression shows as a timeout rather than as a hang.
 */
import { describe, expect, it } from 'vitest';
import { normalizeDate } from '../src/corpus/declared-date.js';
import { parseNewsParagraphs } from '../src/corpus/news-text.js';
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

describe('paragraphs a hostile page writes', () => {
  it('looks for an author box in a paragraph of half a megabyte in linear time', { timeout: 10_000 }, () => {
    // AUTHOR_BOX once took 0.4 s on 100 kB of "contributor contributor …" and a minute on a megabyte.
    const paragraph = `John Smith is a ${'contributor '.repeat(40_000)}!`;
    const started = Date.now();
    const [article] = parseNewsParagraphs([paragraph, 'The talks went on.'], 'x', { title: 'Talks' });
    expect(article!.text).toContain('The talks went on.');
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('still takes an author box for the author and outlet, and drops it from the text', () => {
    const box = 'Daniel McLaughlin is a contributor to The Irish Times from central and eastern Europe';
    const [article] = parseNewsParagraphs(['Talks resume', 'The talks went on in Vilnius on Monday.', box], 'x');
    expect(article).toMatchObject({ author: 'Daniel McLaughlin', outlet: 'The Irish Times', text: 'The talks went on in Vilnius on Monday.' });
  });
});
