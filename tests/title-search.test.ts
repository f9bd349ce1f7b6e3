/** /source autocomplete at archive scale: answers come from prebuilt structures and never exceed 25 choices. */
import { describe, expect, it } from 'vitest';
import { TitleSearch } from '../src/bot/title-search.js';
import type { Article } from '../src/corpus/types.js';

const TOPICS = ['Grain deal', 'Kim Jong-un visit', 'Wagner mutiny', 'Black Sea fleet', 'Erdoğan talks', 'Vostochny cosmodrome'];

function archive(size: number): Article[] {
  return Array.from({ length: size }, (_, i) => ({
    id: `story-${i}`,
    title: `${TOPICS[i % TOPICS.length]} report number ${i}`,
    text: 'Text.',
    captions: [],
    source: `s${i}.md`,
  }));
}

describe('TitleSearch at archive scale', () => {
  const search = new TitleSearch(archive(50_000));

  it('offers at most 25 choices for any query', () => {
    for (const query of ['', 'g', 'grain', 'report', 'r', 'kim jong', 'story-1', 'nothing like this', 'erdogan']) {
      const choices = search.choices(query);
      expect(choices.length).toBeLessThanOrEqual(25);
      for (const choice of choices) expect(choice.name.length).toBeLessThanOrEqual(100);
    }
    expect(search.choices('grain', 10)).toHaveLength(10);
  });

  it('puts whole-title prefix matches first, folding case and accents', () => {
    const choices = search.choices('ERDOGAN TALKS REPORT NUMBER 4');
    expect(choices[0]).toEqual({ name: 'Erdoğan talks report number 4', value: 'story-4' });
    expect(choices.every((c) => c.name.startsWith('Erdoğan talks report number 4'))).toBe(true);
  });

  it('matches ids by prefix and an exact id first', () => {
    expect(search.choices('story-49999')[0]!.value).toBe('story-49999');
    expect(search.choices('story-1234').map((c) => c.value)).toEqual(expect.arrayContaining(['story-1234', 'story-12340']));
  });

  it('finds words inside titles and forgives a typo', () => {
    expect(search.choices('mutiny').length).toBe(25);
    expect(search.choices('mutiny').every((c) => c.name.includes('Wagner mutiny'))).toBe(true);
    expect(search.choices('cosmodrom').some((c) => c.name.includes('Vostochny cosmodrome'))).toBe(true);
    expect(search.choices('cosmodrone').some((c) => c.name.includes('Vostochny cosmodrome'))).toBe(true);
  });

  it('resolves an exact title typed by hand', () => {
    expect(search.byTitle('wagner mutiny report number 2')?.id).toBe('story-2');
    expect(search.byTitle('no such title')).toBeUndefined();
  });
});
