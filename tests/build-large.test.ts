/**
 * A very long article goes through the build: no step spreads an array into a call (push(...array) overflows
 * the stack at ~100k elements). Chunking and the index are real; only the embedding step reuses 64 real
 * vectors for every text, as embedding 150,000 texts would take minutes and is not what is tested here.
 */
import { describe, expect, it } from 'vitest';
import type { Embedder } from '../src/embedder.js';
import { buildIndex } from '../src/index/build.js';
import { readCurrentManifest } from '../src/index/store.js';
import { sharedEmbedder, testConfig } from './helpers.js';

describe('a very long article', () => {
  it('is chunked and indexed with 150,000 sentences', async () => {
    const real = await sharedEmbedder();
    const vectors = await real.embedPassages(Array.from({ length: 64 }, (_, i) => `Talks went on for ${i} hours.`));
    const embedder: Embedder = { ...real, embedPassages: async (texts) => texts.map((_, i) => vectors[i % vectors.length]!) };
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
    const manifest = await readCurrentManifest(config.embeddingsDir);
    expect(manifest!.counts).toEqual({ articles: 1, chunks: report.chunks, sentences });
  }, 120_000);
});
