/**
 * The bench's scale index (scripts/bench/scale.ts): the public sets repeated under new ids to a chunk count, and
 * embedded by the shipped model with each distinct text once. Real model.
 */
import { expect, it } from 'vitest';
import { distinctTextEmbedder, scaleCorpus } from '../scripts/bench/scale.js';
import type { Embedder } from '../src/embedder.js';
import { sharedEmbedder, shippedArticles } from './helpers.js';

it('embeds each distinct text once, and gives a repeated text the vector of its first', async () => {
  const embedder = await sharedEmbedder();
  const seen: string[][] = [];
  const counting: Embedder = { ...embedder, embedPassages: (texts, onProgress) => (seen.push(texts), embedder.embedPassages(texts, onProgress)) };
  const texts = ['Kim Jong-un travelled to Russia by train.', 'Prigozhin was buried in St Petersburg.', 'Kim Jong-un travelled to Russia by train.', 'Peskov spoke to reporters.'];
  const progress: number[] = [];
  const distinct = distinctTextEmbedder(counting);
  const vectors = await distinct.embedPassages(texts, (done) => progress.push(done));

  expect(seen).toEqual([[texts[0], texts[1], texts[3]]]);
  expect(distinct.distinctTexts).toBe(3);
  expect(vectors).toHaveLength(4);
  expect(vectors[2]).toBe(vectors[0]);
  // The embedder's own vectors for the distinct texts (a batch's padding moves them, so the same batch).
  expect([vectors[0], vectors[1], vectors[3]]).toEqual(await embedder.embedPassages([texts[0]!, texts[1]!, texts[3]!]));
  expect(progress.at(-1)).toBe(texts.length);
});

it('repeats the articles under new ids until the chunks add up to the target', async () => {
  const articles = (await shippedArticles()).slice(0, 3);
  const corpus = scaleCorpus(articles, () => 2, 13);
  expect(corpus.map((a) => a.id)).toEqual([...articles.map((a) => a.id), ...articles.map((a) => `copy2-${a.id}`), `copy3-${articles[0]!.id}`]);
  expect(corpus[3]!.text).toBe(articles[0]!.text);
});
