/**
 * The one budgeting routine (src/bot/format/budget.ts) at Discord's exact limits: a message at the limit
 * passes unchanged, one character (or field) more is cut, with the "…" marker for text.
 */
import { cite, RELATED_LEAD } from '../src/answer.js';
import type { APIEmbed } from 'discord.js';
import { describe, expect, it } from 'vitest';
import type { Answer } from '../src/answer.js';
import { answerEmbed, articlePages, contentText, embedProblems, embedTotal, errorEmbed, fitContent, fitEmbed, fitText, LIMITS, pageAt, shareBudget } from '../src/bot/format/index.js';
import type { Article } from '../src/corpus/types.js';
import { missingPermissions, them } from '../src/bot/permissions.js';
import { notice } from '../src/bot/replies.js';

/** Exactly `n` characters of words, never ending in a space. */
const text = (n: number) => `${'word '.repeat(Math.ceil(n / 5) + 1).slice(0, n - 1)}x`;

function expectCut(out: string, original: string, max: number): void {
  expect(out.length).toBeLessThanOrEqual(max);
  expect(out.endsWith('…')).toBe(true);
  expect(original.startsWith(out.replace(/ ?…$/, ''))).toBe(true);
}

describe('plain text: message content (2,000)', () => {
  it('passes 2,000 characters unchanged and cuts 2,001 with the marker', () => {
    expect(text(2000)).toHaveLength(2000);
    expect(fitContent(text(2000))).toBe(text(2000));
    expectCut(fitContent(text(2001)), text(2001), LIMITS.content);
    expect(contentText(text(2001)).length).toBeLessThanOrEqual(LIMITS.content);
  });

  it('applies to every notice the bot sends', () => {
    expect(notice(text(2000)).content).toBe(text(2000));
    expectCut(notice(text(2001)).content as string, text(2001), LIMITS.content);
  });
});

describe('embeds', () => {
  it('a description of 4,096 passes; 4,097 is cut with the marker', () => {
    expect(errorEmbed(text(4096)).description).toBe(text(4096));
    expectCut(errorEmbed(text(4097)).description!, text(4097), LIMITS.description);
    expect(fitEmbed({ description: text(4096) })).toEqual({ description: text(4096) });
    expectCut(fitEmbed({ description: text(4097) }).description!, text(4097), LIMITS.description);
  });

  it.each([
    ['title', LIMITS.title, (s: string): APIEmbed => ({ title: s }), (e: APIEmbed) => e.title!],
    ['footer', LIMITS.footer, (s: string): APIEmbed => ({ footer: { text: s } }), (e: APIEmbed) => e.footer!.text],
    ['field name', LIMITS.fieldName, (s: string): APIEmbed => ({ fields: [{ name: s, value: 'v' }] }), (e: APIEmbed) => e.fields![0]!.name],
    ['field value', LIMITS.fieldValue, (s: string): APIEmbed => ({ fields: [{ name: 'n', value: s }] }), (e: APIEmbed) => e.fields![0]!.value],
  ] as const)('a %s at its limit (%i) passes; one more character is cut with the marker', (_what, max, make, get) => {
    const at = make(text(max));
    expect(fitEmbed(at)).toEqual(at);
    expect(embedProblems(at)).toEqual([]);
    const over = fitEmbed(make(text(max + 1)));
    expectCut(get(over), text(max + 1), max);
    expect(embedProblems(over)).toEqual([]);
  });

  it('25 fields pass; a 26th is left out', () => {
    const fields = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `n${i}`, value: `v${i}` }));
    expect(fitEmbed({ fields: fields(25) }).fields).toEqual(fields(25));
    expect(fitEmbed({ fields: fields(26) }).fields).toEqual(fields(25));
  });

  it('6,000 characters in all pass; one more is taken from the description, with the marker', () => {
    const fields = Array.from({ length: 3 }, (_, i) => ({ name: `F${i}`, value: text(1000 - 2) }));
    const at: APIEmbed = { title: text(100), description: text(2900), fields };
    expect(embedTotal(at)).toBe(LIMITS.embedTotal);
    expect(fitEmbed(at)).toEqual(at);
    const over: APIEmbed = { ...at, description: text(2901) };
    expect(embedTotal(over)).toBe(LIMITS.embedTotal + 1);
    const fitted = fitEmbed(over);
    expect(embedTotal(fitted)).toBeLessThanOrEqual(LIMITS.embedTotal);
    expectCut(fitted.description!, text(2901), 2900);
    expect(fitted.fields).toEqual(fields);
  });

  it('without a description to shorten, the last fields give way', () => {
    const fields = Array.from({ length: 6 }, (_, i) => ({ name: `F${i}`, value: text(1000 - 2) }));
    expect(embedTotal({ fields })).toBe(LIMITS.embedTotal);
    expect(fitEmbed({ fields }).fields).toHaveLength(6);
    const over = fitEmbed({ title: 'x', fields });
    expect(over.fields).toHaveLength(5);
    expect(embedProblems(over)).toEqual([]);
  });
});

