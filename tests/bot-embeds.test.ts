/** Pure formatting: trimming, pages, and every Discord limit on answers and articles. No model, no network. */
import { describe, expect, it } from 'vitest';
import { SHORT_ANSWER_SHOWN, type Answer } from '../src/answer.js';
import { articleEmbed, articleLabel, articlePages, answerEmbed, blockQuote, COLORS, embedProblems, embedTotal, escapeText, LIMITS, safeUrl, splitPages, trimText } from '../src/bot/format/index.js';
import type { Article } from '../src/corpus/types.js';

const words = (n: number, word = 'lorem') => Array.from({ length: n }, (_, i) => `${word}${i}`).join(' ');

describe('trimText', () => {
  it('keeps short text as it is', () => {
    expect(trimText('Hello world.', 20)).toBe('Hello world.');
  });

  it('cuts at a sentence end when one is close', () => {
    const text = 'The first sentence is here. The second one is rather longer and goes on.';
    const out = trimText(text, 40);
    expect(out).toBe('The first sentence is here. …');
    expect(out.length).toBeLessThanOrEqual(40);
  });

  it('never cuts inside a word', () => {
    const text = words(500);
    for (const max of [10, 37, 100, 1023, 4096]) {
      const out = trimText(text, max);
      expect(out.length).toBeLessThanOrEqual(max);
      const kept = out.replace(/…$/, '').trimEnd();
      expect(text.startsWith(kept)).toBe(true);
      // The next character in the original is a space: the cut fell between words.
      expect(text[kept.length]).toBe(' ');
    }
  });

  it('never cuts an emoji in half (no lone surrogate) when it must cut inside a word', () => {
    const lone = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
    for (let max = 2; max <= 12; max++) {
      for (const text of ['😀'.repeat(50), `a${'😀'.repeat(50)}`]) {
        const out = trimText(text, max);
        expect(out.length).toBeLessThanOrEqual(max);
        expect(out).not.toMatch(lone);
        expect(out.endsWith('…')).toBe(true);
      }
    }
  });

  it('only cuts a single word that is longer than the room', () => {
    expect(trimText('x'.repeat(50), 10)).toHaveLength(10);
  });
});

describe('splitPages', () => {
  it('covers the whole text in pages within the size, at paragraph, sentence or word boundaries', () => {
    const paragraphs = Array.from({ length: 30 }, (_, i) => `Paragraph ${i}. ${words(40 + (i % 7) * 60, `w${i}x`)}.`);
    paragraphs.push(`A giant paragraph. ${words(1500, 'giant')}.`);
    const text = paragraphs.join('\n\n');
    const pages = splitPages(text, 1000);
    expect(pages.length).toBeGreaterThan(5);
    for (const page of pages) expect(page.length).toBeLessThanOrEqual(1000);
    const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
    expect(squash(pages.join(' '))).toBe(squash(text));
  });
});

