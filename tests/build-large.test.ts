/**
 * A very long article goes through the build: no step spreads an array into a call (push(...array) overflows
 * the stack at ~100k elements). Chunking and the index are real; only the embedding step reuses one real
 * vector for every text, as embedding 150,000 texts would take minutes and is not what is tested here.
 */
import { describe, expect, it } from 'vitest';
import type { Embedder } from '../src/embedder.js';
import { buildIndex } from '../src/index/build.js';
import { loadIndex } from '../src/index/store.js';
import { sharedEmbedder, testConfig } from './helpers.js';

describe('a very long article', () => {
  it('is chunked, indexed and loaded with 150,000 sentences', async () => {
    const real = await sharedEmbedder();
    const vector = await real.embedQuery('The talks went on.');
    const embedder: Embedder = { ...real, embedPassages: async (texts) => texts.map(() => vector) };
    const sentences = 150_000;
    const text = Array.from({ length: sentences / 50 }, () => 'Yes. '.repeat(50).trim()).join('\n\n');
    const config = testConfig();
    const report = await buildIndex({
      articles: [{ id: 'long', title: 'A very long article', text, captions: [], source: 'long.txt' }],
      embedder,
      dir: config.embeddingsDir,
      chunking: config.chunking,
      hnsw: config.hnsw,
    });
    expect(report.sentences).toBe(sentences);
    const index = await loadIndex(config.embeddingsDir, config.hnsw);
    expect(index.sentences).toHaveLength(sentences);
    expect(index.chunks.length).toBe(report.chunks);
  }, 120_000);
});
