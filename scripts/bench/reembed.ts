/**
 * Re-embedding a large index as a maintainer does after a change: the live version of a cached index copied
 * to a scratch folder, then `buildIndex` run twice on it, with the same articles (nothing to write) and with
 * one article more (a few texts to embed; the local vector graph updated in place, docs/SCALING.md).
 */
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../../src/config.js';
import type { Article } from '../../src/corpus/types.js';
import type { Embedder } from '../../src/embedder.js';
import { buildIndex } from '../../src/index/build.js';
import { log, timed } from './measure.js';
import type { ReembedRow } from './results.js';

/** The article a re-embed adds: the corpus's first one again, under a new id, with one more sentence. */
function addedArticle(articles: Article[]): Article {
  const first = articles[0]!;
  return { ...first, id: 'bench-added-article', title: `${first.title} (updated)`, text: `${first.text}\n\nThis sentence was added by the benchmark.` };
}

export async function benchReembed(name: string, dir: string, articles: Article[], embedder: Embedder, config: Config, scratch: string): Promise<ReembedRow[]> {
  const version = readFileSync(path.join(dir, 'CURRENT'), 'utf8').trim();
  await fs.rm(scratch, { recursive: true, force: true });
  await fs.mkdir(scratch, { recursive: true });
  try {
    await fs.cp(path.join(dir, version), path.join(scratch, version), { recursive: true });
    await fs.writeFile(path.join(scratch, 'CURRENT'), version + '\n');
    const rows: ReembedRow[] = [];
    for (const [change, list] of [
      ['nothing changed', articles],
      ['one article added', [...articles, addedArticle(articles)]],
    ] as const) {
      log(`re-embedding ${name}: ${change}`);
      const run = await timed(() => buildIndex({ articles: [...list], embedder, dir: scratch, chunking: config.chunking, hnsw: config.hnsw }));
      const report = run.value;
      rows.push({ name, change, chunks: report.chunks, embeddedTexts: report.embeddedTexts, vectorIndex: report.vectorIndex, ms: run.ms, cpuMs: run.cpuMs });
    }
    return rows;
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
}
