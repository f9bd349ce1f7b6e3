/**
 * What a hostile page or feed can send, read by the parts that read it: input sized to crash, or to take seconds
 * where a regular expression backtracks (quadratic in its input), against milliseconds where it reads linearly.
 * Two tests bound the time of such a reading: not a measure of speed (that is `npm run bench`'s), a guard against
 * backtracking, whose bound is a thousand times what the linear reading takes and under what the backtracking one
 * takes; a regular expression runs to its end in the test's own thread, so vitest's timeout could not stop it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeDate } from '../src/corpus/declared-date.js';
import { MAX_HTML_DEPTH, PageRefused, parseHtmlArticle } from '../src/corpus/html.js';
import { loadCorpus, parseFiles } from '../src/corpus/load.js';
import { ingest } from '../src/ingest/ingest.js';
import { tempDir, testConfig } from './helpers.js';
import { NewsSite } from './web-server.js';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseNewsParagraphs } from '../src/corpus/news-text.js';
import { parseFeed } from '../src/ingest/feeds.js';
import { splitSentences } from '../src/sentences.js';

const site = new NewsSite();
beforeAll(() => site.start());
afterAll(() => site.stop());

const TEXT = 'The minister said on Tuesday that the talks would continue next week in the capital, officials confirmed. '.repeat(4).trim();
const page = (title: string, body: string, head = '') => `<html><head><title>${title}</title>${head}</head><body>${body}</body></html>`;
const nest = (depth: number, inner: string) => `${'<div>'.repeat(depth)}${inner}${'</div>'.repeat(depth)}`;

/** A feed of `links` on the test site, each item titled by its link. */
function feed(route: string, links: string[]): string {
  const items = links.map((link) => `<item><title>${link}</title><link>${site.base}${link}</link></item>`).join('');
  site.set(route, `<?xml version="1.0"?><rss version="2.0"><channel><title>Hostile</title>${items}</channel></rss>`, 'application/rss+xml');
  return `${site.base}${route}`;
}

async function ingestFeed(url: string, env: Record<string, string> = {}) {
  const config = testConfig({ CORPUS_DIR: tempDir(), FETCH_TIMEOUT_MS: '5000', FETCH_RETRIES: '0', ...env });
  const report = await ingest({ feeds: [url], urls: [] }, { corpusDir: config.corpusDir, fetch: config.ingest.fetch });
  return { config, report, outcome: (link: string) => report.articles.find((a) => a.url === `${site.base}${link}`) };
}

