import { articleMarkdown } from '../src/ingest/save.js';
import { describe, expect, it } from 'vitest';
import { slugForTitle } from '../src/corpus/ids.js';
import { loadCorpus, parseFiles } from '../src/corpus/load.js';
import { normalizeDate } from '../src/corpus/declared-date.js';
import { parseNewsParagraphs } from '../src/corpus/news-text.js';
import { splitParagraphs } from '../src/corpus/paragraphs.js';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ARTICLES_DIR, inTimeZone, tempDir } from './helpers.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const FURNITURE = ['READ MORE', 'Source link', 'Related Articles', 'Back to top button', 'Sorting by', '×', 'Remote video URL', 'Continue reading...', 'Telegram channel', 'is a contributor to'];

describe('the shipped corpus', async () => {
  const { articles, problems } = await loadCorpus(ARTICLES_DIR);
  const bySource = (source: string) => articles.filter((a) => a.source.startsWith(source));

  it('reads every file without problems, with unique ids', () => {
    expect(problems).toEqual([]);
    expect(new Set(articles.map((a) => a.id)).size).toBe(articles.length);
  });

  it('finds the title, standfirst, author and outlet of the Irish Times pieces', () => {
    const [article] = bySource('000_');
    expect(article!.title).toBe('North Korean dictator Kim Jong-un expected to discuss arms sales on Russia trip');
    expect(article!.standfirst).toMatch(/^Heavy fighting continues in eastern Ukraine/);
    expect(article!.author).toBe('Daniel McLaughlin');
    expect(article!.outlet).toBe('The Irish Times');
    expect(article!.id).toBe('north-korean-dictator-kim-jong-un-expected-to-discuss-arms-sales-on-russia-trip');
  });

  it('drops furniture and the repeated author box from the text', () => {
    for (const article of articles) {
      for (const paragraph of article.text.split('\n\n')) {
        for (const junk of FURNITURE) expect(paragraph, `${article.id}: "${paragraph}"`).not.toContain(junk);
        expect(paragraph).not.toBe('Daniel McLaughlin');
      }
    }
    expect(bySource('002_')[0]!.title).toMatch(/^North Korea’s Kim Jong-un set to meet Putin/);
  });

  it('keeps photo captions apart from the body and credits the agency', () => {
    const [article] = bySource('003_');
    expect(article!.captions).toHaveLength(2);
    expect(article!.captions[0]).toMatch(/PHOTO: REUTERS$/);
    expect(article!.text).not.toContain('PHOTO:');
    expect(article!.text.endsWith('conducting underground nuclear tests.')).toBe(true);
    expect(article!.outlet).toBe('The Straits Times');
    expect(article!.author).toBe('Reuters');
  });

  it('splits the listing page into one article per story', () => {
    const stories = bySource('004_');
    expect(stories).toHaveLength(20);
    expect(stories.map((s) => s.title)).toContain('Funeral of Yevgeny Prigozhin held in ‘closed format’ in St Petersburg');
    for (const story of stories) {
      expect(story.outlet).toBe('The Guardian');
      expect(story.standfirst).toBeTruthy();
      expect(story.text.length).toBeGreaterThan(200);
    }
  });
});

