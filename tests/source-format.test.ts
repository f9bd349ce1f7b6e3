/** How `npm run source` shows an article: its header lines, the update an outlet dated among them. */
import { describe, expect, it } from 'vitest';
import { formatArticle } from '../src/cli/source.js';
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