describe('dates a hostile feed or page writes', () => {
  it('reads a date with a long run of spaces after its time without backtracking', async () => {
    // A feed's pubDate is read as written (not collapsed); WRITTEN_ZONE once took 1.6 s per 40,000 spaces (30 s here, with other work on the machine), minutes per megabyte.
    const date = `Wed, 13 Sep 2023 01:30:00${' '.repeat(100_000)}!`;
    const started = performance.now();
    expect(normalizeDate(date)).toBe('2023-09-13T01:30:00Z');
    const feed = await parseFeed(`<?xml version="1.0"?><rss version="2.0"><channel><title>F</title><item><title>x</title><link>http://x.example/a</link><pubDate>${date}</pubDate></item></channel></rss>`, 'http://x.example/');
    expect(feed.items[0]!.date).toBe('2023-09-13T01:30:00Z');
    expect(performance.now() - started).toBeLessThan(5_000);
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
  it('reads a paragraph of half a megabyte that opens like an author box without backtracking', () => {
    // AUTHOR_BOX once took 0.4 s on 100 kB of "contributor contributor …" (about 10 s here), a minute on a megabyte.
    const paragraph = `John Smith is a ${'contributor '.repeat(40_000)}!`;
    const started = performance.now();
    const [article] = parseNewsParagraphs([paragraph, 'The talks went on.'], 'x', { title: 'Talks' });
    expect(article!.text).toContain('The talks went on.');
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it('still takes an author box for the author and outlet, and drops it from the text', () => {
    const box = 'Daniel McLaughlin is a contributor to The Irish Times from central and eastern Europe';
    const [article] = parseNewsParagraphs(['Talks resume', 'The talks went on in Vilnius on Monday.', box], 'x');
    expect(article).toMatchObject({ author: 'Daniel McLaughlin', outlet: 'The Irish Times', text: 'The talks went on in Vilnius on Monday.' });
  });
});

describe('sentences a hostile page writes', () => {
  it('splits 400 kB of very short sentences and abbreviations into each of them, across its windows', () => {
    // Its cost grows faster than the window's size: at SEGMENT_WINDOW 20,000 this took 6 s, at 5,000 0.3 s.
    const text = 'Mr. A. Yes it is. '.repeat(22_000);
    const spans = splitSentences(text);
    expect(spans).toHaveLength(22_000);
    expect(spans.every((span) => text.slice(span.start, span.end) === 'Mr. A. Yes it is.')).toBe(true);
  });
  it('splits a paragraph whose first 82,000 characters hold no break, then 30,000 short sentences', () => {
    // A window without a break was doubled and every segment of it listed: 160 kB took 11 s and 2.3 GB, 640 kB ran out of memory.
    const text = `${'a'.repeat(82_000)} ${'Mr. A. Yes it is. '.repeat(30_000)}`;
    const spans = splitSentences(text);
    expect(spans).toHaveLength(30_000);
    expect(spans[0]).toEqual({ start: 0, end: 82_018 });
    expect(spans.slice(1).every((span) => text.slice(span.start, span.end) === 'Mr. A. Yes it is.')).toBe(true);
  });
});

describe('pages nested too deep to read', () => {
  it('fails a page nested 10,000 deep on its own (Readability overflowed the stack and stopped the whole run), and saves the rest', async () => {
    site.set('/deep/story', page('Deep', nest(10_000, `<p>${TEXT}</p>`)));
    site.set('/plain/story', page('Plain', `<article><h1>Plain</h1><p>${TEXT}</p></article>`));
    const { report, outcome } = await ingestFeed(feed('/feeds/deep.rss', ['/deep/story', '/plain/story']));
    expect(outcome('/deep/story')).toMatchObject({ kind: 'failed', reason: `the page's elements are nested more than ${MAX_HTML_DEPTH} deep, too deep to read` });
    expect(outcome('/plain/story')).toMatchObject({ kind: 'new' });
    expect(report.articles).toHaveLength(2);
  });

  it('refuses many nests that are each not too deep, but would take Readability seconds, and reads a page nested as news pages are', () => {
    // 250 nests 100 deep: 0.3 MB, which took Readability 4 s (a 5 MB page of them, over a minute).
    const html = page('Nests', nest(2, `<article>${`${nest(100, `<p>${TEXT}</p>`)}`.repeat(250)}</article>`));
    expect(() => parseHtmlArticle(html, 'nests.html')).toThrow(PageRefused);
    expect(() => parseHtmlArticle(html, 'nests.html')).toThrow(/their depths add up to over 1,000,000/);
    expect(parseHtmlArticle(page('Forty deep', nest(40, `<article><p>${TEXT}</p></article>`)), 'ok.html')!.text).toBe(TEXT);
    // A saved .html file nested too deep is a problem named with its reason, as one with no article is.
    const corpus = parseFiles([{ source: 'deep.html', bytes: new TextEncoder().encode(page('Deep', nest(200, `<p>${TEXT}</p>`))) }]);
    expect(corpus.problems).toEqual([{ source: 'deep.html', reason: `the page's elements are nested more than ${MAX_HTML_DEPTH} deep, too deep to read` }]);
  });
});

describe('a canonical URL on another site', () => {
  /** The same site under a second host name, as another outlet: both are named as feeds, so both may be on 127.0.0.1. */
  const other = () => site.base.replace('127.0.0.1', 'localhost');
  const dated = (route: string, link: string, date: string) =>
    site.set(route, `<?xml version="1.0"?><rss version="2.0"><channel><title>F</title><item><title>x</title><link>${link}</link><pubDate>${date}</pubDate></item></channel></rss>`, 'application/rss+xml');
  const story = (who: string, head = '') => page(`${who} story`, `<article><h1>${who} story</h1><p>${TEXT.replaceAll('The minister', `The ${who} minister`)}</p></article>`, head);

  it("neither shadows nor overwrites another outlet's article: a page is known by its own address when it declares another site's", async () => {
    const real = `${other()}/world/real-story`;
    site.set('/world/real-story', story('Real'));
    site.set('/fake/story', story('Fake', `<link rel="canonical" href="${real}"><meta property="og:url" content="${real}">`));
    dated('/feeds/outlet.rss', real, 'Wed, 13 Sep 2023 10:00:00 GMT');
    dated('/feeds/impostor.rss', `${site.base}/fake/story`, 'Wed, 13 Sep 2023 10:00:00 GMT');
    const feeds = { outlet: `${other()}/feeds/outlet.rss`, impostor: `${site.base}/feeds/impostor.rss` };
    const texts = async (dir: string) => {
      const names = (await fs.readdir(path.join(dir, 'web'), { recursive: true })).filter((n) => n.endsWith('.md')).sort();
      return Object.fromEntries(await Promise.all(names.map(async (n) => [n.split(path.sep).join('/'), /Real minister/.test(await fs.readFile(path.join(dir, 'web', n), 'utf8')) ? 'real' : 'fake'])));
    };

    // The impostor's page first: it took the outlet's address, and the outlet's own article was never fetched.
    const first = testConfig({ CORPUS_DIR: tempDir(), FETCH_RETRIES: '0' });
    const run = (config: typeof first, urls: string[]) => ingest({ feeds: urls, urls: [] }, { corpusDir: config.corpusDir, fetch: config.ingest.fetch });
    await run(first, [feeds.impostor]);
    await run(first, [feeds.outlet, feeds.impostor]);
    expect(await texts(first.corpusDir)).toEqual({ [`127.0.0.1/story.md`]: 'fake', [`localhost/real-story.md`]: 'real' });
    const saved = await loadCorpus(first.corpusDir);
    expect(saved.articles.find((a) => a.title === 'Fake story')!.url).toBe(`${site.base}/fake/story`);

    // The outlet's article first: the impostor's page, dated anew, was written over it.
    const second = testConfig({ CORPUS_DIR: tempDir(), FETCH_RETRIES: '0' });
    await run(second, [feeds.outlet]);
    await run(second, [feeds.outlet, feeds.impostor]);
    dated('/feeds/impostor.rss', `${site.base}/fake/story`, 'Thu, 14 Sep 2023 10:00:00 GMT');
    await run(second, [feeds.outlet, feeds.impostor]);
    expect(await texts(second.corpusDir)).toEqual({ [`127.0.0.1/story.md`]: 'fake', [`localhost/real-story.md`]: 'real' });
  });

  it('keeps a canonical URL on the same site (one registrable domain: www., amp., edition.), and one a saved file declares', () => {
    const declared = (href: string, base?: string) => parseHtmlArticle(story('Real', `<link rel="canonical" href="${href}">`), 'real.html', base)!.url;
    expect(declared('https://www.example.com/world/real', 'https://example.com/world/real?ref=rss')).toBe('https://www.example.com/world/real');
    expect(declared('https://example.com/world/real', 'https://www.example.com/amp/real')).toBe('https://example.com/world/real');
    expect(declared('https://other.example/world/real', 'https://example.com/world/real')).toBe('https://example.com/world/real');
    expect(declared('https://example.com.evil.example/real', 'https://example.com/real')).toBe('https://example.com/real');
    // One outlet's hosts by the Public Suffix List; two blogs of one host are two sites, as are two country domains.
    expect(declared('https://www.cnn.com/2023/09/13/world/kim', 'https://edition.cnn.com/2023/09/13/world/kim')).toBe('https://www.cnn.com/2023/09/13/world/kim');
    expect(declared('https://www.example.co.uk/news/1', 'https://amp.example.co.uk/news/1')).toBe('https://www.example.co.uk/news/1');
    expect(declared('https://victim.blogspot.com/2023/real.html', 'https://impostor.blogspot.com/2023/fake.html')).toBe('https://impostor.blogspot.com/2023/fake.html');
    expect(declared('https://www.example.co.uk/news/1', 'https://www.other.co.uk/news/1')).toBe('https://www.other.co.uk/news/1');
    expect(declared('https://www.bbc.com/news/1', 'https://www.bbc.co.uk/news/1')).toBe('https://www.bbc.co.uk/news/1');
    // A page saved by hand (no address it came from): what it declares is all there is.
    expect(declared('https://example.com/world/real')).toBe('https://example.com/world/real');
  });
});

describe('text a hostile page writes', () => {
  it('saves only files the corpus loader reads: no title, text or byline of control characters, bidi overrides or NULs', async () => {
    const article = `<article><h1>Talks resume</h1><p>${TEXT}</p></article>`;
    site.set('/junk/title', page('Talks resume', article, '<meta property="og:title" content="&#1;&#2;&#27;[31m">'));
    site.set('/junk/bidi', page('&#x202E;&#x2066;', `<article><p>${TEXT}</p></article>`));
    site.set('/junk/nul', page('Nul talks', `<article><p>${TEXT}\u0000 The NUL was here.</p></article>`, '<meta name="author" content="&#1;">'));
    site.set('/junk/text', page('Only controls', `<article><p>${'\u0001\u202e'.repeat(300)}</p></article>`));
    // No element at all, served as HTML: a removed story's apology in plain text, an empty body.
    site.set('/junk/plain', 'Sorry, this article is no longer available.');
    site.set('/junk/empty', '');
    const { config, outcome } = await ingestFeed(feed('/feeds/junk.rss', ['/junk/title', '/junk/bidi', '/junk/nul', '/junk/text', '/junk/plain', '/junk/empty']));
    expect(outcome('/junk/text')).toMatchObject({ kind: 'failed', reason: 'no article text could be found on the page' });
    for (const path of ['/junk/plain', '/junk/empty']) expect(outcome(path), path).toMatchObject({ kind: 'failed', reason: 'no article text could be found on the page' });
    const { articles, problems } = await loadCorpus(config.corpusDir);
    expect(problems).toEqual([]);
    // The og:title of controls is none: the page's <title> is read. A page whose only title is bidi overrides has
    // none either, and its one paragraph is no article, as on any page with no title.
    expect(outcome('/junk/bidi')).toMatchObject({ kind: 'failed', reason: 'no article text could be found on the page' });
    expect(articles.map((a) => [a.title, a.author]).sort()).toEqual([
      ['Nul talks', undefined],
      ['Talks resume', undefined],
    ]);
    expect(articles.find((a) => a.title === 'Nul talks')!.text).toBe(`${TEXT} The NUL was here.`);
  });
});

describe('a page of more text than an article may hold', () => {
  it('is not saved when its file would be over MAX_ARTICLE_BYTES (the loader would refuse it), though within FETCH_MAX_BYTES', async () => {
    // 2.5 MB of one paragraph: under FETCH_MAX_BYTES (5 MB), over MAX_ARTICLE_BYTES (2 MB), both by default.
    site.set('/huge/story', page('Huge story', `<article><h1>Huge story</h1><p>${'x'.repeat(2_500_000)}</p></article>`));
    site.set('/small/story', page('Small story', `<article><h1>Small story</h1><p>${TEXT}</p></article>`));
    const config = testConfig({ CORPUS_DIR: tempDir(), FETCH_RETRIES: '0' });
    const report = await ingest(
      { feeds: [feed('/feeds/huge.rss', ['/huge/story', '/small/story'])], urls: [] },
      { corpusDir: config.corpusDir, fetch: config.ingest.fetch, maxArticleBytes: config.maxArticleBytes },
    );
    const huge = report.articles.find((a) => a.url.endsWith('/huge/story'))!;
    expect(huge).toMatchObject({ kind: 'failed' });
    expect(huge.reason).toMatch(/^its file would be over MAX_ARTICLE_BYTES \(25\d{5} bytes, limit 2097152\)$/);
    const { articles, problems } = await loadCorpus(config.corpusDir, { maxArticleBytes: config.maxArticleBytes });
    expect(problems).toEqual([]);
    expect(articles.map((a) => a.title)).toEqual(['Small story']);
    // Not asked again while its feed gives it no new date, as a page over FETCH_MAX_BYTES is not: the feed, changed
    // (an item added), is read again, and the huge item is skipped, its reason said.
    site.set('/tiny/story', page('Tiny story', `<article><h1>Tiny story</h1><p>${TEXT}</p></article>`));
    const before = site.requests.length;
    const again = await ingest(
      { feeds: [feed('/feeds/huge.rss', ['/huge/story', '/small/story', '/tiny/story'])], urls: [] },
      { corpusDir: config.corpusDir, fetch: config.ingest.fetch, maxArticleBytes: config.maxArticleBytes },
    );
    expect(again.articles.find((a) => a.url.endsWith('/huge/story'))).toMatchObject({ kind: 'skipped', reason: huge.reason });
    expect(again.articles.find((a) => a.url.endsWith('/tiny/story'))).toMatchObject({ kind: 'new' });
    expect(site.requests.slice(before).map((r) => r.path)).not.toContain('/huge/story');
  });
});