describe('fitText', () => {
  it('fits the rendering, not the raw text', () => {
    const quote = (s: string) => `> ${s.replace(/\*/g, '\\*')}`;
    const raw = '*a* '.repeat(100);
    const out = fitText(raw, 50, quote);
    expect(out.length).toBeLessThanOrEqual(50);
    expect(out.startsWith('> \\*a\\*')).toBe(true);
    expect(fitText('short', 50, quote)).toBe('> short');
  });
});

describe('shareBudget', () => {
  it('gives every piece its cap when the caps fit exactly, and takes one character from the largest when they do not', () => {
    const pieces = [
      { cap: 3000, floor: 200 },
      { cap: 1000, floor: 80 },
      { cap: 2000, floor: 80 },
    ];
    expect(shareBudget(pieces, 6000)).toEqual([3000, 1000, 2000]);
    expect(shareBudget(pieces, 5999)).toEqual([2999, 1000, 2000]);
  });

  it('keeps floors, and refuses when even the floors do not fit', () => {
    expect(shareBudget([{ cap: 5000, floor: 200 }, { cap: 5000, floor: 80 }], 1000)).toEqual([500, 500]);
    expect(shareBudget([{ cap: 5000, floor: 900 }, { cap: 5000, floor: 80 }], 1000)).toEqual([900, 100]);
    expect(shareBudget([{ cap: 5000, floor: 900 }, { cap: 5000, floor: 200 }], 1000)).toBeUndefined();
    // A floor above the cap counts as the cap.
    expect(shareBudget([{ cap: 10, floor: 200 }], 10)).toEqual([10]);
  });
});

describe('answerEmbed beyond 25 passages', () => {
  function answer(passages: number): Answer {
    const ps = Array.from({ length: passages }, (_, i) => ({
      rank: i + 1,
      articleId: `a${i}`,
      title: `T${i}`,
      quote: `Quote ${i}.`,
      text: '',
      chunk: i,
      score: 0.9,
      quoteStart: 0,
      sentenceStart: 0,
      quoteEnd: 8,
    }));
    return {
      question: 'Q?',
      found: true,
      confidence: 0.9,
      shortAnswer: null,
      answer: ps.map((p) => `${p.quote} [${p.rank}]`).join(' '),
      passages: ps,
      sources: ps.map((p) => ({ articleId: p.articleId, title: p.title })),
    } as Answer;
  }

  it('shows 25 passages as 25 fields; a 26th is counted in the footer as left out', () => {
    const at = answerEmbed(answer(25));
    expect(at.fields).toHaveLength(25);
    expect(at.footer!.text).not.toMatch(/left out/);
    const over = answerEmbed(answer(26));
    expect(over.fields).toHaveLength(25);
    expect(over.footer!.text).toMatch(/^1 more passage left out/);
    expect(embedProblems(over)).toEqual([]);
  });
});

