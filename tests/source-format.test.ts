/** How `npm run source` shows an article: its header lines, the update an outlet dated among them. */
import { describe, expect, it } from 'vitest';
import { findArticle } from '../src/bot/title-search.js';
import { byTitle, formatArticle, pickArticle } from '../src/cli/article-text.js';
import type { Coverage } from '../src/index/coverage.js';
import type { Article } from '../src/corpus/types.js';

const FERRY: Article = {
  id: 'ferry-terminal-approved',
  title: 'Ferry terminal approved',
  outlet: 'Riverside Tribune',
  published: '2024-03-01',
  url: 'https://tribune.example/ferry',
  text: 'Councillors approved the ferry terminal by 29 votes to 14.',
  captions: [],
  source: 'ferry.md',
};

describe('npm run source, an article', () => {
  it('says when the outlet updated it (a correction) under its byline, and not when that was the day it was published', () => {
    expect(formatArticle({ ...FERRY, modified: '2024-03-06' }).split('\n').slice(0, 4)).toEqual(['Ferry terminal approved', 'Riverside Tribune, 1 Mar 2024', 'Updated 6 Mar 2024', '<https://tribune.example/ferry>']);
    expect(formatArticle({ ...FERRY, modified: '2024-03-01T18:00:00+00:00' })).not.toContain('Updated');
    // A page whose updated time comes before its publication (a site's mistake) says nothing of it; an undated one does.
    expect(formatArticle({ ...FERRY, modified: '2024-02-27' })).not.toContain('Updated');
    expect(formatArticle({ ...FERRY, published: undefined, modified: '2024-03-06' }).split('\n').slice(1, 3)).toEqual(['Riverside Tribune', 'Updated 6 Mar 2024']);
  });
});

describe('npm run source, naming an article', () => {
  const same = (id: string, outlet: string): Article => ({ ...FERRY, id, outlet });
  const coverage = { articles: new Map([same('ferry-terminal-approved', 'Riverside Tribune'), same('ferry-terminal-approved-2', 'Harbour News'), { ...FERRY, id: 'bridge', title: 'Bridge closed' }].map((a) => [a.id, a])) } as unknown as Coverage;

  it('refuses a whole title two articles share, naming both by id, as it refuses words several titles hold', () => {
    expect(() => pickArticle(coverage, 'Ferry terminal approved')).toThrow(
      /^2 articles match “Ferry terminal approved”; name one by its id: Ferry terminal approved \[ferry-terminal-approved\]; Ferry terminal approved \[ferry-terminal-approved-2\]\.$/,
    );
    expect(findArticle(coverage, 'ferry terminal APPROVED')).toBeUndefined();
    // By id, or by a title only one article has, it is that article.
    expect(pickArticle(coverage, 'ferry-terminal-approved-2').outlet).toBe('Harbour News');
    expect(pickArticle(coverage, 'bridge closed').id).toBe('bridge');
    expect(findArticle(coverage, 'Bridge Closed')?.id).toBe('bridge');
  });
});

describe('npm run source, a name no title holds', () => {
  const titled = (id: string, title: string): Article => ({ ...FERRY, id, title });
  const coverage = {
    articles: new Map(
      [titled('no-deal', 'No deal on the ferry fares'), titled('article-fees', 'Council votes on article fees'), titled('such-delays', 'Such delays at the harbour'), titled('ferry', 'Ferry terminal approved'), titled('bridge', 'Bridge closed for repairs')].map((a) => [a.id, a]),
    ),
  } as unknown as Coverage;

  it('matches nothing when no one title holds every telling word of it, instead of listing titles that hold any one', () => {
    expect(() => pickArticle(coverage, 'no such article zzz')).toThrow(/^No article of the coverage is called “no such article zzz”/);
    expect(() => pickArticle(coverage, 'ferry bridge')).toThrow(/^No article of the coverage is called/);
  });

  it('still finds the one title holding every word, nearly written or half typed, stop words aside', () => {
    expect(pickArticle(coverage, 'the brigde repai').id).toBe('bridge');
    expect(pickArticle(coverage, 'ferry terminl').id).toBe('ferry');
    expect(() => pickArticle(coverage, 'ferr')).toThrow(/^2 articles match “ferr”; name one by its id: Ferry terminal approved \[ferry\]; No deal on the ferry fares \[no-deal\]\.$/);
  });
});

describe('npm run source, a name with nothing to search, and a link that is not a web page', () => {
  const A = (id: string, title: string, extra: Partial<Article> = {}): Article => ({ ...FERRY, id, title, ...extra });
  const coverageOf = (...articles: Article[]) => ({ articles: new Map(articles.map((a) => [a.id, a])) }) as unknown as Coverage;

  it('matches no article with a name of no letters or digits ("!!!", an emoji): every title holds the empty string', () => {
    const coverage = coverageOf(A('ferry', 'Ferry terminal approved'), A('bridge', 'Bridge closed'));
    for (const name of ['!!!', '🦀', '—']) expect(() => pickArticle(coverage, name), name).toThrow(/^No article of the coverage is called/);
    expect(() => pickArticle(coverageOf(A('ferry', 'Ferry terminal approved')), '???')).toThrow(/^No article/);
  });

  it('lists articles A–Z by title, then id, in text and JSON alike', () => {
    expect(byTitle([A('b2', 'Bridge closed'), A('a', 'Ferry terminal approved'), A('b1', 'Bridge closed')]).map((a) => a.id)).toEqual(['b1', 'b2', 'a']);
  });

  it('leaves out a link that is not http(s), as /source does', () => {
    expect(formatArticle(A('x', 'Title', { url: 'javascript:alert(1)' }))).not.toContain('javascript:');
    expect(formatArticle(A('x', 'Title', { url: 'https://tribune.example/x' }))).toContain('<https://tribune.example/x>');
  });
});
