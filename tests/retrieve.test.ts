import { describe, expect, it } from 'vitest';
import { LexicalIndex } from '../src/index/lexical-index.js';
import { loadIndex } from '../src/index/store.js';
import { reciprocalRankFusion, retrieve } from '../src/retrieve.js';
import { RETRIEVAL_MODES } from '../src/config.js';
import { buildInto, sharedEmbedder, testConfig } from './helpers.js';

describe('BM25 at two levels', () => {
  const chunks = [
    { label: 0, title: 'Grain talks', text: 'Erdogan met Putin in Sochi.' },
    { label: 1, title: 'Grain talks', text: 'The Black Sea grain deal lapsed in July.' },
    { label: 2, title: 'Summit', text: 'Putin hosted Kim at Vostochny.' },
  ];
  const articles = [
    { id: 'grain-talks', title: 'Grain talks', text: `${chunks[0]!.text} ${chunks[1]!.text}` },
    { id: 'summit', title: 'Summit', text: chunks[2]!.text },
  ];
  const index = LexicalIndex.build(chunks, articles);

  it('ranks a whole article by words spread over its chunks', () => {
    // No chunk holds both "Sochi" and "grain"; the article does.
    expect(index.queryArticles('Sochi grain', 5).map((hit) => hit.articleId)).toEqual(['grain-talks']);
    expect(index.query('Sochi grain', 5).map((hit) => hit.label).sort()).toEqual([0, 1]);
  });

  it('survives a save and a load', () => {
    const loaded = LexicalIndex.fromJSON(index.toJSON());
    expect(loaded.query('Putin', 5)).toEqual(index.query('Putin', 5));
    expect(loaded.queryArticles('Putin Kim', 5)).toEqual(index.queryArticles('Putin Kim', 5));
    expect([loaded.chunkCount, loaded.articleCount]).toEqual([3, 2]);
  });
});

describe('common terms in a large collection', () => {
  // "putin" and "russia" are in 1,100 of 1,200 chunks; "sochi" in one.
  const chunks = Array.from({ length: 1200 }, (_, label) => ({
    label,
    title: 'Report',
    text: `${label < 1100 ? 'Putin spoke about Russia' : 'Rain fell'}${label === 5 ? ' in Sochi' : ''}, entry ${label}.`,
  }));
  const index = LexicalIndex.build(chunks, []);

  it('are left out next to a rarer term', () => {
    expect(index.query('Putin Sochi', 5).map((hit) => hit.label)).toEqual([5]);
  });

  it('are still searched when nothing else that occurs would remain', () => {
    expect(index.query('Putin Russia', 5)).toHaveLength(5);
    expect(index.query('Putin Russia xyzzy', 5)).toHaveLength(5);
  });
});

describe('reciprocal rank fusion', () => {
  it('adds weight / (60 + rank) from each list', () => {
    const fused = reciprocalRankFusion(
      [
        [{ label: 1, score: 0 }, { label: 2, score: 0 }],
        [{ label: 2, score: 0 }, { label: 3, score: 0 }],
      ],
      [1, 0.5],
    );
    expect(fused.map((hit) => hit.label)).toEqual([2, 1, 3]);
    expect(fused[0]!.score).toBeCloseTo(1 / 62 + 0.5 / 61, 10);
  });
});

describe('retrieval over the shipped coverage', async () => {
  const config = testConfig();
  await buildInto(config);
  const index = await loadIndex(config.embeddingsDir, config.hnsw);
  const embedder = await sharedEmbedder();
  const question = 'Which aircraft factory did Kim Jong-un visit?';
  const vector = await embedder.embedQuery(question);

  it.each(RETRIEVAL_MODES)('returns distinct chunks, best first, within the limit (%s)', (mode) => {
    const hits = retrieve(index, question, vector, { mode, limit: 7 });
    expect(hits).toHaveLength(7);
    expect(new Set(hits.map((hit) => hit.label)).size).toBe(7);
    for (const [i, hit] of hits.entries()) if (i > 0) expect(hit.score).toBeLessThanOrEqual(hits[i - 1]!.score);
    const top = index.chunks[hits[0]!.label]!;
    expect(index.articles.get(top.articleId)!.text.slice(top.start, top.end)).toMatch(/Komsomolsk|aviation|aircraft/);
  });

  it('ranks a boosted article (one a conversation cited) higher, and ignores ids the index lacks', async () => {
    const articlesOf = (hits: { label: number }[]) => hits.map((h) => index.chunks[h.label]!.articleId);
    const followUp = 'What did they discuss?';
    const followUpVector = await embedder.embedQuery(followUp);
    const plain = retrieve(index, followUp, followUpVector, { mode: 'hybrid', limit: 20 });
    // The article the plain ranking reaches last.
    const target = [...new Set(articlesOf(plain))].at(-1)!;
    const boosted = retrieve(index, followUp, followUpVector, { mode: 'hybrid', limit: 20, boostArticles: new Set([target, 'an-article-that-left-the-index']) });
    const firstAt = (hits: { label: number }[]) => articlesOf(hits).indexOf(target);
    expect(firstAt(boosted)).toBeGreaterThanOrEqual(0);
    expect(firstAt(boosted)).toBeLessThan(firstAt(plain));
    const none = retrieve(index, followUp, followUpVector, { mode: 'hybrid', limit: 20, boostArticles: new Set(['an-article-that-left-the-index']) });
    expect(none).toEqual(plain);
  });
});
