/** The local version's SQLite file as a serving process holds it: opened read-only, closed when replaced. */
import { promises as fs, readdirSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ArticleTexts, TEXT_CACHE_CHARS } from '../src/index/article-texts.js';
import { openLocalVersion } from '../src/index/local-version.js';
import { currentVersion, IndexError } from '../src/index/store.js';
import { openPipeline, REFUSED_RETRY_MS } from '../src/pipeline.js';
import { buildInto, shippedArticles, testConfig } from './helpers.js';

/** The files of a folder this process holds open (Linux), deleted ones marked " (deleted)". */
function openFilesUnder(dir: string): string[] {
  const links: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      links.push(readlinkSync(`/proc/self/fd/${fd}`));
    } catch {
      // closed meanwhile
    }
  }
  return links.filter((link) => link.startsWith(dir + path.sep)).sort();
}

describe.runIf(process.platform === 'linux')('the SQLite files of a serving process', async () => {
  const articles = (await shippedArticles()).slice(0, 2);
  const question = `What does the article "${articles[0]!.title}" say?`;

  it('closes a version replaced by a reload once its questions are answered, a refused one at once, and the last one with the pipeline', async () => {
    const config = testConfig();
    const dir = config.embeddingsDir;
    const live = async () => path.join(dir, (await currentVersion(dir))!, 'coverage.sqlite');
    await buildInto(config, articles);
    const pipeline = await openPipeline(config);
    expect(openFilesUnder(dir)).toEqual([await live()]);
    const first = await live();

    // A question held at its embedding while three new versions are swapped in (the first one's folder is
    // deleted meanwhile): it is still answered, from the version it started on.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const embedQuery = pipeline.embedder.embedQuery.bind(pipeline.embedder);
    vi.spyOn(pipeline.embedder, 'embedQuery').mockImplementationOnce(async (text) => {
      await held;
      return embedQuery(text);
    });
    const inFlight = pipeline.ask(question);
    const startedOn = pipeline.index.version;
    for (let i = 0; i < 3; i++) {
      // Each build changes the coverage (the same articles again would write nothing).
      await buildInto(config, i % 2 ? articles : articles.slice(0, -1));
      expect(await pipeline.reload()).toBe(true);
    }
    expect(openFilesUnder(dir)).toEqual([`${first} (deleted)`, await live()]);
    release();
    const answer = await inFlight;
    expect(answer.passages.length).toBeGreaterThan(0);
    expect(startedOn).not.toBe(pipeline.index.version);
    // Only the live version's file is open now: no handle per reload, no deleted file's space held.
    expect(openFilesUnder(dir)).toEqual([await live()]);
    expect((await pipeline.ask(question)).passages.length).toBeGreaterThan(0);

    // A new version the pipeline refuses (another model) leaves no file open behind it.
    await buildInto(config, articles);
    const manifestFile = path.join(dir, (await currentVersion(dir))!, 'manifest.json');
    const manifest = JSON.parse(await fs.readFile(manifestFile, 'utf8'));
    await fs.writeFile(manifestFile, JSON.stringify({ ...manifest, model: { ...manifest.model, id: 'Xenova/all-MiniLM-L6-v2' } }));
    await expect(pipeline.reload()).rejects.toThrow(/all-MiniLM-L6-v2.*npm run embed/);
    // Refused once, it is not opened again at the next poll (nor warned about again).
    expect(await pipeline.reload()).toBe(false);
    expect(openFilesUnder(dir)).toHaveLength(1);
    // ...until REFUSED_RETRY_MS have passed: then it is tried (and refused) again.
    const now = Date.now();
    const clock = vi.spyOn(Date, 'now').mockReturnValue(now + REFUSED_RETRY_MS + 1);
    await expect(pipeline.reload()).rejects.toThrow(/all-MiniLM-L6-v2/);
    clock.mockRestore();
    expect(openFilesUnder(dir)).toHaveLength(1);
    expect((await pipeline.ask(question)).passages.length).toBeGreaterThan(0);

    // Served read-only: no journal or WAL file beside it.
    // (dense.hnsw.labels is there when the build updated the previous graph in place.)
    const files = readdirSync(path.join(dir, pipeline.index.version)).filter((name) => name !== 'dense.hnsw.labels');
    expect(files.sort()).toEqual(['coverage.sqlite', 'dense.hnsw', 'manifest.json']);

    await pipeline.close();
    expect(openFilesUnder(dir)).toEqual([]);
  });

  it("keeps the articles' texts in the file until asked for: the corpus's texts, whole in JSON, one line once the version is closed", async () => {
    const config = testConfig();
    await buildInto(config, articles);
    const local = await openLocalVersion(config.embeddingsDir, config.hnsw);
    const served = articles.map((a) => local.articles.get(a.id)!);
    // The served article holds no text of its own, only a way to read it.
    expect(served.map((a) => typeof Object.getOwnPropertyDescriptor(a, 'text')?.get)).toEqual(['function', 'function']);
    expect(served.map((a) => a.text)).toEqual(articles.map((a) => a.text));
    expect(JSON.parse(JSON.stringify(served))).toEqual(JSON.parse(JSON.stringify(articles)));
    expect(served.map((a) => ({ ...a }))).toEqual(JSON.parse(JSON.stringify(articles)));
    local.file.close();
    local.dense.close?.();

    const closed = await openLocalVersion(config.embeddingsDir, config.hnsw);
    closed.file.close();
    closed.dense.close?.();
    const unread = closed.articles.get(articles[1]!.id)!;
    expect(unread.title).toBe(articles[1]!.title);
    expect(() => unread.text).toThrow(new IndexError('This version of the index was closed (a newer one replaced it): please ask again.'));
  });
});

describe('article texts read when asked for', () => {
  it('keeps the texts read last up to its budget, and reads a dropped one again', () => {
    const reads: number[] = [];
    const size = Math.floor(TEXT_CACHE_CHARS / 3);
    const texts = new ArticleTexts((position) => {
      reads.push(position);
      return String(position % 10).repeat(size);
    });
    for (const position of [0, 1, 0, 2, 3, 3]) texts.text(position);
    expect(reads).toEqual([0, 1, 2, 3]); // three fit: 0 was dropped when 3 came
    expect(texts.text(1)).toBe('1'.repeat(size));
    texts.text(0);
    expect(reads).toEqual([0, 1, 2, 3, 0]);
    // A text over the whole budget is still given (and kept alone).
    const large = new ArticleTexts(() => 'x'.repeat(TEXT_CACHE_CHARS + 1));
    expect(large.text(7)).toHaveLength(TEXT_CACHE_CHARS + 1);
  });
});