describe('answerEmbed', () => {
  it('shows the question in its title as asked: its markdown escaped, fitted without a broken escape', () => {
    const asked = (question: string) => answerEmbed({ question, found: false, sure: false, confidence: 0, shortAnswer: null, answer: '', passages: [], sources: [] }).title!;
    expect(asked('What did __Prigozhin__ say about *Wagner* ~~pay~~?')).toBe('What did \\_\\_Prigozhin\\_\\_ say about \\*Wagner\\* \\~\\~pay\\~\\~?');
    const long = asked(`Why *${'really '.repeat(60)}*?`);
    expect(long.length).toBeLessThanOrEqual(LIMITS.title);
    expect(long.replaceAll('\\*', '')).not.toMatch(/[*\\]/);
  });

  const longSentence = (n: number) => `${words(n, 'evidence')}.`;
  function answer(passages: number, quoteWords: number, title = 'A title'): Answer {
    const ps = Array.from({ length: passages }, (_, i) => ({
      rank: i + 1,
      articleId: `article-${i}`,
      title: `${title} ${i}`,
      quote: `${longSentence(quoteWords)} ${longSentence(quoteWords)}`,
      text: '',
      chunk: i,
      score: 0.9,
      quoteStart: 0,
      sentenceStart: 0,
      quoteEnd: 10,
    }));
    return {
      question: `Why ${words(80)}?`,
      found: true,
      sure: true,
      confidence: 0.9,
      shortAnswer: null,
      answer: ps.map((p) => `${p.quote} [${p.rank}]`).join(' '),
      passages: ps,
      sources: ps.map((p) => ({ articleId: p.articleId, title: p.title, outlet: 'The *Daily* Example', url: `https://example.com/${p.articleId}` })),
    };
  }

  it('fits every limit for ten very long passages, keeping [n] markers and sources', () => {
    const embed = answerEmbed(answer(10, 400, 'T'.repeat(300)));
    expect(embedProblems(embed)).toEqual([]);
    expect(embedTotal(embed)).toBeLessThanOrEqual(LIMITS.embedTotal);
    expect(embed.description).toContain('[1]');
    for (const field of embed.fields ?? []) {
      // The answer cites every passage it shows.
      expect(embed.description).toContain(`**${/^\[\d+\]/.exec(field.name)![0]}**`);
      expect(field.value.startsWith('> ')).toBe(true);
      expect(field.value).toContain('[read the article](https://example.com/');
      expect(field.value).toContain('The \\*Daily\\* Example'); // markdown is escaped
    }
  });

  it('cites every passage it shows, for ten passages of any length (each shown passage keeps its [n] in the answer)', () => {
    for (const quoteWords of [20, 30, 40, 60, 100, 400]) {
      for (const title of ['T', 'T'.repeat(120)]) {
        const embed = answerEmbed(answer(10, quoteWords, title));
        expect(embedProblems(embed)).toEqual([]);
        const shown = (embed.fields ?? []).map((f) => /^\[(\d+)\]/.exec(f.name)![1]);
        expect(shown.length).toBeGreaterThan(0);
        for (const rank of shown) expect(embed.description).toContain(`**[${rank}]**`);
        if (shown.length < 10) expect(embed.footer!.text).toContain(`${10 - shown.length} more passage`);
      }
    }
  });

  it('shows the short answer in bold above the quotes, escaped, within the limits', () => {
    const a = answer(10, 400, 'T'.repeat(300));
    a.shortAnswer = { text: 'Vostochny *cosmodrome*', articleId: 'article-0', start: 0, end: 22, confidence: 0.8 };
    const embed = answerEmbed(a);
    expect(embedProblems(embed)).toEqual([]);
    expect(embed.description!.startsWith('**Vostochny \\*cosmodrome\\***\n\n')).toBe(true);
    expect(embed.description).toContain('[1]');
  });

  it('shows no short answer in bold when the reader is not sure of the answer, or of the span', () => {
    const a = answer(2, 10);
    a.shortAnswer = { text: 'Vostochny', articleId: 'article-0', start: 0, end: 9, confidence: SHORT_ANSWER_SHOWN };
    expect(answerEmbed(a).description!.startsWith('**Vostochny**\n\n')).toBe(true);
    expect(answerEmbed({ ...a, shortAnswer: { ...a.shortAnswer, confidence: SHORT_ANSWER_SHOWN - 0.01 } }).description).not.toContain('Vostochny');
    const unsure = answerEmbed({ ...a, sure: false });
    expect(unsure.description).not.toContain('Vostochny');
    expect(unsure.color).toBe(COLORS.unsure);
    expect(answerEmbed(a).color).toBe(COLORS.answer);
  });

  it('keeps a short answer whole', () => {
    const embed = answerEmbed(answer(2, 10));
    expect(embedProblems(embed)).toEqual([]);
    expect(embed.fields).toHaveLength(2);
    expect(embed.description).not.toContain('…');
  });

  it('drops passages only when shortening is not enough, and says so', () => {
    const a = answer(10, 5);
    for (const s of a.sources) s.url = `https://example.com/${'x'.repeat(480)}`;
    for (const p of a.passages) p.title = 'T'.repeat(300);
    const embed = answerEmbed(a);
    expect(embedProblems(embed)).toEqual([]);
  });

  it('shows each quote\'s outlet and publication date, and keeps the limits with long outlets and dates', () => {
    const a = answer(10, 400, 'T'.repeat(300));
    a.sources.forEach((s, i) => Object.assign(s, { outlet: `${'Very Long Outlet Name '.repeat(10)}${i}`, published: `2023-09-${String(10 + i).padStart(2, '0')}T08:15:00+03:00` }));
    const embed = answerEmbed(a);
    expect(embedProblems(embed)).toEqual([]);
    expect(embed.fields![0]!.value).toMatch(/Very Long Outlet Name[^\n]*…, 10 Sep 2023 · \[read the article\]/);
    const short = answer(2, 10);
    short.sources[0]!.outlet = 'RIA Novosti';
    short.sources[0]!.published = '2023-09-13';
    expect(answerEmbed(short).fields![0]!.value).toContain(' · RIA Novosti, 13 Sep 2023 · [read the article](https://example.com/article-0)');
  });

  it('says which period was searched when nothing in it answers', () => {
    const embed = answerEmbed({ question: 'Who won?', found: false, sure: false, confidence: 0.01, shortAnswer: null, answer: '', passages: [], sources: [], period: { since: '2023-09-01', until: '2023-09-30' } });
    expect(embed.description).toMatch(/Only articles published from 2023-09-01 until 2023-09-30 were searched\.$/);
    // A question's period in which no article is dated: the undated ones were searched, and it says so.
    const undated = answerEmbed({ question: 'Who opened the bridge in 1923?', found: false, sure: false, confidence: 0.01, shortAnswer: null, answer: '', passages: [], sources: [], period: { since: '1923-01-01', until: '1923-12-31', phrase: 'in 1923', undated: true } });
    expect(undated.description).toMatch(/No article is dated from 1923-01-01 until 1923-12-31: only undated articles were searched\.$/);
  });

  it('says which period was searched when it answers, in the footer', () => {
    const dated = { ...answer(2, 10), period: { since: '2023-09-01', until: '2023-09-30', phrase: 'in September 2023' } };
    expect(answerEmbed(dated).footer!.text).toMatch(/^Articles published from 2023-09-01 until 2023-09-30\. Quotes are exact text/);
    const undated = { ...answer(2, 10), period: { since: '1923-01-01', until: '1923-12-31', phrase: 'in 1923', undated: true as const } };
    expect(answerEmbed(undated).footer!.text).toMatch(/^No article is dated from 1923-01-01 until 1923-12-31: undated articles were searched\. /);
    expect(answerEmbed(answer(2, 10)).footer!.text).toMatch(/^Quotes are exact text/);
    expect(embedProblems(answerEmbed({ ...answer(25, 400, 'T'.repeat(300)), period: dated.period }))).toEqual([]);
  });

  it('politely says when the coverage does not answer, pointing to /source', () => {
    const embed = answerEmbed({ question: 'Who won the 1966 World Cup?', found: false, sure: false, confidence: 0.01, shortAnswer: null, answer: '', passages: [], sources: [] });
    expect(embed.description).toMatch(/couldn't find that in the coverage/);
    expect(embed.description).toContain('/source');
  });
});

describe('articles', () => {
  const article: Article = {
    id: 'long-read',
    title: 'A long read '.repeat(40),
    outlet: 'Outlet',
    author: 'Writer',
    url: 'https://example.com/long',
    text: Array.from({ length: 60 }, (_, i) => `Paragraph ${i} says *this* and _that_. ${words(60, `p${i}w`)}.`).join('\n\n'),
    captions: [],
    source: 'x.md',
  };

  it('pages fit Discord limits and show metadata', () => {
    const pages = articlePages(article);
    expect(pages.length).toBeGreaterThan(1);
    pages.forEach((_, i) => {
      const embed = articleEmbed(article, pages, i);
      expect(embedProblems(embed)).toEqual([]);
      expect(embed.footer?.text).toContain(`Page ${i + 1} of ${pages.length}`);
      expect(embed.url).toBe('https://example.com/long');
    });
  });

  it('shows when the outlet updated the article (a correction), unless it is the day it was published', () => {
    const fields = (a: Article) => articleEmbed(a, articlePages(a), 0).fields!.map((f) => [f.name, f.value]);
    expect(fields({ ...article, published: '2024-03-01', modified: '2024-03-06T09:30:00Z' })).toContainEqual(['Updated', '6 Mar 2024']);
    expect(fields({ ...article, published: '2024-03-01T08:00:00Z', modified: '2024-03-01T17:00:00Z' }).map(([name]) => name)).toEqual(['Outlet', 'Author', 'Published']);
    expect(fields({ ...article, modified: 'not a date' }).map(([name]) => name)).toEqual(['Outlet', 'Author']);
    expect(fields({ ...article, published: '2024-03-06', modified: '2024-03-01' }).map(([name]) => name)).toEqual(['Outlet', 'Author', 'Published']);
  });

  it('shows a title as written: its markdown escaped, as in the answer embeds, and fitted without a broken escape', () => {
    const marked = { ...article, title: 'Kim_Jong-un\'s *secret* train ~~or not~~' };
    expect(articleEmbed(marked, articlePages(marked), 0).title).toBe('Kim\\_Jong-un\'s \\*secret\\* train \\~\\~or not\\~\\~');
    const starred = { ...article, title: 'A *big* story '.repeat(30) };
    const title = articleEmbed(starred, articlePages(starred), 0).title!;
    expect(title.length).toBeLessThanOrEqual(LIMITS.title);
    // Every star still escaped, and no escape cut in half before the ellipsis.
    expect(title.endsWith('…')).toBe(true);
    expect(title.replaceAll('\\*', '')).not.toMatch(/[*\\]/);
  });

  it('a word longer than a page is cut to fit: no text lost, no emoji or markdown escape split between pages', () => {
    const flags = `${'a'.repeat(4093)}${'🇺🇦'.repeat(1500)}`;
    const tones = `${'a'.repeat(4095)}${'👍🏽'.repeat(1500)}`;
    for (const text of ['a'.repeat(4096) + '>' + 'b'.repeat(5000), `${'a'.repeat(4090)}${'_'.repeat(3000)}`, `${'a'.repeat(4094)}${'😀'.repeat(2000)}`, flags, tones]) {
      const a = { ...article, text };
      const pages = articlePages(a);
      expect(pages.length).toBeGreaterThan(1);
      for (const [i, page] of pages.entries()) {
        const embed = articleEmbed(a, pages, i);
        expect(embedProblems(embed)).toEqual([]);
        // fitEmbed had nothing to cut: every page is shown whole.
        expect(embed.description).toBe(page);
        expect(page).not.toMatch(/(^|[^\\])(\\\\)*\\$/); // no escape left open at a page's end
        expect(page).not.toMatch(/[\uD800-\uDBFF]$|^[\uDC00-\uDFFF]/);
        // A flag is two regional indicators, a thumbs-up and its skin tone one cluster: never split between pages.
        expect((page.match(/\p{Regional_Indicator}/gu) ?? []).length % 2).toBe(0);
        expect(page).not.toMatch(/^\u{1F3FD}/u);
      }
      const unescape = (s: string) => s.replace(/\\(.)/g, '$1');
      expect(unescape(pages.join(''))).toBe(text);
    }
  });

  it('a page cut inside a paragraph never starts with live markdown ("- ", "> ", "# ", "1. " shown as written)', () => {
    const escaped: Record<string, string> = { '-': '\\- ', '>': '\\> ', '#': '\\# ', '1.': '1\\. ' };
    for (const marker of Object.keys(escaped)) {
      let cutBefore = 0;
      for (let n = 780; n < 900; n++) {
        for (let len = 1; len <= 12; len++) {
          const text = Array.from({ length: 2000 }, (_, i) => (i === n ? marker : i === n - 1 ? 'y'.repeat(len) : `w${i}`)).join(' ');
          const a = { ...article, text };
          const pages = articlePages(a);
          for (const [i, page] of pages.entries()) {
            if (i > 0 && page.startsWith(escaped[marker]!)) cutBefore++;
            expect(page.startsWith(`${marker} `)).toBe(false);
            expect(embedProblems(articleEmbed(a, pages, i))).toEqual([]);
          }
        }
      }
      expect(cutBefore).toBeGreaterThan(0); // the case was met
    }
  });

  it('labels fit 100 characters', () => {
    expect(articleLabel(article).length).toBeLessThanOrEqual(100);
    expect(articleLabel({ title: 'Short', outlet: 'Paper' })).toBe('Short · Paper');
  });

  it('block-quotes every line', () => {
    expect(blockQuote('a\n\nb')).toBe('> a\n>\n> b');
  });
});

describe('escapeText', () => {
  it('escapes markdown so text shows as written', async () => {
    const { escapeText } = await import('../src/bot/format/index.js');
    expect(escapeText('a *b* _c_ ~~d~~ `e` ||f|| [g](h) [1]')).toBe('a \\*b\\* \\_c\\_ \\~\\~d\\~\\~ \\`e\\` \\|\\|f\\|\\| [g]\\(h) [1]');
    expect(escapeText('> quote\n# head\n- item\n12. item')).toBe('\\> quote\n\\# head\n\\- item\n12\\. item');
  });
});

describe('text from the articles cannot pass for the bot’s own links or citations', () => {
  const spoofed: Answer = {
    question: 'What did the envoy say?',
    found: true,
    sure: true,
    confidence: 0.9,
    shortAnswer: null,
    answer: 'The envoy said the deal [2] was [read the article](https://evil.example) done [1]. Talks <@123456789012345678> resume <t:1700000000:R> [2].',
    passages: [
      { rank: 1, articleId: 'a', title: '[3] Fake *bold* [x](https://evil.example)', quote: 'The envoy said the deal [2] was [read the article](https://evil.example) done.', text: '', chunk: 0, score: 0.9, quoteStart: 0, quoteEnd: 1, sentenceStart: 0 },
      { rank: 2, articleId: 'b', title: 'Plain', quote: 'Talks <@123456789012345678> resume <t:1700000000:R>.', text: '', chunk: 1, score: 0.8, quoteStart: 0, quoteEnd: 1, sentenceStart: 0 },
    ],
    sources: [
      { articleId: 'a', title: 'Title with [link](https://evil.example)', outlet: '-# tiny' },
      { articleId: 'b', title: 'Plain', url: 'https://example.com/b' },
    ],
  };

  it('shows only the real markers as citations, in bold, and a "[2]" inside a quote as text', () => {
    const embed = answerEmbed(spoofed);
    expect(embedProblems(embed)).toEqual([]);
    expect(embed.description).toBe(
      'The envoy said the deal [2] was [read the article]\\(https://evil.example) done **[1]**. Talks \\<@123456789012345678> resume \\<t:1700000000:R> **[2]**.',
    );
  });

  it('escapes masked links, mentions and markdown in titles, outlets and quotes', () => {
    const embed = answerEmbed(spoofed);
    const [first, second] = embed.fields!;
    expect(first!.name).toBe('[1] [3] Fake \\*bold\\* [x]\\(https://evil.example)');
    expect(first!.value).toContain('[read the article]\\(https://evil.example)');
    expect(first!.value).toContain('— *Title with [link]\\(https://evil.example)* · \\-# tiny');
    expect(first!.value).not.toMatch(/\]\(https:\/\/evil/);
    expect(second!.value).toContain('\\<@123456789012345678>');
    expect(second!.value).toContain('[read the article](https://example.com/b)'); // the bot's own link still works
  });

  it('keeps an article address with brackets or parentheses one link: it cannot close the link and open another', () => {
    const url = 'https://news.example/story)_[Official_Kremlin_statement](https://phish.example/login';
    const embed = answerEmbed({ ...spoofed, sources: [{ ...spoofed.sources[0]!, url }, spoofed.sources[1]!] });
    const value = embed.fields![0]!.value;
    expect(value).toContain('[read the article](https://news.example/story%29_%5BOfficial_Kremlin_statement%5D%28https://phish.example/login)');
    expect(value.match(/\]\(/g)).toHaveLength(1);
    expect(safeUrl('https://user:secret@example.com/a(b)?q=[1]#x')).toBe('https://example.com/a%28b%29?q=%5B1%5D#x');
    expect(safeUrl('http://[::1]:8080/news')).toBe('http://[::1]:8080/news');
    expect(escapeText('see <id:customize> and <id:browse>')).toBe('see \\<id:customize> and \\<id:browse>');
  });

  it('still bolds every marker when the answer is worded otherwise than the quotes', () => {
    const embed = answerEmbed({ ...spoofed, answer: 'The envoy spoke of a deal [1], and talks resume [2].' });
    expect(embed.description).toBe('The envoy spoke of a deal **[1]**, and talks resume **[2]**.');
  });
});
