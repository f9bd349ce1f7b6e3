/**
 * Builds the index from articles: chunk, embed, index, write. Re-runs are incremental: an article whose
 * content hash is unchanged keeps its chunks and vectors from the live index, so only new or changed
 * articles are embedded, and deleted ones disappear. A live index built with another model or other
 * chunking settings (or a damaged one) is rebuilt from scratch, and the report says why.
 */
import { setImmediate as yieldToEvents } from 'node:timers/promises';
import { chunkArticle } from '../chunking.js';
import type { ChunkingConfig } from '../config.js';
import type { Article } from '../corpus/types.js';
import type { Embedder } from '../embedder.js';
import { annotate, ANNOTATOR, type SentenceAnnotation } from '../reader/annotate.js';
import { LexicalIndex, TermTable } from './lexical-index.js';
import { localStore, type BuildTarget, type PreviousCoverage } from './coverage.js';
import type { IndexLock } from './lock.js';
import { positionsByArticle, reusableIndex, reusedPlan, sameArticle, sameGraphSettings, unchangedVersion, type ArticlePlan, type PreviousIndex } from './reuse.js';
import { articleHash } from '../corpus/ids.js';
import { type ChunkingSignature, type ChunkRecord, type ModelSignature, type SentenceRecord } from './store.js';
import type { HnswParams } from './vector-index.js';

export interface BuildProgress {
  embedded: number;
  toEmbed: number;
}

export interface BuildOptions {
  articles: Article[];
  embedder: Embedder;
  dir: string;
  chunking: ChunkingConfig;
  hnsw: HnswParams;
  /** Where the build goes: the index folder `dir` unless given (the database, with DATABASE_URL). */
  target?: BuildTarget;
  onProgress?: (progress: BuildProgress) => void;
  /** Aborting stops the build before the live index is touched. */
  signal?: AbortSignal;
  /** The embed lock, when the caller took it already (to fetch under it too) and releases it itself. */
  lock?: IndexLock;
  /** When the articles were read from their folder (Corpus.readAt): the version is as of then. Default: the build's start. */
  corpusAsOf?: number;
}

export interface BuildReport {
  version: string;
  articles: number;
  chunks: number;
  sentences: number;
  added: string[];
  changed: string[];
  /** Articles whose text is the same (nothing embedded) but another field is not: a date, a url, the file. */
  detailsChanged: string[];
  removed: string[];
  unchanged: number;
  /** Chunks and sentences whose vectors were computed in this run (the rest were reused). */
  embeddedTexts: number;
  /**
   * How the chunks' vector index was made: a new graph, the previous version's graph updated in place (local
   * index, few articles changed), or none because nothing was written (`version` is then the live one, which
   * already holds exactly these articles). A database builds its own.
   */
  vectorIndex: 'built' | 'updated' | 'unchanged';
  seconds: number;
  /** Why the previous index could not be reused, when it could not. */
  fullRebuildReason?: string;
}

export function modelSignature(embedder: Embedder): ModelSignature {
  return {
    id: embedder.modelId,
    dimension: embedder.dimension,
    maxTokens: embedder.maxTokens,
    pooling: embedder.profile.pooling,
    queryPrefix: embedder.profile.queryPrefix,
    passagePrefix: embedder.profile.passagePrefix,
    quantized: embedder.quantized,
  };
}

export function chunkingSignature(embedder: Embedder, chunking: ChunkingConfig): ChunkingSignature {
  return { maxTokens: Math.min(chunking.maxTokens ?? embedder.maxTokens, embedder.maxTokens), overlapSentences: chunking.overlapSentences };
}

/**
 * A turn of the event loop once `PAUSE_EVERY_MS` of work has run since the last, and the build stopped there when it
 * is to stop: chunking and annotating run on this thread, and a large build would otherwise hold off Ctrl-C and the
 * lock's heartbeat (lock.ts) for as long as they take.
 */
function pauser(signal: AbortSignal | undefined): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last < PAUSE_EVERY_MS) return;
    await yieldToEvents();
    signal?.throwIfAborted();
    last = performance.now();
  };
}
const PAUSE_EVERY_MS = 50;

