/**
 * The benchmark's largest index: about 100,000 chunks of real text from every public set in the data folder
 * (SciFact, NFCorpus, NQ-UTD, the SQuAD paragraphs), repeated under new article ids once the sets run out,
 * embedded by the shipped model like any other index (since the twentieth session; before, with random unit
 * vectors, the worst case for an HNSW graph and no test of the projected graph). A copy's texts are the
 * original's, so each distinct text is embedded once (`distinctTextEmbedder`): under 10 minutes on two cores
 * (517 s in the twentieth session's bench), once per machine (the bench keeps the index in its cache). `randomPassageEmbedder` stays for the experiments
 * that timed the random-vector index (scripts/experiments).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseFiles } from '../../src/corpus/load.js';
import type { Article } from '../../src/corpus/types.js';
import type { Embedder } from '../../src/embedder.js';
import { mulberry32 } from './vectors.js';

/** Chunks in the scale index. */
export const SCALE_CHUNKS = 100_000;
/** Its name in the bench's cache and reports. */
export const SCALE_INDEX = 'public-100k';

function jsonlArticles(file: string): Article[] {
  return parseFiles([{ source: path.basename(file), bytes: new Uint8Array(readFileSync(file)) }]).articles;
}

interface SquadFile {
  data: { title: string; paragraphs: { context: string }[] }[];
}

function squadArticles(file: string, prefix: string): Article[] {
  const squad = JSON.parse(readFileSync(file, 'utf8')) as SquadFile;
  return squad.data.flatMap((article, a) =>
    article.paragraphs.map((paragraph, p) => ({
      id: `${prefix}-${a}-${p}`,
      title: article.title.replace(/_/g, ' '),
      text: paragraph.context,
      captions: [],
      source: path.basename(file),
    })),
  );
}

/** Every public set's documents, in a fixed order. */
export function publicArticles(dataDir: string): Article[] {
  const sets: Article[][] = [];
  for (const name of ['scifact', 'nfcorpus']) {
    const file = path.join(dataDir, name, 'corpus.jsonl');
    if (existsSync(file)) sets.push(jsonlArticles(file).map((a) => ({ ...a, id: `${name}-${a.id}` })));
  }
  const nq = path.join(dataDir, 'nq-utd', 'corpus', 'human.jsonl');
  if (existsSync(nq)) sets.push(jsonlArticles(nq).map((a) => ({ ...a, id: `nq-${a.id}` })));
  const squad1 = path.join(dataDir, 'squad-v1.1', 'dev-v1.1.json');
  if (existsSync(squad1)) sets.push(squadArticles(squad1, 'squad'));
  return sets.flat();
}

/** Articles whose chunks add up to `target`, repeating the sets under new ids (`copy2-…`) when they run out. */
export function scaleCorpus(articles: Article[], chunksOf: (article: Article) => number, target = SCALE_CHUNKS): Article[] {
  if (articles.length === 0) return [];
  const picked: Article[] = [];
  let total = 0;
  for (let copy = 1; total < target; copy++) {
    for (const article of articles) {
      if (total >= target) break;
      picked.push(copy === 1 ? article : { ...article, id: `copy${copy}-${article.id}` });
      total += chunksOf(article);
    }
  }
  return picked;
}

/** An embedder that embeds each distinct text of a call once, and counts the texts it embedded. */
export interface DistinctTextEmbedder extends Embedder {
  /** Distinct texts embedded so far, over every call. */
  readonly distinctTexts: number;
}

/** The texts a DistinctTextEmbedder embedded, or undefined for any other embedder. */
export const distinctTextsOf = (embedder: Embedder): number | undefined => (embedder as Partial<DistinctTextEmbedder>).distinctTexts;

/**
 * The embedder, embedding each distinct text of a call once (the scale corpus repeats its articles under new ids);
 * the vectors the embedder gives each text (it batches texts by their length).
 */
export function distinctTextEmbedder(embedder: Embedder): DistinctTextEmbedder {
  let embedded = 0;
  return {
    ...embedder,
    get distinctTexts() {
      return embedded;
    },
    async embedPassages(texts, onProgress) {
      const first = new Map<string, number>();
      const distinct: string[] = [];
      const slot = texts.map((text) => {
        let at = first.get(text);
        if (at === undefined) first.set(text, (at = distinct.push(text) - 1));
        return at;
      });
      const vectors = await embedder.embedPassages(distinct, onProgress && ((done) => onProgress(Math.round((done / Math.max(1, distinct.length)) * texts.length))));
      embedded += distinct.length;
      return slot.map((at) => vectors[at]!);
    },
  };
}

/** The real embedder, except that passages get random unit vectors (the scale index until the twentieth session). */
export function randomPassageEmbedder(embedder: Embedder, seed = 42): Embedder {
  const next = mulberry32(seed);
  const dimension = embedder.dimension;
  return {
    ...embedder,
    async embedPassages(texts, onProgress) {
      const vectors = texts.map(() => {
        const v = new Float32Array(dimension);
        let norm = 0;
        for (let i = 0; i < dimension; i++) norm += (v[i] = next() - 0.5) ** 2;
        const scale = 1 / Math.sqrt(norm);
        for (let i = 0; i < dimension; i++) v[i]! *= scale;
        return v;
      });
      onProgress?.(texts.length);
      return vectors;
    },
  };
}