describe('answer embed of quotes with every kind of ending', () => {
  it('finds the marker cite() gives each quote, and so shows every passage, after "Related coverage:" too', () => {
    const quotes = ['Did it work?!', 'It was destroyed ...', 'Then it ended…', 'He said: “We agreed.”', 'In the U.S.', 'A headline', 'Not again!!'];
    const ps = quotes.map((quote, i) => ({ rank: i + 1, articleId: `a${i}`, title: `T${i}`, quote, text: quote, chunk: i, score: i === 0 ? 0.9 : 0.01, quoteStart: 0, quoteEnd: quote.length, sentenceStart: 0 }));
    const a = {
      question: 'Q?',
      found: true,
      sure: true,
      confidence: 0.9,
      shortAnswer: null,
      answer: ps.map((p, i) => (i === 1 ? `${RELATED_LEAD} ` : '') + cite(p.quote, p.rank)).join(' '),
      passages: ps,
      sources: ps.map((p) => ({ articleId: p.articleId, title: p.title })),
    } as Answer;
    const embed = answerEmbed(a);
    expect(embed.fields).toHaveLength(quotes.length);
    for (const p of ps) expect(embed.description).toContain(`**[${p.rank}]**`);
    expect(embed.footer!.text).not.toMatch(/left out/);
    expect(embedProblems(embed)).toEqual([]);
  });
});

describe('answer embed with a long short answer (review)', () => {
  const words = (n: number, word: string) => Array.from({ length: n }, (_, i) => `${word}${i}`).join(' ');
  it('25 long passages under a 200-character bold short answer still fit, without throwing, and keep the answer', () => {
    const ps = Array.from({ length: 25 }, (_, i) => ({ rank: i + 1, articleId: `a${i}`, title: `T ${i}`, quote: `${words(300, 'ev')}.`, text: '', chunk: i, score: 0.9, quoteStart: 0, quoteEnd: 10, sentenceStart: 0 }));
    const a: Answer = {
      question: 'Why?',
      found: true,
      confidence: 0.9,
      shortAnswer: { text: 'x_'.repeat(100), articleId: 'a0', start: 0, end: 1, confidence: 0.8 },
      answer: ps.map((p) => `${p.quote} [${p.rank}]`).join(' '),
      passages: ps,
      sources: ps.map((p) => ({ articleId: p.articleId, title: p.title, url: `https://example.com/${p.articleId}` })),
    } as Answer;
    const embed = answerEmbed(a);
    expect(embedProblems(embed)).toEqual([]);
    expect(embed.description).toContain('**[1]**');
  });
});

describe('the page of an article a quote is on', () => {
  it('is the page its sentence starts on, a short sentence at the end of a page too', () => {
    const filler = (n: number) => `Paragraph ${n} says that the talks at the Vostochny cosmodrome went on for hours and covered many subjects. `.repeat(9).trim();
    const body = Array.from({ length: 12 }, (_, i) => `${filler(i)} He declined ${i}.`).join('\n\n');
    const article: Article = { id: 'talks', title: 'Talks', text: body, captions: [], source: 'talks.md' };
    const pages = articlePages(article);
    expect(pages.length).toBeGreaterThan(2);
    for (let i = 0; i < 12; i++) {
      const sentence = `He declined ${i}.`;
      const on = pages.findIndex((page) => page.includes(sentence));
      expect(pageAt(article, pages, body.indexOf(sentence)), sentence).toBe(on);
      expect(pageAt(article, pages, body.indexOf(`Paragraph ${i} says`)), `paragraph ${i}`).toBe(pages.findIndex((page) => page.includes(`Paragraph ${i} says`)));
    }
  });
});

describe('permissions named as Discord shows them', () => {
  it('lists what is missing in words, "in Threads" as Discord writes it', () => {
    expect(missingPermissions(['EmbedLinks'])).toBe('the Embed Links permission');
    expect(missingPermissions(['ViewChannel', 'SendMessagesInThreads', 'ReadMessageHistory'])).toBe('the View Channel, Send Messages in Threads and Read Message History permissions');
    expect([them(['EmbedLinks']), them(['EmbedLinks', 'ViewChannel'])]).toEqual(['it', 'them']);
  });
});