describe('other formats', () => {
  it('reads Markdown with front matter', () => {
    const md = `---\ntitle: Grain deal talks resume\nurl: https://example.com/grain\npublished: 2023-09-05\nauthor: Jane Doe\noutlet: Example News\n---\n\nTurkey said talks on the **grain deal** would resume next week.\n\nREAD MORE\n\nOfficials in [Ankara](https://example.com) were hopeful.\n`;
    const { articles, problems } = parseFiles([{ source: 'grain.md', bytes: bytes(md) }]);
    expect(problems).toEqual([]);
    expect(articles).toHaveLength(1);
    expect(articles[0]).toMatchObject({ id: 'grain-deal-talks-resume', title: 'Grain deal talks resume', url: 'https://example.com/grain', published: '2023-09-05', author: 'Jane Doe', outlet: 'Example News' });
    expect(articles[0]!.text).toBe('Turkey said talks on the grain deal would resume next week.\n\nOfficials in Ankara were hopeful.');
  });

  it('keeps front-matter values as written: no octal or rounded ids, no 3.10 read as 3.1; a list of authors joined', () => {
    const md = (field: string) => `---\n${field}\ntitle: Kim arrives\n---\n\nKim arrived by armoured train.`;
    const read = (field: string) => parseFiles([{ source: 'kim.md', bytes: bytes(md(field)) }]).articles[0]!;
    expect(read('id: 0123').id).toBe('0123');
    expect(read('id: 12345678901234567890').id).toBe('12345678901234567890');
    expect(parseFiles([{ source: 'v.md', bytes: bytes('---\ntitle: 3.10\n---\n\nThe release came out on Monday.') }]).articles[0]!.title).toBe('3.10');
    expect(read('author: [Alice Smith, Bob Jones]').author).toBe('Alice Smith, Bob Jones');
    expect(read('author:').author).toBeUndefined();
  });

  it('reads Markdown block by block without blank lines between blocks: a heading, list items (numbers kept), a quote of many lines, a rule, code', () => {
    const md = [
      '# Kim arrives in Russia',
      'North Korean leader Kim Jong-un arrived in Russia on Tuesday. He travelled by armoured train.',
      '## What was agreed',
      'The two sides agreed on grain deliveries,',
      'officials said on Wednesday.',
      '> First quoted line of a long quote,',
      '> second quoted line of it.',
      '- First point of the list.',
      '- Second point of the list,',
      '  which runs on to a second line.',
      '1. A first step.',
      '2. A second step.',
      '* * *',
      '```',
      'count = 1',
      '# not a heading: a comment in code',
      '```',
      '![The train](train.jpg \'Photo\') arrived.',
      '',
      'He cited the [Wagner Group](https://en.wikipedia.org/wiki/Wagner_Group_(company)) in his remarks, and',
      '2023. was a year of talks.',
    ].join('\n');
    const { articles, problems } = parseFiles([{ source: 'kim.md', bytes: bytes(md) }]);
    expect(problems).toEqual([]);
    expect(articles.map((a) => a.title)).toEqual(['Kim arrives in Russia']);
    expect(articles[0]!.text.split('\n\n')).toEqual([
      'North Korean leader Kim Jong-un arrived in Russia on Tuesday. He travelled by armoured train.',
      'What was agreed',
      'The two sides agreed on grain deliveries, officials said on Wednesday.',
      'First quoted line of a long quote, second quoted line of it.',
      'First point of the list.',
      'Second point of the list, which runs on to a second line.',
      '1. A first step.',
      '2. A second step.',
      // A fenced block is one paragraph, its lines not read as blocks.
      'count = 1 # not a heading: a comment in code',
      'The train arrived.',
      // An ordered item from 2 does not break a paragraph (CommonMark): "2023." wrapped is prose.
      'He cited the Wagner Group in his remarks, and 2023. was a year of talks.',
    ]);
  });

  it('reads setext headings (a line of = or - under them) and ATX headings closed by #s as headings, their markers taken off', () => {
    const md = [
      'Kim arrives at Vostochny for Putin summit',
      '=========================================',
      '',
      'Kim Jong-un arrived at the Vostochny Cosmodrome on Wednesday for talks with Vladimir Putin.',
      '',
      'What was discussed',
      '------------------',
      'Military cooperation, satellites and food aid, the Kremlin said.',
      '## What he saw ##',
      'He toured a fighter jet factory in Komsomolsk-on-Amur, and saw a C# programming class.',
      '',
      '---',
      '',
      'A rule above, not an underline.',
    ].join('\n');
    const [article] = parseFiles([{ source: 'kim.md', bytes: bytes(md) }]).articles;
    expect(article!.title).toBe('Kim arrives at Vostochny for Putin summit');
    expect(article!.text.split('\n\n')).toEqual([
      'Kim Jong-un arrived at the Vostochny Cosmodrome on Wednesday for talks with Vladimir Putin.',
      'What was discussed',
      'Military cooperation, satellites and food aid, the Kremlin said.',
      'What he saw',
      'He toured a fighter jet factory in Komsomolsk-on-Amur, and saw a C# programming class.',
      'A rule above, not an underline.',
    ]);
    const closed = parseFiles([{ source: 'kim.md', bytes: bytes('# Kim leaves Russia after six-day visit #\n\nKim Jong-un left Russia on Sunday after a six-day visit.') }]).articles[0]!;
    expect(closed.title).toBe('Kim leaves Russia after six-day visit');
  });

  it('drops the headline repeated as the first heading under a front-matter title, as a page\'s is', () => {
    const md = '---\ntitle: Repeated headline about the summit\n---\n\n# Repeated Headline About the Summit\n\nKim Jong-un arrived at the Vostochny Cosmodrome on Wednesday for talks with Vladimir Putin.\n';
    const [article] = parseFiles([{ source: 'kim.md', bytes: bytes(md) }]).articles;
    expect(article).toMatchObject({ title: 'Repeated headline about the summit', text: 'Kim Jong-un arrived at the Vostochny Cosmodrome on Wednesday for talks with Vladimir Putin.' });
    expect(article!.standfirst).toBeUndefined();
    // Another first heading stays: it is the text's.
    const other = parseFiles([{ source: 'kim.md', bytes: bytes(md.replace('# Repeated Headline About the Summit', '# The arrival')) }]).articles[0]!;
    expect(other.text.split('\n\n')[0]).toBe('The arrival');
  });

  it("keeps an unquoted front-matter date-time as written, with the outlet's offset (YAML would make it a Date in UTC)", () => {
    const md = (published: string) => `---\ntitle: Kim arrives\npublished: ${published}\nmodified: 2023-09-14\n---\n\nKim arrived by armoured train.`;
    const { articles, problems, warnings } = parseFiles([
      { source: 'unquoted.md', bytes: bytes(md('2023-09-13T01:30:00+03:00')) },
      { source: 'quoted.md', bytes: bytes(md('"2023-09-13T01:30:00+03:00"')) },
      { source: 'spaced.md', bytes: bytes(md('2023-09-13 01:30:00 +03:00')) },
      { source: 'utc.md', bytes: bytes(md('2023-09-13T01:30:00Z')) },
      { source: 'rfc.md', bytes: bytes(md('"Wed, 13 Sep 2023 01:30:00 +0300"')) },
    ]);
    expect(problems).toEqual([]);
    // The shared title only gives warnings about ids: no date is left out.
    expect(warnings!.filter((w) => !/same article id/.test(w.message))).toEqual([]);
    expect(articles.map((a) => [a.source, a.published, a.modified])).toEqual([
      ['unquoted.md', '2023-09-13T01:30:00+03:00', '2023-09-14'],
      ['quoted.md', '2023-09-13T01:30:00+03:00', '2023-09-14'],
      ['spaced.md', '2023-09-13T01:30:00+03:00', '2023-09-14'],
      ['utc.md', '2023-09-13T01:30:00Z', '2023-09-14'],
      ['rfc.md', '2023-09-13T01:30:00+03:00', '2023-09-14'],
    ]);
  });

  it('takes the body of a saved web page as written (body: plain), so quotes match the page', () => {
    const page = { title: 'Talks on *Monday*', url: 'https://example.com/talks', text: 'Talks resume on *Monday*, officials said.\n\n> Nothing is agreed yet, [the ministry](said) added.', captions: [], source: 'talks' };
    const md = articleMarkdown(page as Parameters<typeof articleMarkdown>[0]);
    expect(md).toMatch(/^body: plain$/m);
    const { articles, problems } = parseFiles([{ source: 'talks.md', bytes: bytes(md) }]);
    expect(problems).toEqual([]);
    expect(articles[0]!.text).toBe(page.text);
    // Without the flag the same body is read as Markdown.
    const { articles: markdown } = parseFiles([{ source: 'talks.md', bytes: bytes(md.replace('body: plain\n', '')) }]);
    expect(markdown[0]!.text).toBe('Talks resume on Monday, officials said.\n\nNothing is agreed yet, the ministry added.');
  });

  it('drops a link to another story ("READ MORE: …", "See also – …") but keeps a sentence that starts so', () => {
    const page = 'Bridge closes for repairs\n\nThe Old Mill Bridge closed on Monday for six weeks of repairs.\n\nREAD MORE: Riverside traffic chaos as bridge closes\n\nSee also – Council approves budget\n\nRead more about the repairs on the council website, officials said.';
    const [article] = parseFiles([{ source: 'bridge.txt', bytes: bytes(page) }]).articles;
    expect(article!.text).toBe('The Old Mill Bridge closed on Monday for six weeks of repairs.\n\nRead more about the repairs on the council website, officials said.');
  });

  it('reads a .txt written a paragraph a line, without blank lines: the first line the headline, wrapped lines joined', () => {
    const txt = [
      'Kim arrives in Russia for talks with Putin',
      'North Korean leader Kim Jong-un arrived in Russia on Tuesday aboard his armoured train,',
      'the Kremlin said.',
      'The two leaders are expected to discuss military cooperation and food aid.',
      'Western officials have warned against any arms deal.',
    ].join('\r\n');
    const { articles, problems } = parseFiles([{ source: 'kim.txt', bytes: bytes(txt) }]);
    expect(problems).toEqual([]);
    expect(articles[0]!.title).toBe('Kim arrives in Russia for talks with Putin');
    expect(articles[0]!.text.split('\n\n')).toEqual([
      'North Korean leader Kim Jong-un arrived in Russia on Tuesday aboard his armoured train, the Kremlin said.',
      'The two leaders are expected to discuss military cooperation and food aid.',
      'Western officials have warned against any arms deal.',
    ]);
    // A headline alone is still no article.
    expect(parseFiles([{ source: 'h.txt', bytes: bytes('Kim arrives in Russia for talks with Putin\n') }]).problems).toHaveLength(1);
    // A byline and furniture lines stay lines of their own (read as a page's are); front matter too.
    const page = ['---', 'outlet: Test Times', '---', 'Kim arrives in Russia', 'By Olga Ivanova', 'North Korean leader Kim Jong-un arrived in Russia on Tuesday.', 'Advertisement', 'The visit could last a week, officials said.'].join('\n');
    const [article] = parseFiles([{ source: 'kim.txt', bytes: bytes(page) }]).articles;
    expect(article).toMatchObject({ title: 'Kim arrives in Russia', author: 'Olga Ivanova', outlet: 'Test Times' });
    expect(article!.text.split('\n\n')).toEqual(['North Korean leader Kim Jong-un arrived in Russia on Tuesday.', 'The visit could last a week, officials said.']);
    // Text wrapped from its first line (no headline of its own) is one paragraph, refused as before.
    const wrapped = 'North Korean leader Kim Jong-un crossed into Russia on Tuesday aboard his\narmoured green train, beginning a rare trip abroad.\n';
    expect(parseFiles([{ source: 'w.txt', bytes: bytes(wrapped) }]).problems).toHaveLength(1);
  });

  it("guesses no outlet from a listing's \"Continue reading...\" (any site's teasers end so); front matter in a .txt names it", () => {
    const teaser = (title: string) => `${title}\n\nThe council met on Monday night to discuss the budget\n\nCouncillors voted on the plan after a long debate in the chamber.\n\nContinue reading...`;
    const listing = ['Morning briefing: the budget', 'Morning briefing: the ferry'].map(teaser).join('\n\n');
    const { articles: guessed, problems } = parseFiles([{ source: 'briefing.txt', bytes: bytes(listing) }]);
    expect(problems).toEqual([]);
    expect(guessed.map((a) => [a.title, a.outlet])).toEqual([['Morning briefing: the budget', undefined], ['Morning briefing: the ferry', undefined]]);
    const named = parseFiles([{ source: 'briefing.txt', bytes: bytes(`---\noutlet: Riverside Tribune\nurl: https://tribune.example/briefing\n---\n${listing}`) }]);
    expect(named.articles.map((a) => [a.outlet, a.url, a.text])).toEqual(guessed.map((a) => ['Riverside Tribune', 'https://tribune.example/briefing', a.text]));
    // Read as written, as plain text is: no Markdown taken out of the text.
    expect(parseFiles([{ source: 'a.txt', bytes: bytes('---\noutlet: X\n---\nTalks on *Monday*\n\nTalks resume on *Monday*, officials said.') }]).articles[0]!.text).toBe('Talks resume on *Monday*, officials said.');
    expect(parseFiles([{ source: 'bad.txt', bytes: bytes('---\noutlet: [unclosed\n---\nText.') }]).problems[0]!.reason).toMatch(/^its front matter is not valid YAML/);
    // A site generator's export opens with keys the loader does not read: the block is front matter all the same.
    const jekyll = parseFiles([{ source: 'post.txt', bytes: bytes('---\nlayout: post\ntitle: "Kyiv hit"\npublished: 2023-09-13\noutlet: Reuters\n---\n\nMissiles hit Kyiv overnight.') }]);
    expect(jekyll.articles.map((a) => [a.title, a.outlet, a.published, a.text])).toEqual([['Kyiv hit', 'Reuters', '2023-09-13', 'Missiles hit Kyiv overnight.']]);
    // A page that only opens with a rule is plain text, as it always was: the rule is kept, nothing is refused.
    // So is one whose headline between rules has a colon: it names no field the loader reads.
    for (const page of [
      '---\nKim visits Russia\n---\n\nKim Jong-un arrived on Tuesday.',
      '---\nKim visits Russia\n\nKim Jong-un arrived on Tuesday.',
      '---\n\nKim visits Russia\n\nBody: it went well.\n\n---\n\nMore.',
      '---\nUkraine: Russian missiles hit Kyiv overnight\n---\n\nKim Jong-un arrived on Tuesday.',
    ]) {
      const plain = parseFiles([{ source: 'rule.txt', bytes: bytes(page) }]);
      expect(plain.problems).toEqual([]);
      expect(plain.articles.map((a) => [a.title, a.text])).toEqual(parseNewsParagraphs(splitParagraphs(page), 'rule.txt').map((a) => [a.title, a.text]));
      expect(`${plain.articles[0]!.title}\n${plain.articles[0]!.text}`).toContain(page.split('\n').find((line) => line && line !== '---'));
    }
  });

  it('reads front matter as YAML only: a ---js block is never run, a ---json one never read, each refused with its reason', async () => {
    const ran = path.join(tempDir(), 'ran');
    const blocks = {
      js: `---js\n{ title: 'Pwned', x: require('fs').writeFileSync(${JSON.stringify(ran)}, 'x') }\n---\nKim arrived on Tuesday.`,
      javascript: `---javascript\n{ title: 'Pwned' + require('fs').writeFileSync(${JSON.stringify(ran)}, 'x') }\n---\nKim arrived on Tuesday.`,
      json: '---json\n{ "title": "Kim visits" }\n---\nKim arrived on Tuesday.',
      coffee: '---coffee\ntitle: "Kim visits"\n---\nKim arrived on Tuesday.',
    };
    for (const [language, content] of Object.entries(blocks)) {
      const { articles, problems } = parseFiles([{ source: `${language}.md`, bytes: bytes(content) }]);
      expect(articles, language).toEqual([]);
      expect(problems, language).toEqual([{ source: `${language}.md`, reason: expect.stringMatching(/^its front matter is not valid YAML \(front matter in \w+ is not read: write it in YAML, after a plain --- line\)$/) }]);
    }
    expect(existsSync(ran)).toBe(false);
  });

  it('keeps an id written as a number too large for JavaScript as its digits: two such ids stay two', () => {
    const lines = '{"id": 1701234567890123456, "title": "A", "text": "One."}\n{"id": 1701234567890123457, "title": "B", "text": "Two."}\n{"id": 42, "title": "C", "text": "Three."}';
    const { articles, warnings } = parseFiles([{ source: 'ids.jsonl', bytes: bytes(lines) }]);
    expect(articles.map((a) => a.id)).toEqual(['1701234567890123456', '1701234567890123457', '42']);
    expect(warnings ?? []).toEqual([]);
  });

  it('reads JSON Lines, one article per line, and reports the bad lines', () => {
    const jsonl = [
      JSON.stringify({ _id: 'doc-1', title: 'First', text: 'One paragraph.\n\nAnother one.' }),
      '{not json',
      JSON.stringify({ title: 'No id here', text: 'Text.', url: 'https://example.com/2' }),
      JSON.stringify({ title: 'Empty' }),
    ].join('\n');
    const { articles, problems } = parseFiles([{ source: 'feed.jsonl', bytes: bytes(jsonl) }]);
    expect(articles.map((a) => a.id)).toEqual(['doc-1', 'no-id-here']);
    expect(articles[0]!.text).toBe('One paragraph.\n\nAnother one.');
    expect(problems.map((p) => p.source)).toEqual(['feed.jsonl:2', 'feed.jsonl:4']);
  });

  it('reads every format as plain composed text: no escape sequence or control character, accents composed (NFC)', () => {
    const decomposed = 'Cre\u0300me brule\u0301e at the cafe\u0301';
    const jsonl = JSON.stringify({ id: 'bakery', title: `The ${decomposed}`, text: `It sells \u001b[2J\u001b[31mcinnamon buns\u001b[0m.\r\n\r\nThe ${decomposed} opened in\u0007 May.` });
    const txt = `The ${decomposed}\n\nIt sells \u001b[31mcinnamon buns\u001b[0m, \u202Eevil\u202C text.`;
    const { articles, problems } = parseFiles([
      { source: 'bakery.jsonl', bytes: bytes(jsonl) },
      { source: 'bakery.txt', bytes: bytes(txt) },
    ]);
    expect(problems).toEqual([]);
    for (const article of articles) {
      expect(article.title).toBe('The Crème brulée at the café');
      expect(article.text).toContain('cinnamon buns');
      expect(article.text).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E]/);
      expect(article.text).toBe(article.text.normalize('NFC'));
    }
    expect(articles[0]!.text).toBe('It sells cinnamon buns.\n\nThe Crème brulée at the café opened in May.');
    expect(articles[1]!.text).toContain('It sells cinnamon buns, evil text.');
    // A surrogate without its pair (a JSON escape) is U+FFFD, one character as it was: offsets stay true once stored.
    const lone = parseFiles([{ source: 'lone.jsonl', bytes: bytes('{"id":"lone","title":"Lone \\ud83d title","text":"Text with a lone \\ude00 surrogate in it. And more text."}') }]);
    expect(lone.articles.map((a) => [a.title, a.text])).toEqual([['Lone \uFFFD title', 'Text with a lone \uFFFD surrogate in it. And more text.']]);
    // A vertical tab or form feed (Word's soft line break) parts words, as any white space does.
    const word = parseFiles([{ source: 'word.txt', bytes: bytes('Kim arrives\n\nHe arrived on Monday.\vHe denied wrongdoing,\fsaid officials.') }]);
    expect(word.articles[0]!.text).toBe('He arrived on Monday. He denied wrongdoing, said officials.');
    // A first paragraph of nothing but invisible characters is no paragraph: the title is the next one.
    const invisible = parseFiles([{ source: 'zw.txt', bytes: bytes('\u200B\n\nKim arrives in Russia\n\nNorth Korean leader Kim Jong-un arrived in Russia on Tuesday. He travelled by train.\n\nHe met officials.\n') }]);
    expect(invisible.problems).toEqual([]);
    expect(invisible.articles.map((a) => a.title)).toEqual(['Kim arrives in Russia']);
    // A word a page split with soft hyphens (&shy;) or a zero-width space is one word again.
    const html = '<html><head><title>Funeral</title></head><body><article><h1>Funeral</h1><p>Pri&shy;gozhin was buried at the Porokhov&shy;skoye cemetery in St Peters\u200Bburg, his spokesman said on Tuesday. '.concat('The funeral was held in private. '.repeat(12), '</p></article></body></html>');
    const page = parseFiles([{ source: 'funeral.html', bytes: bytes(html) }]);
    expect(page.problems).toEqual([]);
    expect(page.articles[0]!.text).toContain('Prigozhin was buried at the Porokhovskoye cemetery in St Petersburg');
    // A title of nothing but escapes is no title: the line is refused, not indexed untitled.
    const blank = parseFiles([{ source: 'blank.jsonl', bytes: bytes(JSON.stringify({ id: 'x', title: '\u001b[2J\u0007', text: 'Text.' })) }]);
    expect(blank.articles).toEqual([]);
    expect(blank.problems).toEqual([{ source: 'blank.jsonl', reason: 'an article in it has no title or text once its control characters are taken out' }]);
  });

  it('keeps a date only as YYYY-MM-DD or ISO 8601: one that cannot be read is left out, with a warning naming it', () => {
    const md = '---\ntitle: The lighthouse reopens\npublished: next tuesday-ish\nmodified: 2023-09-14\n---\n\nThe lighthouse at Tarnby reopened to visitors.';
    const jsonl = JSON.stringify({ id: 'ferry', title: 'Ferry', text: 'The ferry runs hourly.', published: '13/09/2023 10:00 maybe' });
    const { articles, problems, warnings } = parseFiles([
      { source: 'lighthouse.md', bytes: bytes(md) },
      { source: 'ferry.jsonl', bytes: bytes(jsonl) },
    ]);
    expect(problems).toEqual([]);
    expect(articles.map((a) => [a.published, a.modified])).toEqual([
      [undefined, '2023-09-14'],
      [undefined, undefined],
    ]);
    expect(warnings).toEqual([
      { source: 'lighthouse.md', message: expect.stringMatching(/^lighthouse\.md: its published date "next tuesday-ish" cannot be read \(write it as 2023-09-13/) },
      { source: 'ferry.jsonl:1', message: expect.stringMatching(/^ferry\.jsonl:1: its published date "13\/09\/2023 10:00 maybe" cannot be read/) },
    ]);
  });

  it('reads a date written with numbers year first, or with its month in words, and no other (Date.parse reads "7" as July 2001)', () => {
    const read: [string, string][] = [
      ['2023-09-13', '2023-09-13'],
      ['2023-9-13', '2023-09-13'],
      ['2023/09/13', '2023-09-13'],
      ['2023.09.13', '2023-09-13'],
      ['2023-09-13T10:00:00+03:00', '2023-09-13T10:00:00+03:00'],
      ['2023-09-13T10:00:00.000Z', '2023-09-13T10:00:00.000Z'],
      ['2023-09-13T10:00:00.000+0300', '2023-09-13T10:00:00.000+03:00'],
      ['2023-09-13 10:00:00 +0300', '2023-09-13T10:00:00+03:00'],
      ['2023-09-13 10:00:00 UTC', '2023-09-13T10:00:00Z'],
      ['2023/09/13 10:00', '2023-09-13T10:00:00Z'],
      ['Wed, 13 Sep 2023 10:00:00 GMT', '2023-09-13T10:00:00Z'],
      // With an offset written, the outlet's clock and offset: its day, not UTC's (12 Sep).
      ['Wed, 13 Sep 2023 01:30:00 +0300', '2023-09-13T01:30:00+03:00'],
      ['13 September 2023 01:30 +03:00', '2023-09-13T01:30:00+03:00'],
      ['September 13, 2023 01:30:00 GMT+0300', '2023-09-13T01:30:00+03:00'],
      ['Wed, 13 Sep 2023 01:30:00.250 +0300 (MSK)', '2023-09-13T01:30:00.250+03:00'],
      ['Tue, 12 Sep 2023 22:30:00 EDT', '2023-09-12T22:30:00-04:00'],
      ['Tue, 12 Sep 2023 22:30:00 -0000', '2023-09-12T22:30:00-00:00'],
      // A day without a time is the day written, whatever the machine's time zone.
      ['13 September 2023', '2023-09-13'],
      ['September 13, 2023', '2023-09-13'],
      ['29 February 2024', '2024-02-29'],
      // A time written before the date: its minutes are no day of the month.
      ['10:45 Sep 12, 2023', '2023-09-12T10:45:00Z'],
      // An ISO date-time without a zone is UTC's, on every machine.
      ['2023-09-14T08:00:00', '2023-09-14T08:00:00Z'],
      ['2023-09-14T08:00', '2023-09-14T08:00:00Z'],
      ['14:31 Feb 28, 2023', '2023-02-28T14:31:00Z'],
      ['Wed, 13 Sep 2023 01:30:00 -1200', '2023-09-13T01:30:00-12:00'],
      // The month in words between hyphens, slashes or dots (a log's, a CMS's).
      ['13-Sep-2023', '2023-09-13'],
      ['13-Sep-2023 10:00:00 GMT', '2023-09-13T10:00:00Z'],
      ['2023-Sep-13', '2023-09-13'],
      ['13/Sep/2023', '2023-09-13'],
    ];
    for (const [written, stored] of read) expect(normalizeDate(written), written).toBe(stored);
    // A day the month lacks, with its month in words too (Date.parse would roll "31 September" over into 1 October).
    for (const unreadable of ['2023-02-30', '2023-02-30T10:00:00Z', '2023-09-13T25:00', '7', '99999999', '13/09/2023', '09/13/2023', 'Maybe 2023', 'next tuesday-ish', '0999-01-01', '31 September 2023', 'September 31, 2023', '29 February 2023', 'Mon, 31 Sep 2023 06:00:00 GMT', '2023-09-13T10:00:00+25:00', '2023-09-13 10:00 +0399', '2023-09-13T10:00:00-13:00', '2023-09-13T10:00:00+14:30', 'September 2023', 'May 2023', 'Summer (June) 2023', 'Sep 2023 10:00 UTC', '31-Sep-2023', '13 Sep 2023 24:00', 'Wed, 13 Sep 2023 10:75:00 GMT', '13 September 2023 23:59:60 +03:00']) {
      expect(normalizeDate(unreadable), unreadable).toBeUndefined();
    }
  });

  it.each(['UTC', 'Asia/Tokyo', 'America/New_York'])('reads a date the same way on a machine in %s', (zone) => {
    // A time with no zone is UTC's, not the machine's; a day without a time is the day written.
    const read = inTimeZone(zone, () => ['13 September 2023 05:00', 'Wed, 13 Sep 2023 05:00:00', 'September 13, 2023 5:00 PM', 'Wed, 13 Sep 2023 01:30:00 +0300', 'Wed, 13 Sep 2023 10:00:00 GMT', '13 September 2023'].map(normalizeDate));
    expect(read).toEqual(['2023-09-13T05:00:00Z', '2023-09-13T05:00:00Z', '2023-09-13T17:00:00Z', '2023-09-13T01:30:00+03:00', '2023-09-13T10:00:00Z', '2023-09-13']);
  });

  it('refuses empty, binary and non-UTF-8 files with a reason', () => {
    const { articles, problems } = parseFiles([
      { source: 'empty.txt', bytes: bytes('') },
      { source: 'blank.txt', bytes: bytes('  \n\n ') },
      { source: 'image.txt', bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]) },
      { source: 'latin1.txt', bytes: new Uint8Array([0x43, 0x61, 0x66, 0xe9, 0x20, 0x6e, 0x65, 0x77, 0x73]) },
    ]);
    expect(articles).toEqual([]);
    expect(problems.map((p) => p.reason)).toEqual([
      'the file is empty',
      'the file holds only white space',
      'the file is binary, not text',
      'the file is not valid UTF-8 text (re-save it as UTF-8)',
    ]);
  });

  it('gives readable, stable, unique slugs', () => {
    expect(slugForTitle('No sign of Black Sea grain breakthrough after Erdoğan-Putin talks')).toBe('no-sign-of-black-sea-grain-breakthrough-after-erdogan-putin-talks');
    expect(slugForTitle('Kim Jong-un offers Putin ‘full support’ in Russia’s ‘sacred fight’ with west')).toBe('kim-jong-un-offers-putin-full-support-in-russias-sacred-fight-with-west');
    const twice = parseFiles([
      { source: 'a.txt', bytes: bytes('Same title\n\nBody one.') },
      { source: 'b.txt', bytes: bytes('Same title\n\nBody two.') },
    ]);
    expect(twice.articles.map((a) => a.id)).toEqual(['same-title', 'same-title-2']);
    // A script slugify does not transliterate keeps its own letters: two such titles are two ids, not "article"s.
    expect(slugForTitle('김정은, 러시아 도착')).toBe('김정은-러시아-도착');
    expect(slugForTitle('金正恩抵达俄罗斯')).toBe('金正恩抵达俄罗斯');
    expect(slugForTitle('Кремль')).toBe('kreml');
    expect(slugForTitle('🔥🔥')).toBe('article');
    const korean = parseFiles([
      { source: 'a.txt', bytes: bytes('김정은 러시아 도착\n\n본문 하나.') },
      { source: 'b.txt', bytes: bytes('푸틴 회담\n\n본문 둘.') },
    ]);
    expect(korean.articles.map((a) => a.id)).toEqual(['김정은-러시아-도착', '푸틴-회담']);
    expect(korean.warnings ?? []).toEqual([]);
  });
});
