/** The custom id codec: every kind round-trips, anything else is refused, and Discord's 100 characters hold. */
import { describe, expect, it } from 'vitest';
import { CustomIdError, decode, decodeArticleChoice, encode, encodeArticleChoice, type CustomId } from '../src/bot/custom-ids.js';
import { LIMITS } from '../src/bot/format/index.js';

const SESSION = 'AbC-_9xyZ012'; // what SessionStore makes: 6 random bytes as base64url

const every: CustomId[] = [
  { kind: 'open' },
  { kind: 'vote', session: SESSION, choice: 'up' },
  { kind: 'vote', session: SESSION, choice: 'down' },
  { kind: 'page', session: SESSION, direction: 'prev' },
  { kind: 'page', session: SESSION, direction: 'next' },
  { kind: 'followUp', session: SESSION },
];

describe('custom ids', () => {
  it.each(every)('round-trips %o', (id) => {
    const text = encode(id);
    expect(text.length).toBeLessThanOrEqual(LIMITS.customId);
    expect(decode(text)).toEqual(id);
  });

  it('keeps the wire format of the buttons already out there', () => {
    expect(encode({ kind: 'open' })).toBe('ask:open');
    expect(encode({ kind: 'vote', session: SESSION, choice: 'up' })).toBe(`ask:vote:${SESSION}:up`);
    expect(encode({ kind: 'page', session: SESSION, direction: 'next' })).toBe(`source:page:${SESSION}:next`);
    expect(encode({ kind: 'followUp', session: SESSION })).toBe(`ask:follow:${SESSION}`);
  });

  it.each([
    '',
    'ask',
    'ask:',
    'ask:open:extra',
    'ask:vote',
    `ask:vote:${SESSION}`,
    `ask:vote:${SESSION}:sideways`,
    `ask:vote::up`,
    `ask:vote:${SESSION}:up:more`,
    `ask:vote:has space:up`,
    `ask:vote:a:b:up`,
    `source:page:${SESSION}:up`,
    `source:vote:${SESSION}:up`,
    `ask:page:${SESSION}:next`,
    `other:page:${SESSION}:next`,
    `ASK:OPEN`,
    'ask:follow',
    'ask:follow:',
    `ask:follow:${SESSION}:up`,
    `source:follow:${SESSION}`,
    'ask:follow:has space',
    `ask:vote:${'a'.repeat(100)}:up`,
  ])('refuses %j', (text) => {
    expect(decode(text)).toBeUndefined();
  });

  it('refuses to encode a session id that is not one, or an id over 100 characters', () => {
    expect(() => encode({ kind: 'vote', session: 'a:b', choice: 'up' })).toThrow(CustomIdError);
    expect(() => encode({ kind: 'vote', session: '', choice: 'up' })).toThrow(CustomIdError);
    expect(() => encode({ kind: 'page', session: 'x'.repeat(65), direction: 'next' })).toThrow(CustomIdError);
    // The longest session id allowed still fits with room to spare.
    const longest = encode({ kind: 'page', session: 'x'.repeat(64), direction: 'prev' });
    expect(longest.length).toBeLessThanOrEqual(LIMITS.customId);
  });

  it('never decodes more than 100 characters', () => {
    const text = `ask:vote:${'a'.repeat(LIMITS.customId - 'ask:vote::up'.length + 1)}:up`;
    expect(text.length).toBe(LIMITS.customId + 1);
    expect(decode(text)).toBeUndefined();
  });
});

describe('the options of the "Open a cited article" menu', () => {
  const known = (ids: string[]) => (id: string) => ids.includes(id);

  it('carry the article and where its quote starts, and read back', () => {
    const value = encodeArticleChoice({ articleId: 'kim-arrives', at: 1234 })!;
    expect(value).toBe('1234@kim-arrives');
    expect(decodeArticleChoice(value, known(['kim-arrives']))).toEqual({ articleId: 'kim-arrives', at: 1234 });
  });

  it('read a value of an earlier version (the article id alone), and an id that looks like an offset', () => {
    expect(decodeArticleChoice('kim-arrives', known(['kim-arrives']))).toEqual({ articleId: 'kim-arrives' });
    expect(decodeArticleChoice('12@odd-id', known(['12@odd-id']))).toEqual({ articleId: '12@odd-id' });
  });

  it('keep the article without its offset when both would not fit in 100 characters, and are left out when the id alone does not', () => {
    const long = 'x'.repeat(95);
    expect(encodeArticleChoice({ articleId: long, at: 123456 })).toBe(long);
    expect(decodeArticleChoice(long, known([long]))).toEqual({ articleId: long });
    expect(encodeArticleChoice({ articleId: 'x'.repeat(100), at: 12 })).toBe('x'.repeat(100));
    expect(encodeArticleChoice({ articleId: 'x'.repeat(101), at: 12 })).toBeUndefined();
    expect(encodeArticleChoice({ articleId: 'x'.repeat(101) })).toBeUndefined();
  });
});
