import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, promises as fs, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFromEnv } from '../src/config.js';
import { currentVersion, FORMAT_VERSION, IndexError, IndexMissingError, readCurrentManifest } from '../src/index/store.js';
import { loadIndex } from '../src/index/local-version.js';
import { buildHnswIndex, graphOutdated, loadHnswIndex, updateHnswIndex, verifyGraphFile, type VectorIndex } from '../src/index/vector-index.js';
import { openPipeline } from '../src/pipeline.js';
import { Projection } from '../src/index/projection.js';
import { buildIndex } from '../src/index/build.js';
import { ARTICLES_DIR, buildInto, sharedEmbedder, shippedArticles, tempDir, testConfig } from './helpers.js';

function randomUnitVectors(n: number, dimension: number, seed = 1): Float32Array[] {
  let state = seed;
  const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  return Array.from({ length: n }, () => {
    const v = Float32Array.from({ length: dimension }, random);
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
}

/** Unit vectors near a low-dimensional subspace, as sentence embeddings are (a random unit vector has no leading directions). */
function lowRankUnitVectors(n: number, dimension: number, rank: number, seed = 3): Float32Array[] {
  const basis = randomUnitVectors(rank, dimension, seed);
  const weights = randomUnitVectors(n, rank, seed + 1);
  const noise = randomUnitVectors(n, dimension, seed + 2);
  return weights.map((w, i) => {
    const v = new Float32Array(dimension);
    w.forEach((x, r) => basis[r]!.forEach((b, d) => (v[d]! += x * b)));
    noise[i]!.forEach((x, d) => (v[d]! += 0.15 * x));
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
}

const dotOf = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);

describe('the HNSW vector index', () => {
  it('gives the same results after a save and a load', async () => {
    const vectors = randomUnitVectors(500, 64);
    const params = { m: 16, efConstruction: 200, efSearch: 100 };
    const built = buildHnswIndex(vectors, 64, params);
    const file = path.join(tempDir(), 'dense.hnsw');
    await built.save(file);
    const loaded = await loadHnswIndex(file, 64, params);
    for (const query of vectors.slice(0, 20)) expect(loaded.search(query, 10)).toEqual(built.search(query, 10));
    expect(built.search(vectors[7]!, 1)[0]!.label).toBe(7);
    expect(loaded.size).toBe(500);
  });

  it('refuses a graph file cut short (hnswlib writes through a stream that does not report a full disk)', async () => {
    const built = buildHnswIndex(randomUnitVectors(300, 32), 32, { m: 16, efConstruction: 100, efSearch: 50 });
    const file = path.join(tempDir(), 'dense.hnsw');
    await built.save(file);
    await expect(verifyGraphFile(file, 32)).resolves.toBeUndefined();
    const { size } = await fs.stat(file);
    await fs.truncate(file, Math.floor(size * 0.7));
    await expect(verifyGraphFile(file, 32)).rejects.toThrow(IndexError);
    await expect(verifyGraphFile(file, 32)).rejects.toThrow(/^The vector graph written to \S+dense\.hnsw cannot be read back \(.*\): the disk may be full\. The live index was not changed; free some space and run again\.$/);
  });

  it('is updated in place: kept points move to their new positions, new ones take the deleted ones\' places', async () => {
    const vectors = randomUnitVectors(700, 32, 2);
    const params = { m: 16, efConstruction: 200, efSearch: 100 };
    const dir = tempDir();
    const file = path.join(dir, 'dense.hnsw');
    expect(await buildHnswIndex(vectors.slice(0, 500), 32, params).save(file)).toEqual([file]);
    const expectServes = (index: VectorIndex, set: Float32Array[], dropped: Float32Array[]) => {
      expect(index.size).toBe(set.length);
      set.forEach((vector, position) => {
        expect(index.search(vector, 1)[0]!.label).toBe(position);
        expect(index.vector(position).reduce((sum, x, i) => sum + x * vector[i]!, 0)).toBeCloseTo(1, 5);
      });
      const hits = index.search(set[0]!, set.length + 10);
      expect(hits).toHaveLength(set.length);
      expect(new Set(hits.map((h) => h.label)).size).toBe(set.length);
      // A dropped vector is no longer there: its nearest point is another one.
      for (const vector of dropped) expect(index.search(vector, 1)[0]!.similarity).toBeLessThan(0.99);
    };

    // First update: every tenth old vector dropped, the rest in reverse order, then 40 new ones (10 fewer than dropped).
    const kept = Array.from({ length: 500 }, (_, i) => 499 - i).filter((i) => i % 10 !== 0);
    const first = [...kept.map((i) => vectors[i]!), ...vectors.slice(500, 540)];
    const origins = Int32Array.from([...kept, ...Array.from({ length: 40 }, () => -1)]);
    // Loaded for searching only, a graph is never changed.
    expect(updateHnswIndex(await loadHnswIndex(file, 32, params), origins, (p) => first[p]!)).toBeUndefined();
    const update = updateHnswIndex(await loadHnswIndex(file, 32, params, { updatable: true }), origins, (p) => first[p]!)!;
    expect(update.addedInPlace).toBe(40);
    const firstFile = path.join(dir, 'first.hnsw');
    expect((await update.index.save(firstFile)).map((f) => path.basename(f))).toEqual(['first.hnsw', 'first.hnsw.labels']);
    const dropped = vectors.filter((_, i) => i < 500 && i % 10 === 0);
    expectServes(update.index, first, dropped);
    expectServes(await loadHnswIndex(firstFile, 32, params, { labels: true }), first, dropped);

    // Second update, of the reloaded graph (its map, 10 deleted points not replaced): 20 dropped, 60 added, so
    // the graph grows past its capacity and new labels pass every old one, deleted ones included.
    const second = [...first.slice(20), ...vectors.slice(540, 600)];
    const origins2 = Int32Array.from([...Array.from({ length: first.length - 20 }, (_, i) => i + 20), ...Array.from({ length: 60 }, () => -1)]);
    const again = updateHnswIndex(await loadHnswIndex(firstFile, 32, params, { updatable: true, labels: true }), origins2, (p) => second[p]!, update.addedInPlace)!;
    expect(again.addedInPlace).toBe(100);
    const secondFile = path.join(dir, 'second.hnsw');
    await again.index.save(secondFile);
    expectServes(await loadHnswIndex(secondFile, 32, params, { labels: true }), second, [...dropped, ...first.slice(0, 20)]);

    // Far more deleted than added, or too much put in place since the last fresh build: built afresh instead
    // (undefined), the graph left as it was.
    const shrunk = Int32Array.from({ length: 300 }, (_, i) => i);
    const untouched = await loadHnswIndex(file, 32, params, { updatable: true });
    expect(updateHnswIndex(untouched, shrunk, () => vectors[0]!)).toBeUndefined();
    expect(updateHnswIndex(untouched, origins, (p) => first[p]!, 250)).toBeUndefined();
    expectServes(untouched, vectors.slice(0, 500), []);
  });
});

describe('a large HNSW index, its graph projected', () => {
  const dimension = 512;
  const params = { m: 16, efConstruction: 100, efSearch: 100 };
  const vectors = lowRankUnitVectors(1200, dimension, 24);
  const queries = lowRankUnitVectors(40, dimension, 24, 3).map((q, i) => q.map((x, d) => x + 0.05 * vectors[i * 7]![d]!));
  const exactTop = (set: Float32Array[], query: Float32Array, k: number) =>
    set.map((v, label) => ({ label, similarity: dotOf(query, v) / Math.hypot(...query) })).sort((a, b) => b.similarity - a.similarity).slice(0, k);

  it('finds what the full vectors rank first, and gives their similarities, after a save and a load', async () => {
    // Built projected from 0 vectors on (from 20,000 by default).
    const built = buildHnswIndex(vectors, dimension, { ...params, projectFrom: 0 });
    const file = path.join(tempDir(), 'dense.hnsw');
    expect((await built.save(file)).map((f) => path.basename(f))).toEqual(['dense.hnsw', 'dense.hnsw.projection', 'dense.hnsw.vectors']);
    expect((await fs.stat(`${file}.vectors`)).size).toBe(1200 * dimension * 4);
    // The graph holds the short vectors: a quarter or less of a graph of full ones.
    const full = buildHnswIndex(vectors, dimension, params);
    expect(await full.save(path.join(tempDir(), 'dense.hnsw'))).toHaveLength(1);
    const fullFile = path.join(tempDir(), 'dense.hnsw');
    await full.save(fullFile);
    expect((await fs.stat(file)).size).toBeLessThan((await fs.stat(fullFile)).size / 3);

    const loaded = await loadHnswIndex(file, dimension, params, { projected: true });
    // Loaded without its projection, the graph (of 96-d vectors) would answer wrongly: refused.
    await expect(loadHnswIndex(file, dimension, params)).rejects.toThrow(/holds a projected graph/);
    // At the pipeline's depth of 50: the graph gives 100 candidates, which the full vectors re-rank.
    let found = 0;
    let sameFirstTen = 0;
    for (const query of queries) {
      const exact = exactTop(vectors, query, 50);
      const hits = loaded.search(query, 50);
      expect(hits).toEqual(built.search(query, 50));
      found += hits.filter((h) => exact.some((e) => e.label === h.label)).length;
      // Ranked by the full vectors' cosines, not the projected ones'.
      for (const hit of hits) expect(hit.similarity).toBeCloseTo(dotOf(query, vectors[hit.label]!) / Math.hypot(...query), 5);
      for (let i = 1; i < hits.length; i++) expect(hits[i]!.similarity).toBeLessThanOrEqual(hits[i - 1]!.similarity);
      if (hits.slice(0, 10).every((h, i) => h.label === exact[i]!.label)) sameFirstTen++;
    }
    expect(found / (queries.length * 50)).toBeGreaterThanOrEqual(0.97);
    expect(sameFirstTen / queries.length).toBeGreaterThanOrEqual(0.9);
    // The full vectors are read back exactly.
    expect(Array.from(loaded.vector(123))).toEqual(Array.from(vectors[123]!));
    // Its file is open from the start: a version whose folder a later embed removed is still served.
    await fs.rm(path.dirname(file), { recursive: true });
    expect(loaded.search(vectors[5]!, 1)[0]!.label).toBe(5);
    loaded.close?.();
    expect(() => loaded.search(vectors[5]!, 1)).toThrow(/was closed/);
    loaded.close?.();
  });

  it('projects onto the directions that keep the vectors: orthonormal, nearly all of their energy, far more than any 96 directions', () => {
    const projection = Projection.fit(vectors.length, (i) => vectors[i]!, dimension, 96);
    expect(Projection.fit(vectors.length, (i) => vectors[i]!, dimension, 96)).toEqual(projection);
    // The k-th direction's d-th number is the k-th number of the d-th unit vector projected.
    const columns = Array.from({ length: dimension }, (_, d) => projection.apply(Float32Array.from({ length: dimension }, (_, j) => (j === d ? 1 : 0))));
    const directions = Array.from({ length: 96 }, (_, k) => Float32Array.from(columns, (column) => column[k]!));
    for (let a = 0; a < 96; a += 7) for (let b = 0; b < 96; b += 5) expect(dotOf(directions[a]!, directions[b]!)).toBeCloseTo(a === b ? 1 : 0, 4);
    const energy = (p: Projection) => vectors.reduce((sum, v) => sum + dotOf(p.apply(v), p.apply(v)), 0) / vectors.length;
    expect(energy(projection)).toBeGreaterThan(0.95);
    const random = new Projection(dimension, 96, Float32Array.from(randomUnitVectors(96, dimension, 9).flatMap((v) => Array.from(v))));
    expect(energy(random)).toBeLessThan(0.4);
  });

  it('is updated in place, new vectors projected as the old ones were, and keeps its full vectors in their new order', async () => {
    const file = path.join(tempDir(), 'dense.hnsw');
    await buildHnswIndex(vectors.slice(0, 1000), dimension, { ...params, projectFrom: 0 }).save(file);
    const kept = Array.from({ length: 1000 }, (_, i) => 999 - i).filter((i) => i % 10 !== 0);
    const next = [...kept.map((i) => vectors[i]!), ...vectors.slice(1000, 1080)];
    const origins = Int32Array.from([...kept, ...Array.from({ length: 80 }, () => -1)]);
    const previous = await loadHnswIndex(file, dimension, params, { updatable: true, projected: true });
    const update = updateHnswIndex(previous, origins, (p) => next[p]!)!;
    expect(update.addedInPlace).toBe(80);
    const nextFile = path.join(tempDir(), 'next.hnsw');
    expect((await update.index.save(nextFile)).map((f) => path.basename(f))).toEqual(['next.hnsw', 'next.hnsw.labels', 'next.hnsw.projection', 'next.hnsw.vectors']);
    previous.close?.();
    const loaded = await loadHnswIndex(nextFile, dimension, params, { labels: true, projected: true });
    expect(loaded.size).toBe(next.length);
    next.forEach((vector, position) => {
      expect(loaded.search(vector, 1)[0]!.label).toBe(position);
      expect(Array.from(loaded.vector(position))).toEqual(Array.from(vector));
    });
    loaded.close?.();
  });

  it('is what a build makes of an index of full vectors grown to projectFrom of them', () => {
    const quick = { m: 8, efConstruction: 20, efSearch: 20 };
    const unprojected = buildHnswIndex(vectors.slice(0, 300), dimension, quick);
    expect(graphOutdated(unprojected)).toBe(false);
    expect(graphOutdated(unprojected, 300)).toBe(true);
    expect(graphOutdated(unprojected, 301)).toBe(false);
    expect(graphOutdated(buildHnswIndex(vectors.slice(0, 300), dimension, { ...quick, projectFrom: 300 }), 300)).toBe(false);
    // Short vectors are never projected.
    expect(graphOutdated(buildHnswIndex(randomUnitVectors(300, 64), 64, quick), 0)).toBe(false);
  });
});

describe('the index on disk', async () => {
  const articles = await shippedArticles();

  it('is built, loaded and verified, with a manifest describing it', async () => {
    const config = testConfig();
    const report = await buildInto(config, articles);
    expect(report).toMatchObject({ articles: articles.length, added: expect.any(Array), changed: [], removed: [], unchanged: 0 });
    expect(report.chunks).toBeGreaterThan(articles.length);
    const index = await loadIndex(config.embeddingsDir, config.hnsw);
    expect(index.chunks).toHaveLength(report.chunks);
    expect(index.manifest.model).toMatchObject({ id: 'local/universal-sentence-encoder-lite', dimension: 512, maxTokens: 128 });
    expect(index.manifest.hnsw).toEqual({ space: 'cosine', m: 16, efConstruction: 200, addedInPlace: 0, projectFrom: 20_000 });
    expect(Object.keys(index.manifest.articles)).toHaveLength(articles.length);
    expect(Object.keys(index.manifest.files).sort()).toEqual(['coverage.sqlite', 'dense.hnsw']);
    expect(index.annotations).toHaveLength(index.sentences.length);
    expect(index.sentenceVectors).toHaveLength(index.sentences.length * 512);
    expect(index.lexical.chunkCount).toBe(report.chunks);
  });

  it('serves a large index from a projected graph: an embed past HNSW_PROJECT_FROM builds its graph again from the same vectors, then updates it in place', async () => {
    const config = testConfig();
    await buildInto(config, articles);
    const questions = ['Where did Kim Jong-un and Putin meet?', 'What kind of plane was Prigozhin flying on when he died?', 'What did Putin say about the counteroffensive?'];
    const answers = async (c: typeof config) => {
      const pipeline = await openPipeline(c, { warmUp: false });
      try {
        const found = [];
        for (const q of questions) found.push((await pipeline.ask(q)).passages.map((p) => [p.articleId, p.quoteStart, p.quoteEnd]));
        return found;
      } finally {
        await pipeline.close();
      }
    };
    const before = await answers(config);
    expect(before.every((passages) => passages.length > 0)).toBe(true);
    const chunks = (await loadIndex(config.embeddingsDir, config.hnsw)).chunks.length;

    // The shipped corpus stands in for a large one: projected from 50 chunks on.
    const projected = testConfig({ EMBEDDINGS_DIR: config.embeddingsDir, HNSW_PROJECT_FROM: '50' });
    const report = await buildInto(projected, articles);
    expect(report).toMatchObject({ embeddedTexts: 0, vectorIndex: 'built', unchanged: articles.length });
    const index = await loadIndex(config.embeddingsDir, config.hnsw);
    expect(Object.keys(index.manifest.files).sort()).toEqual(['coverage.sqlite', 'dense.hnsw', 'dense.hnsw.projection', 'dense.hnsw.vectors']);
    expect(index.manifest.hnsw.projectFrom).toBe(50);
    expect(index.dense.size).toBe(chunks);
    // The full vectors re-rank what the graph finds: the same answers as the graph of full vectors gave.
    expect(await answers(projected)).toEqual(before);
    index.chunks.forEach((_, label) => expect(index.dense.search(index.dense.vector(label), 1)[0]).toMatchObject({ label, similarity: expect.closeTo(1, 5) }));

    // One article changed: the projected graph is updated in place, the new vectors projected as the old.
    const edited = articles.map((a, i) => (i === 2 ? { ...a, text: `${a.text}\n\nA correction was appended to this article on Friday.` } : a));
    const update = await buildInto(projected, edited);
    expect(update).toMatchObject({ changed: [articles[2]!.id], vectorIndex: 'updated' });
    const after = await loadIndex(config.embeddingsDir, config.hnsw);
    expect(Object.keys(after.manifest.files).sort()).toEqual(['coverage.sqlite', 'dense.hnsw', 'dense.hnsw.labels', 'dense.hnsw.projection', 'dense.hnsw.vectors']);
    after.chunks.forEach((_, label) => expect(after.dense.search(after.dense.vector(label), 1)[0]!.label).toBe(label));
    expect(await buildInto(projected, edited)).toMatchObject({ vectorIndex: 'unchanged' });
    // Served by a process that keeps the default: a projected graph is not built again for being under it.
    expect(await buildInto(config, edited)).toMatchObject({ vectorIndex: 'unchanged' });
  });

  it('re-embeds only a changed article, and drops a deleted one', async () => {
    const config = testConfig();
    await buildInto(config, articles);
    const before = await loadIndex(config.embeddingsDir, config.hnsw);

    const edited = articles.map((a, i) => (i === 1 ? { ...a, text: `${a.text}\n\nA correction was appended to this article on Friday.` } : a));
    const removedId = edited.at(-1)!.id;
    const report = await buildInto(config, edited.slice(0, -1));
    expect(report.changed).toEqual([articles[1]!.id]);
    expect(report.removed).toEqual([removedId]);
    expect(report.added).toEqual([]);
    expect(report.unchanged).toBe(articles.length - 2);
    const after = await loadIndex(config.embeddingsDir, config.hnsw);
    const changedChunks = after.chunks.filter((c) => c.articleId === articles[1]!.id).length;
    const changedSentences = after.sentences.filter((s) => s.articleId === articles[1]!.id).length;
    expect(report.embeddedTexts).toBe(changedChunks + changedSentences);
    expect(after.chunks.some((c) => c.articleId === removedId)).toBe(false);
    expect(after.articles.has(removedId)).toBe(false);

    // Reused vectors are the same vectors: an unchanged chunk still finds itself.
    const unchanged = after.chunks.findIndex((c) => c.articleId === articles[0]!.id);
    const oldLabel = before.chunks.findIndex((c) => c.articleId === articles[0]!.id);
    expect(after.dense.search(before.dense.vector(oldLabel), 1)[0]).toMatchObject({ label: unchanged });
    // The previous graph was updated, not built again: every chunk of the new version finds itself first,
    // the changed article's new chunks included, and the removed article's are gone.
    expect(report.vectorIndex).toBe('updated');
    expect(Object.keys(after.manifest.files).sort()).toEqual(['coverage.sqlite', 'dense.hnsw', 'dense.hnsw.labels']);
    expect(after.dense.size).toBe(after.chunks.length);
    after.chunks.forEach((_, label) => expect(after.dense.search(after.dense.vector(label), 1)[0]!.label).toBe(label));
    const removedVector = before.dense.vector(before.chunks.findIndex((c) => c.articleId === removedId));
    expect(after.dense.search(removedVector, 1)[0]!.similarity).toBeLessThan(0.999);

    // The same articles again: nothing to write, the live version stays.
    const live = await currentVersion(config.embeddingsDir);
    const folders = readdirSync(config.embeddingsDir).sort();
    const again = await buildInto(config, edited.slice(0, -1));
    expect(again).toMatchObject({ embeddedTexts: 0, vectorIndex: 'unchanged', version: live, chunks: after.chunks.length, changed: [], added: [], removed: [] });
    expect(readdirSync(config.embeddingsDir).sort()).toEqual(folders);

    // An article's details alone (its address) change: a new version, nothing embedded, the graph kept.
    const moved = edited.slice(0, -1).map((a, i) => (i === 0 ? { ...a, url: 'https://example.org/moved' } : a));
    const detail = await buildInto(config, moved);
    expect(detail).toMatchObject({ embeddedTexts: 0, vectorIndex: 'updated', changed: [], detailsChanged: [articles[0]!.id], unchanged: moved.length - 1 });
    expect(detail.version).not.toBe(live);
    expect((await loadIndex(config.embeddingsDir, config.hnsw)).articles.get(articles[0]!.id)!.url).toBe('https://example.org/moved');
  });

  it('leaves the live index untouched when a build is interrupted', async () => {
    const config = testConfig();
    await buildInto(config, articles);
    const version = await currentVersion(config.embeddingsDir);
    const controller = new AbortController();
    controller.abort();
    const changed = articles.map((a) => ({ ...a, text: a.text + '\n\nUpdated.' }));
    await expect(buildInto(config, changed, controller.signal)).rejects.toThrow();
    expect(await currentVersion(config.embeddingsDir)).toBe(version);
    expect(readdirSync(config.embeddingsDir).filter((n) => n.startsWith('.staging'))).toEqual([]);
    const index = await loadIndex(config.embeddingsDir, config.hnsw);
    expect(index.articles.get(articles[0]!.id)!.text).toBe(articles[0]!.text);
  });

  it('stops an interrupted build while it is still cutting a long article into chunks, before anything is embedded', async () => {
    const config = testConfig();
    // About 300 kB of distinct sentences: cutting it into chunks takes far longer than one turn of the event loop.
    const text = Array.from({ length: 4000 }, (_, i) => `Report ${i} says the delegation met officials in city ${i % 97} on day ${i % 31} to discuss item ${i * 7}.`).join(' ');
    const long = { id: 'long-report', title: 'A long report', text, captions: [], source: 'long.txt' };
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 0);
    const progress: number[] = [];
    const build = buildIndex({ articles: [long], embedder: await sharedEmbedder(), dir: config.embeddingsDir, chunking: config.chunking, hnsw: config.hnsw, signal: controller.signal, onProgress: (p) => progress.push(p.embedded) });
    await expect(build).rejects.toThrow(/abort/i);
    // Stopped while planning: the embedding never started.
    expect(progress).toEqual([]);
    expect(await currentVersion(config.embeddingsDir).catch(() => undefined)).toBeUndefined();
  });

  it('refuses a missing, truncated or mismatched index with a clear message', async () => {
    const missing = testConfig();
    await expect(loadIndex(missing.embeddingsDir, missing.hnsw)).rejects.toThrow(IndexMissingError);
    await expect(loadIndex(missing.embeddingsDir, missing.hnsw)).rejects.toThrow(/No index has been built .* Run `npm run embed`/);

    const config = testConfig();
    await buildInto(config, articles.slice(0, 3));
    const folder = path.join(config.embeddingsDir, (await currentVersion(config.embeddingsDir))!);
    const hnswFile = path.join(folder, 'dense.hnsw');
    const original = await fs.readFile(hnswFile);
    await fs.writeFile(hnswFile, original.subarray(0, original.length - 100));
    await expect(loadIndex(config.embeddingsDir, config.hnsw)).rejects.toThrow(/dense\.hnsw .* is damaged \(\d+ bytes where \d+ were written\).*npm run embed/);
    await fs.writeFile(hnswFile, original);

    // One changed byte in the SQLite file is caught by its checksum, before anything reads it.
    const sqliteFile = path.join(folder, 'coverage.sqlite');
    const database = await fs.readFile(sqliteFile);
    const flipped = Buffer.from(database);
    flipped[flipped.length - 10]! ^= 0xff;
    await fs.writeFile(sqliteFile, flipped);
    await expect(loadIndex(config.embeddingsDir, config.hnsw)).rejects.toThrow(/coverage\.sqlite .* is damaged \(its bytes differ from those written: the checksum does not match\).*npm run embed/);
    await fs.rm(sqliteFile);
    await expect(loadIndex(config.embeddingsDir, config.hnsw)).rejects.toThrow(/is missing coverage\.sqlite.*npm run embed/);
    await fs.writeFile(sqliteFile, database);
    expect((await loadIndex(config.embeddingsDir, config.hnsw)).chunks.length).toBeGreaterThan(0);

    // An index of the JSON files (format 3, before SQLite) is refused until re-embedded.
    const manifestFile = path.join(folder, 'manifest.json');
    const manifest = JSON.parse(await fs.readFile(manifestFile, 'utf8'));
    await fs.writeFile(manifestFile, JSON.stringify({ ...manifest, formatVersion: 3 }));
    await expect(loadIndex(config.embeddingsDir, config.hnsw)).rejects.toThrow(/has format 3; this version reads formats 5, 6 and 7\. Run `npm run embed`/);
    await expect(openPipeline(config)).rejects.toThrow(/has format 3; this version reads formats 5, 6 and 7\. Run `npm run embed`/);

    await fs.writeFile(manifestFile, '{"formatVersion": 1, "trunc');
    await expect(loadIndex(config.embeddingsDir, config.hnsw)).rejects.toThrow(/manifest .* cannot be read/);

    // The next embed run rebuilds it, and says why without telling the user to run what is running.
    const report = await buildInto(config, articles.slice(0, 3));
    expect(report.fullRebuildReason).toMatch(/^the previous index could not be used: The index manifest in .* cannot be read \(.*\)\.$/);
    expect(report.fullRebuildReason).not.toMatch(/npm run embed/);
    expect((await loadIndex(config.embeddingsDir, config.hnsw)).chunks.length).toBeGreaterThan(0);
  });

  it('refuses to serve an index of format 4, whose re-embed reuses every vector and annotation', async () => {
    const config = testConfig();
    await buildInto(config, articles.slice(0, 3));
    const before = await loadIndex(config.embeddingsDir, config.hnsw);
    const question = 'Which fighter jets did Kim Jong-un inspect?';
    const hits = before.lexical.query(question, 5);
    expect(hits.length).toBeGreaterThan(0);
    // Format 4 kept its terms in FTS5 tables (as below), not in postings tables: a re-embed must not need those.
    const folder = path.join(config.embeddingsDir, (await currentVersion(config.embeddingsDir))!);
    const sqliteFile = path.join(folder, 'coverage.sqlite');
    const manifestFile = path.join(folder, 'manifest.json');
    const manifest = JSON.parse(await fs.readFile(manifestFile, 'utf8'));
    const rewrite = async (sql: string, formatVersion: number) => {
      const db = new Database(sqliteFile);
      db.exec(sql);
      db.close();
      const bytes = await fs.readFile(sqliteFile);
      manifest.formatVersion = formatVersion;
      manifest.files['coverage.sqlite'] = { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
      await fs.writeFile(manifestFile, JSON.stringify(manifest));
    };
    // A format-5 file without its postings is refused when opened, not at its first question.
    await rewrite('ALTER TABLE chunk_postings RENAME TO chunk_postings_gone', 5);
    await expect(openPipeline(config)).rejects.toThrow(/cannot be read \(no such table: chunk_postings\)\. Run `npm run embed`/);
    await rewrite(
      `DROP TABLE chunk_postings_gone; DROP TABLE article_postings;
       CREATE VIRTUAL TABLE chunk_terms USING fts5(title, text, tokenize = 'ascii'); CREATE VIRTUAL TABLE article_terms USING fts5(title, text, tokenize = 'ascii'); VACUUM`,
      4,
    );
    await expect(openPipeline(config)).rejects.toThrow(/has format 4; this version reads formats 5, 6 and 7\. Run `npm run embed`/);

    const report = await buildInto(config, articles.slice(0, 3));
    expect(report.fullRebuildReason).toBeUndefined();
    expect(report.embeddedTexts).toBe(0);
    expect((await readCurrentManifest(config.embeddingsDir))!.formatVersion).toBe(FORMAT_VERSION);
    const after = await loadIndex(config.embeddingsDir, config.hnsw);
    expect(after.annotations).toEqual(before.annotations);
    expect(after.sentenceVectors).toEqual(before.sentenceVectors);
    expect(after.lexical.query(question, 5)).toEqual(hits);
  });

  it('keeps the annotations of unchanged articles and annotates only new ones', async () => {
    const config = testConfig();
    await buildInto(config, articles.slice(0, 2));
    const first = await loadIndex(config.embeddingsDir, config.hnsw);
    await buildInto(config, articles.slice(0, 3));
    const second = await loadIndex(config.embeddingsDir, config.hnsw);
    expect(second.annotations).toHaveLength(second.sentences.length);
    expect(second.annotations.slice(0, first.annotations.length)).toEqual(first.annotations);
  });

  it('is refused by a pipeline configured with another model, and rebuilt by the next embed run', async () => {
    const config = testConfig();
    await buildInto(config, articles.slice(0, 2));
    const manifestFile = path.join(config.embeddingsDir, (await currentVersion(config.embeddingsDir))!, 'manifest.json');
    const manifest = JSON.parse(await fs.readFile(manifestFile, 'utf8'));
    manifest.model.id = 'Xenova/all-MiniLM-L6-v2';
    await fs.writeFile(manifestFile, JSON.stringify(manifest));
    await expect(openPipeline(config)).rejects.toThrow(IndexError);
    await expect(openPipeline(config)).rejects.toThrow(/built with the model "Xenova\/all-MiniLM-L6-v2".*npm run embed/);

    const report = await buildInto(config, articles.slice(0, 2));
    expect(report.fullRebuildReason).toMatch(/all-MiniLM-L6-v2/);
    expect((await readCurrentManifest(config.embeddingsDir))!.model.id).toBe('local/universal-sentence-encoder-lite');
  });

  it('keeps the version live before a build, not one a killed build moved into place but never made live, and writes versions others may read', async () => {
    const config = testConfig();
    await buildInto(config, articles.slice(0, 3));
    const live = (await currentVersion(config.embeddingsDir))!;
    // What a build killed between moving its folder into place and switching CURRENT leaves: a newer version, never live.
    const neverLive = 'v-2099-01-01T00-00-00-000Z-1';
    await fs.cp(path.join(config.embeddingsDir, live), path.join(config.embeddingsDir, neverLive), { recursive: true });
    await buildInto(config, articles.slice(0, 4));
    const now = (await currentVersion(config.embeddingsDir))!;
    expect(readdirSync(config.embeddingsDir).filter((n) => n.startsWith('v-')).sort()).toEqual([live, now].sort());
    expect((await fs.stat(path.join(config.embeddingsDir, now))).mode & 0o777).toBe(0o755);
  });

  it('builds the index on first use when asked to, and keeps old versions bounded, never touching files of its user', async () => {
    const config = configFromEnv({ CORPUS_DIR: ARTICLES_DIR, EMBEDDINGS_DIR: tempDir() });
    // A folder shared with the user's own files (EMBEDDINGS_DIR=data): none of them is the index's to remove.
    const theirs = ['v-notes.txt', 'v-old-plan', 'draft.tmp', 'notes.tmp'];
    await fs.writeFile(path.join(config.embeddingsDir, 'v-notes.txt'), 'mine');
    await fs.mkdir(path.join(config.embeddingsDir, 'v-old-plan'));
    for (const name of ['draft.tmp', 'notes.tmp']) await fs.writeFile(path.join(config.embeddingsDir, name), 'mine');
    const pipeline = await openPipeline(config, { buildIfMissing: true });
    expect(pipeline.index.articles.size).toBe(articles.length);
    // Warmed up, as a bot starts: the spelling corrections' index is built before the first question needs it.
    expect(pipeline.index.terms.vocabulary.warmed).toBe(true);
    expect(await pipeline.reload()).toBe(false);
    await buildInto(config, articles.slice(0, 5));
    await buildInto(config, articles.slice(0, 4));
    expect(await pipeline.reload()).toBe(true);
    expect(pipeline.index.articles.size).toBe(4);
    // And for the version a reload opens.
    expect(pipeline.index.terms.vocabulary.warmed).toBe(true);
    const once = await openPipeline(config, { warmUp: false });
    expect(once.index.terms.vocabulary.warmed).toBe(false);
    expect((await once.ask('Where did Kim Jong-un meet Vladimr Putin?')).readAs).toMatch(/vladimir/i);
    expect(once.index.terms.vocabulary.warmed).toBe(true);
    await once.close();
    expect(readdirSync(config.embeddingsDir).filter((n) => n.startsWith('v-') && !theirs.includes(n)).length).toBeLessThanOrEqual(2);
    expect(readdirSync(config.embeddingsDir)).toEqual(expect.arrayContaining(theirs));
    expect(existsSync(path.join(config.embeddingsDir, '.lock'))).toBe(false);
  });
});
