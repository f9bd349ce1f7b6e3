/**
 * Writing a version's SQLite file (sqlite-file.ts reads it): its tables, the articles, chunks and sentences with
 * their vectors and annotations, the term tables and the postings of the lexical index, in batched
 * transactions that let the event loop run between them. A new file, in the build's staging folder.
 */
import Database from 'better-sqlite3';
import { setImmediate as yieldToEvents } from 'node:timers/promises';
import type { Article } from '../corpus/types.js';
import type { SentenceAnnotation } from '../reader/annotate.js';
import { fieldLength, PostingsBuilder } from './postings.js';
import { LexicalIndex, type TermTable } from './lexical-index.js';
import { vectorBytes } from './rows.js';
import type { ChunkRecord, SentenceRecord } from './store.js';

/** Rows per write transaction; between two, the event loop runs (the embed lock's heartbeat, Ctrl-C). */
const BATCH_ROWS = 2_000;

const SCHEMA = `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE articles (position INTEGER PRIMARY KEY, id TEXT NOT NULL, doc TEXT NOT NULL);
  CREATE TABLE chunks (label INTEGER PRIMARY KEY, article INTEGER NOT NULL, start_offset INTEGER NOT NULL, end_offset INTEGER NOT NULL,
                       first_sentence INTEGER NOT NULL, sentence_count INTEGER NOT NULL);
  CREATE TABLE sentences (id INTEGER PRIMARY KEY, article INTEGER NOT NULL, start_offset INTEGER NOT NULL, end_offset INTEGER NOT NULL,
                          annotation TEXT NOT NULL, embedding BLOB NOT NULL);
  CREATE TABLE chunk_postings (term TEXT PRIMARY KEY, postings BLOB NOT NULL);
  CREATE TABLE article_postings (term TEXT PRIMARY KEY, postings BLOB NOT NULL);
  CREATE TABLE chunk_lengths (label INTEGER PRIMARY KEY, title INTEGER NOT NULL, text INTEGER NOT NULL);
  CREATE TABLE article_lengths (position INTEGER PRIMARY KEY, title INTEGER NOT NULL, text INTEGER NOT NULL);`;

/** What a build writes into the file. */
export interface CoverageFileContents {
  articles: readonly Article[];
  chunks: readonly ChunkRecord[];
  sentences: readonly SentenceRecord[];
  sentenceVectors: Float32Array;
  annotations: readonly SentenceAnnotation[];
  terms: TermTable;
  /** Each chunk's terms, by label (IndexContents.chunkTerms). */
  chunkTerms: readonly (readonly string[])[];
}

/** Runs `insert` for rows 0..count-1 in batched transactions, yielding to the event loop between batches. */
async function insertAll(db: Database.Database, count: number, insert: (i: number) => void, signal?: AbortSignal): Promise<void> {
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) insert(i);
  });
  for (let from = 0; from < count; from += BATCH_ROWS) {
    signal?.throwIfAborted();
    batch(from, Math.min(count, from + BATCH_ROWS));
    await yieldToEvents();
  }
}

/** A SQLite error while writing as the file-system error it stands for, so that the user is told what to do (errors.ts). */
function asFileError(error: unknown, file: string): unknown {
  const code = (error as { code?: unknown }).code;
  const errno = code === 'SQLITE_FULL' ? 'ENOSPC' : code === 'SQLITE_READONLY' || code === 'SQLITE_PERM' ? 'EACCES' : undefined;
  if (!errno) return error;
  return Object.assign(new Error(`${errno}: ${(error as Error).message}, write '${file}'`, { cause: error }), { code: errno, syscall: 'write', path: file });
}

/** Writes a version's file (a new file: the staging folder's). */
export async function writeCoverageFile(file: string, contents: CoverageFileContents, dimension: number, signal?: AbortSignal): Promise<void> {
  try {
    await writeTables(file, contents, dimension, signal);
  } catch (error) {
    throw asFileError(error, file);
  }
}

async function writeTables(file: string, contents: CoverageFileContents, dimension: number, signal?: AbortSignal): Promise<void> {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.exec(SCHEMA);
    const { articles, chunks, sentences, sentenceVectors, annotations } = contents;
    const position = new Map(articles.map((a, i) => [a.id, i]));
    const positionOf = (id: string) => position.get(id)!;
    db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('terms', JSON.stringify(contents.terms.toJSON()));

    const article = db.prepare('INSERT INTO articles (position, id, doc) VALUES (?, ?, ?)');
    const articleLengths = db.prepare('INSERT INTO article_lengths VALUES (?, ?, ?)');
    const articlePostings = new PostingsBuilder();
    const titleTerms = articles.map((a) => LexicalIndex.terms(a.title));
    await insertAll(db, articles.length, (i) => {
      const a = articles[i]!;
      article.run(i, a.id, JSON.stringify(a));
      articlePostings.add(i, 0, titleTerms[i]!);
      articlePostings.add(i, 1, LexicalIndex.terms(a.text));
      articleLengths.run(i, fieldLength(a.title), fieldLength(a.text));
    }, signal);

    const chunk = db.prepare('INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?)');
    const chunkLengths = db.prepare('INSERT INTO chunk_lengths VALUES (?, ?, ?)');
    const chunkPostings = new PostingsBuilder();
    await insertAll(db, chunks.length, (label) => {
      const c = chunks[label]!;
      const at = positionOf(c.articleId);
      const a = articles[at]!;
      chunk.run(label, at, c.start, c.end, c.firstSentence, c.sentenceCount);
      chunkPostings.add(label, 0, titleTerms[at]!);
      chunkPostings.add(label, 1, contents.chunkTerms[label]!);
      chunkLengths.run(label, fieldLength(a.title), fieldLength(a.text.slice(c.start, c.end)));
    }, signal);
    for (const [table, postings] of [['article_postings', articlePostings], ['chunk_postings', chunkPostings]] as const) {
      const insert = db.prepare(`INSERT INTO ${table} (term, postings) VALUES (?, ?)`);
      const terms = postings.terms();
      await insertAll(db, terms.length, (i) => insert.run(terms[i]!, postings.packed(terms[i]!)), signal);
    }

    const sentence = db.prepare('INSERT INTO sentences VALUES (?, ?, ?, ?, ?, ?)');
    await insertAll(db, sentences.length, (id) => {
      const s = sentences[id]!;
      const vector = sentenceVectors.subarray(id * dimension, (id + 1) * dimension);
      sentence.run(id, positionOf(s.articleId), s.start, s.end, JSON.stringify(annotations[id]), vectorBytes(vector));
    }, signal);
    signal?.throwIfAborted();
  } finally {
    db.close();
  }
}