export async function buildIndex(options: BuildOptions): Promise<BuildReport> {
  const started = performance.now();
  const corpusAsOf = options.corpusAsOf ?? Date.now();
  const { embedder } = options;
  const model = modelSignature(embedder);
  const chunking = chunkingSignature(embedder, options.chunking);
  const target = options.target ?? localStore(options.dir, options.hnsw).target;
  const held = options.lock;
  // Not held by the caller: the first build (npm run ask, the bot); embed and the feed refresh take it themselves.
  const lock = held ?? (await target.lock('first build'));
  // Losing the lock (taken over after a stall) stops the build like Ctrl-C does.
  options = { ...options, signal: options.signal ? AbortSignal.any([options.signal, lock.signal]) : lock.signal };
  // The previous version, once read, until the build is done: its vector index (a large one reads a file), and
  // what it holds open for its records.
  let previousOpen: PreviousCoverage | undefined;
  try {
    const { previous, reason } = await reusableIndex(target, model, chunking);
    previousOpen = previous;
    // Decided before planning: the plans copy every reused vector, for nothing when nothing is written.
    if (previous && unchangedVersion(previous, options.articles, options.hnsw)) {
      await target.unchanged?.(corpusAsOf);
      const { counts } = previous.manifest;
      return {
        version: previous.version,
        articles: counts.articles,
        chunks: counts.chunks,
        sentences: counts.sentences,
        added: [],
        changed: [],
        detailsChanged: [],
        removed: [],
        unchanged: options.articles.length,
        embeddedTexts: 0,
        vectorIndex: 'unchanged',
        seconds: (performance.now() - started) / 1000,
      };
    }
    const previousHashes = previous?.manifest.articles ?? {};
    const added: string[] = [];
    const changed: string[] = [];

    const records = await previous?.records();
    const reusable: PreviousIndex | undefined = previous && records && {
      records,
      dimension: previous.manifest.model.dimension,
      chunkLabels: positionsByArticle(records.chunks),
      sentenceIds: positionsByArticle(records.sentences),
    };
    const detailsChanged: string[] = [];
    const pause = pauser(options.signal);
    const plans: ArticlePlan[] = [];
    for (const article of options.articles) {
      const hash = articleHash(article);
      const before = previous?.articles.get(article.id);
      // The same text, its headline edited or not: its chunks, sentences, vectors and annotations are the text's
      // alone (a headline is searched from the article's record, written anew), so they are kept.
      if (reusable && (previousHashes[article.id] === hash || (article.id in previousHashes && before?.text === article.text))) {
        if (before && !sameArticle(before, article)) detailsChanged.push(article.id);
        plans.push(reusedPlan(article, hash, reusable));
        await pause();
        continue;
      }
      (article.id in previousHashes ? changed : added).push(article.id);
      const chunks = chunkArticle(article, { maxTokens: chunking.maxTokens, overlapSentences: chunking.overlapSentences, countTokens: embedder.countPassageTokens });
      plans.push({ article, hash, chunks, sentences: uniqueSentences(chunks) });
      await pause();
    }
    const current = new Set(options.articles.map((a) => a.id));
    const removed = Object.keys(previousHashes).filter((id) => !current.has(id));

    // Everything to embed in one stream: each new article's chunks, then its sentences. (Plain loops here and
    // below: push(...array) passes every element on the stack and overflows it for a very long article.)
    const texts: string[] = [];
    for (const plan of plans.filter((p) => !p.reused)) {
      for (const c of plan.chunks) texts.push(plan.article.text.slice(c.start, c.end));
      for (const s of plan.sentences) texts.push(plan.article.text.slice(s.start, s.end));
    }
    options.onProgress?.({ embedded: 0, toEmbed: texts.length });
    const vectors = await embedder.embedPassages(texts, (embedded) => {
      options.signal?.throwIfAborted();
      options.onProgress?.({ embedded, toEmbed: texts.length });
    });

    const chunkRecords: ChunkRecord[] = [];
    const sentenceRecords: SentenceRecord[] = [];
    // Each chunk's label in the previous version when its vector is reused (−1: new), else its new vector.
    const origins: number[] = [];
    const newChunkVectors = new Map<number, Float32Array>();
    const sentenceVectorList: Float32Array[] = [];
    const annotations: SentenceAnnotation[] = [];
    let next = 0;
    for (const plan of plans) {
      const { sentences } = plan;
      const firstSentence = sentenceRecords.length;
      const position = new Map(sentences.map((s, i) => [s.start, firstSentence + i]));
      for (const s of sentences) sentenceRecords.push({ articleId: plan.article.id, start: s.start, end: s.end });
      for (const chunk of plan.chunks) {
        const first = position.get(chunk.sentences[0]!.start)!;
        chunkRecords.push({ articleId: plan.article.id, start: chunk.start, end: chunk.end, firstSentence: first, sentenceCount: chunk.sentences.length });
      }
      if (plan.reused) {
        for (const label of plan.reused.chunkLabels) origins.push(label);
        for (const vector of plan.reused.sentenceVectors) sentenceVectorList.push(vector);
        for (const annotation of plan.reused.annotations) annotations.push(annotation);
      } else {
        for (const s of sentences) {
          annotations.push(annotate(plan.article.text.slice(s.start, s.end)));
          await pause();
        }
        for (let i = 0; i < plan.chunks.length; i++) {
          newChunkVectors.set(origins.length, vectors[next++]!);
          origins.push(-1);
        }
        for (let i = 0; i < sentences.length; i++) sentenceVectorList.push(vectors[next++]!);
      }
    }
    options.signal?.throwIfAborted();

    const sentenceVectors = new Float32Array(sentenceVectorList.length * model.dimension);
    sentenceVectorList.forEach((vector, i) => sentenceVectors.set(vector, i * model.dimension));
    const articleById = new Map(options.articles.map((a) => [a.id, a]));
    const chunkVector = (label: number) => newChunkVectors.get(label) ?? records!.chunkVector(origins[label]!);
    const chunkTexts = chunkRecords.map((chunk) => ({ text: articleById.get(chunk.articleId)!.text.slice(chunk.start, chunk.end) }));
    // Each chunk's terms once, for the term table and then the write's lexical index.
    const chunkTerms = chunkTexts.map((chunk) => LexicalIndex.terms(chunk.text));
    const terms = TermTable.build(chunkTexts, options.articles, chunkTerms);
    const written = await target.write(
      {
        manifest: {
          model,
          chunking,
          hnsw: { space: 'cosine', m: options.hnsw.m, efConstruction: options.hnsw.efConstruction, projectFrom: options.hnsw.projectFrom },
          counts: { articles: options.articles.length, chunks: chunkRecords.length, sentences: sentenceRecords.length },
          annotator: ANNOTATOR,
          articles: Object.fromEntries(plans.map((p) => [p.article.id, p.hash])),
        },
        articles: options.articles,
        chunks: chunkRecords,
        sentences: sentenceRecords,
        sentenceVectors,
        annotations,
        chunkVector,
        previousDense:
          previous?.dense && sameGraphSettings(previous.manifest, options.hnsw)
            ? { index: previous.dense, origins: Int32Array.from(origins), addedInPlace: previous.manifest.hnsw.addedInPlace ?? 0 }
            : undefined,
        terms,
        chunkTerms,
        corpusAsOf,
      },
      options.signal,
    );
    return {
      version: written.version,
      articles: options.articles.length,
      chunks: chunkRecords.length,
      sentences: sentenceRecords.length,
      added,
      changed,
      detailsChanged,
      removed,
      unchanged: plans.filter((p) => p.reused).length - detailsChanged.length,
      embeddedTexts: texts.length,
      vectorIndex: written.vectorIndexUpdated ? 'updated' : 'built',
      seconds: (performance.now() - started) / 1000,
      fullRebuildReason: reason,
    };
  } finally {
    previousOpen?.dense?.close?.();
    previousOpen?.close?.();
    if (!held) await lock.release();
  }
}

/** The distinct sentences of an article's chunks (chunks overlap), in order. */
function uniqueSentences(chunks: ArticlePlan['chunks']): ArticlePlan['sentences'] {
  const seen = new Map<number, { start: number; end: number }>();
  for (const chunk of chunks) for (const sentence of chunk.sentences) seen.set(sentence.start, sentence);
  return [...seen.values()].sort((a, b) => a.start - b.start);
}
