import { describe, expect, it } from 'vitest';
import { chunkArticle, type ChunkingOptions } from '../src/chunking.js';
import { LexicalIndex } from '../src/index/lexical-index.js';
import { SEGMENT_WINDOW, splitSentences } from '../src/sentences.js';
import { sharedEmbedder, shippedArticles } from './helpers.js';

describe('sentences', () => {
  it('splits at sentence ends but not after abbreviations, and at blank lines', () => {
    const text = 'Mr. Kim arrived on Sept. 12 with Gen. Shoigu. “It will be a full visit,” Mr Peskov said.\n\nA crosshead\n\nThe U.S. objected.';
    expect(splitSentences(text).map((s) => text.slice(s.start, s.end))).toEqual([
      'Mr. Kim arrived on Sept. 12 with Gen. Shoigu.',
      '“It will be a full visit,” Mr Peskov said.',
      'A crosshead',
      'The U.S. objected.',
    ]);
  });

  it('splits a paragraph of hundreds of kilobytes as it splits its sentences, a sentence longer than the segmenter\'s window too', () => {
    // Read a window at a time (the segmenter is quadratic in the text's length): every break must be where it is in the text read whole.
    const sentences = Array.from({ length: 3000 }, (_, i) =>
      i === 1500 ? `A rambling sentence ${'that goes on and on '.repeat(2000)}ends here.` : i % 7 === 0 ? `Mr. Kim met Gen. Shoigu on Sept. ${(i % 28) + 1} in hall ${i}.` : `Report ${i} says the delegation met officials in city ${i % 97}.`,
    );
    const text = sentences.join(' ');
    expect(text.length).toBeGreaterThan(200_000);
    expect(splitSentences(text).map((s) => text.slice(s.start, s.end))).toEqual(sentences);
  });

  it('decides a break near where the text is cut into windows as it does anywhere else ("et al. 2020, 12: 345" ends no sentence)', () => {
    const cited = 'Earlier work (Smith et al. 2020, 12: 345-367) showed it.';
    for (let shift = -40; shift <= 40; shift += 4) {
      const filler: string[] = [];
      while (filler.join(' ').length < SEGMENT_WINDOW - cited.indexOf('2020') + shift) filler.push(`Report ${filler.length} says the delegation met officials.`);
      filler.pop();
      const sentences = [...filler, cited, ...Array.from({ length: 400 }, (_, k) => `Line ${k} continues.`)];
      const text = sentences.join(' ');
      expect(splitSentences(text).map((s) => text.slice(s.start, s.end)), `shift ${shift}`).toEqual(sentences);
    }
  });
});

describe('chunking the shipped corpus with the model’s tokenizer', async () => {
  const embedder = await sharedEmbedder();
  const articles = await shippedArticles();
  const options: ChunkingOptions = { maxTokens: embedder.maxTokens, overlapSentences: 1, countTokens: embedder.countPassageTokens };
  const chunked = articles.map((article) => ({ article, chunks: chunkArticle(article, options) }));

  it('covers every article', () => {
    for (const { article, chunks } of chunked) {
      expect(chunks.length, article.id).toBeGreaterThan(0);
      expect(chunks[0]!.start).toBe(0);
      expect(chunks.at(-1)!.end).toBe(article.text.length);
    }
  });

  it('keeps every chunk within the model’s token limit', () => {
    for (const { chunks, article } of chunked) {
      for (const chunk of chunks) expect(embedder.countPassageTokens(article.text.slice(chunk.start, chunk.end))).toBeLessThanOrEqual(embedder.maxTokens);
    }
  });

  it('cuts only at sentence boundaries, so chunks are whole sentences of the article', () => {
    for (const { article, chunks } of chunked) {
      const starts = new Set(splitSentences(article.text).map((s) => s.start));
      const ends = new Set(splitSentences(article.text).map((s) => s.end));
      for (const chunk of chunks) {
        expect(starts.has(chunk.start) && ends.has(chunk.end), `${article.id} ${chunk.start}-${chunk.end}`).toBe(true);
        expect(chunk.sentences[0]!.start).toBe(chunk.start);
        expect(chunk.sentences.at(-1)!.end).toBe(chunk.end);
      }
    }
  });

  it('never cuts inside a word, so a chunk has exactly the terms of its sentences (the reader counts them so)', () => {
    const long = Array.from({ length: 120 }, (_, i) => `word${i}`).join(' ') + '.';
    const cases = [...chunked, { article: { id: 'long', text: long }, chunks: chunkArticle({ id: 'long', text: long }, options) }];
    for (const { article, chunks } of cases) {
      for (const chunk of chunks) {
        const whole = new Set(LexicalIndex.terms(article.text.slice(chunk.start, chunk.end)));
        const parts = new Set(chunk.sentences.flatMap((s) => LexicalIndex.terms(article.text.slice(s.start, s.end))));
        expect([...parts].sort(), `${article.id} ${chunk.start}-${chunk.end}`).toEqual([...whole].sort());
      }
    }
  });

  it('overlaps consecutive chunks by a sentence where one fits', () => {
    const long = chunked.find(({ article }) => article.source.startsWith('003_'))!;
    expect(long.chunks.length).toBeGreaterThan(5);
    const overlapping = long.chunks.slice(1).filter((chunk, i) => chunk.start < long.chunks[i]!.end);
    expect(overlapping.length).toBeGreaterThan(long.chunks.length / 2);
    for (const [i, chunk] of long.chunks.slice(1).entries()) expect(chunk.end).toBeGreaterThan(long.chunks[i]!.end);
  });

  it('cuts a sentence longer than the limit at word boundaries', () => {
    const sentence = Array.from({ length: 120 }, (_, i) => `word${i}`).join(' ') + '.';
    const chunks = chunkArticle({ id: 'long', text: sentence }, options);
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) {
      const text = sentence.slice(chunk.start, chunk.end);
      expect(embedder.countPassageTokens(text)).toBeLessThanOrEqual(embedder.maxTokens);
      expect(text).toMatch(/^word\d+/);
    }
  });
});
