/**
 * One version of the local coverage in one SQLite file (`coverage.sqlite` in the version folder, through
 * better-sqlite3): the articles, chunks and sentences, the sentences' vectors (BLOBs) and annotations, the term
 * tables, and the lexical index: FTS5 over the project's own stemmed terms (each text is stored as its
 * normalized terms joined by spaces, so FTS5 only splits on spaces), chunks and whole articles, title and
 * text, as the MiniSearch index had them, with each field's length; BM25 is scored from its postings by
 * bm25.ts. A build writes the file once in its staging folder; afterwards it is only ever opened read-only.
 */
import Database from 'better-sqlite3';
import { setImmediate as yieldToEvents } from 'node:timers/promises';
import type { Article } from '../corpus/types.js';
import type { SentenceAnnotation } from '../reader/annotate.js';
import { Bm25Table, fieldLength } from './bm25.js';
import { TermTable } from './lexical-index.js';
import { bytesVector, termText, vectorBytes, type ChunkRow, type SentenceRow } from './rows.js';
import type { ChunkRecord, SentenceRecord } from './store.js';

export const COVERAGE_FILE = 'coverage.sqlite';

/** Rows per write transaction; between two, the event loop runs (the embed lock's heartbeat, Ctrl-C). */
const BATCH_ROWS = 2_000;

/**
 * The stored texts are terms joined by spaces, already lower-cased: the ascii tokenizer splits them on the
 * spaces and leaves every other character as it is, so the stored terms are exactly LexicalIndex.terms().
 * (unicode61 folds case again, and its folding is not lower-casing: a final sigma became σ, the micro sign μ,
 * and those terms were never found.)
 */
const FTS = `fts5(title, text, tokenize = 'ascii')`;
const SCHEMA = `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE articles (position INTEGER PRIMARY KEY, id TEXT NOT NULL, doc TEXT NOT NULL);
  CREATE TABLE chunks (label INTEGER PRIMARY KEY, article INTEGER NOT NULL, start_offset INTEGER NOT NULL, end_offset INTEGER NOT NULL,
                       first_sentence INTEGER NOT NULL, sentence_count INTEGER NOT NULL);
  CREATE TABLE sentences (id INTEGER PRIMARY KEY, article INTEGER NOT NULL, start_offset INTEGER NOT NULL, end_offset INTEGER NOT NULL,
                          annotation TEXT NOT NULL, embedding BLOB NOT NULL);
  CREATE VIRTUAL TABLE chunk_terms USING ${FTS};
  CREATE VIRTUAL TABLE article_terms USING ${FTS};
  CREATE TABLE chunk_lengths (label INTEGER PRIMARY KEY, title INTEGER NOT NULL, text INTEGER NOT NULL);
  CREATE TABLE article_lengths (position INTEGER PRIMARY KEY, title INTEGER NOT NULL, text INTEGER NOT NULL);`;
/** The postings of the FTS5 tables, for a connection (read-only ones too: the temp schema is its own). */
const POSTINGS = `
  CREATE VIRTUAL TABLE temp.chunk_postings USING fts5vocab(main, 'chunk_terms', 'instance');
  CREATE VIRTUAL TABLE temp.article_postings USING fts5vocab(main, 'article_terms', 'instance');`;

/** What a build writes into the file. */
export interface CoverageFileContents {
  articles: readonly Article[];
  chunks: readonly ChunkRecord[];
  sentences: readonly SentenceRecord[];
  sentenceVectors: Float32Array;
  annotations: readonly SentenceAnnotation[];
  terms: TermTable;
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
    const articleTerms = db.prepare('INSERT INTO article_terms (rowid, title, text) VALUES (?, ?, ?)');
    const articleLengths = db.prepare('INSERT INTO article_lengths VALUES (?, ?, ?)');
    await insertAll(db, articles.length, (i) => {
      const a = articles[i]!;
      article.run(i, a.id, JSON.stringify(a));
      articleTerms.run(i, termText(a.title), termText(a.text));
      articleLengths.run(i, fieldLength(a.title), fieldLength(a.text));
    }, signal);

    const chunk = db.prepare('INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?)');
    const chunkTerms = db.prepare('INSERT INTO chunk_terms (rowid, title, text) VALUES (?, ?, ?)');
    const chunkLengths = db.prepare('INSERT INTO chunk_lengths VALUES (?, ?, ?)');
    await insertAll(db, chunks.length, (label) => {
      const c = chunks[label]!;
      const a = articles[positionOf(c.articleId)]!;
      const text = a.text.slice(c.start, c.end);
      chunk.run(label, positionOf(c.articleId), c.start, c.end, c.firstSentence, c.sentenceCount);
      chunkTerms.run(label, termText(a.title), termText(text));
      chunkLengths.run(label, fieldLength(a.title), fieldLength(text));
    }, signal);

    const sentence = db.prepare('INSERT INTO sentences VALUES (?, ?, ?, ?, ?, ?)');
    await insertAll(db, sentences.length, (id) => {
      const s = sentences[id]!;
      const vector = sentenceVectors.subarray(id * dimension, (id + 1) * dimension);
      sentence.run(id, positionOf(s.articleId), s.start, s.end, JSON.stringify(annotations[id]), vectorBytes(vector));
    }, signal);
    signal?.throwIfAborted();
    db.exec(`INSERT INTO chunk_terms (chunk_terms) VALUES ('optimize'); INSERT INTO article_terms (article_terms) VALUES ('optimize');`);
  } finally {
    db.close();
  }
}

/** A version's file opened read-only: what a question reads of it, and what the in-memory tools load whole. */
export class CoverageFile {
  private readonly chunkSearch: Bm25Table;
  private readonly articleSearch: Bm25Table;
  private readonly chunkRows: Database.Statement<[string], { label: number; article: number; start_offset: number; end_offset: number; first_sentence: number; sentence_count: number }>;
  private readonly sentenceRows: Database.Statement<[string], { id: number; article: number; start_offset: number; end_offset: number; annotation: string; embedding: Buffer }>;

  constructor(private readonly db: Database.Database) {
    db.exec(POSTINGS);
    const lengths = (table: string) => {
      const rows = db.prepare(`SELECT title, text FROM ${table} ORDER BY rowid`).raw().all() as number[][];
      return [Int32Array.from(rows, (r) => r[0]!), Int32Array.from(rows, (r) => r[1]!)];
    };
    this.chunkSearch = new Bm25Table(db, 'temp.chunk_postings', lengths('chunk_lengths'));
    this.articleSearch = new Bm25Table(db, 'temp.article_postings', lengths('article_lengths'));
    const listed = 'IN (SELECT value FROM json_each(?))';
    this.chunkRows = db.prepare(`SELECT * FROM chunks WHERE label ${listed}`);
    this.sentenceRows = db.prepare(`SELECT * FROM sentences WHERE id ${listed} ORDER BY id`);
  }

  /** Opens a file read-only; throws the driver's error when it is not a coverage file. */
  static open(file: string): CoverageFile {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      db.prepare('SELECT count(*) FROM chunk_terms WHERE rowid = 0').get();
      return new CoverageFile(db);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  close(): void {
    this.db.close();
  }

  articles(): Article[] {
    // Row by row: reading every row first would hold the whole table's text twice.
    const list: Article[] = [];
    for (const r of this.db.prepare<[], { doc: string }>('SELECT doc FROM articles ORDER BY position').iterate()) list.push(JSON.parse(r.doc) as Article);
    return list;
  }

  terms(chunkCount: number): TermTable {
    const row = this.db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?').get('terms');
    if (!row) throw new Error('the term tables are missing');
    return TermTable.fromJSON(JSON.parse(row.value), chunkCount);
  }

  /** The article position of every chunk, by label. */
  chunkArticles(): Int32Array {
    const rows = this.db.prepare<[], { article: number }>('SELECT article FROM chunks ORDER BY label').raw().all() as unknown as number[][];
    return Int32Array.from(rows, (r) => r[0]!);
  }

  /** How many rows each table holds (the lexical tables' counts: the fewer of the terms' and the lengths'). */
  counts(): { articles: number; chunks: number; sentences: number; chunkTerms: number; articleTerms: number } {
    const count = (table: string) => (this.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    return {
      articles: count('articles'),
      chunks: count('chunks'),
      sentences: count('sentences'),
      chunkTerms: Math.min(count('chunk_terms'), count('chunk_lengths')),
      articleTerms: Math.min(count('article_terms'), count('article_lengths')),
    };
  }

  /** BM25 over the chunks or over whole articles (by position) for normalized terms, best first. */
  searchChunks(terms: string[], k: number): { label: number; score: number }[] {
    return this.chunkSearch.search(terms, k).map((hit) => ({ label: hit.id, score: hit.score }));
  }

  searchArticles(terms: string[], k: number): { position: number; score: number }[] {
    return this.articleSearch.search(terms, k).map((hit) => ({ position: hit.id, score: hit.score }));
  }

  /** The rows of some chunks and sentences, sentences by id; `articleIds` names the articles by position. */
  viewRows(labels: number[], sentenceIds: (chunks: ChunkRow[]) => number[], articleIds: readonly string[]): { chunks: ChunkRow[]; sentences: SentenceRow[] } {
    const chunks = this.chunkRows.all(JSON.stringify(labels)).map(({ article, ...r }) => ({ ...r, article_id: articleIds[article]! }));
    const sentences = this.sentenceRows
      .all(JSON.stringify(sentenceIds(chunks)))
      .map(({ article, annotation, ...r }) => ({ ...r, article_id: articleIds[article]!, annotation: JSON.parse(annotation) as SentenceAnnotation }));
    return { chunks, sentences };
  }

  /** Every chunk and sentence, with the sentences' vectors and annotations (the in-memory tools, a re-embed). */
  readAll(articleIds: readonly string[], dimension: number) {
    const chunks: ChunkRecord[] = this.db
      .prepare<[], { article: number; start_offset: number; end_offset: number; first_sentence: number; sentence_count: number }>('SELECT * FROM chunks ORDER BY label')
      .all()
      .map((r) => ({ articleId: articleIds[r.article]!, start: r.start_offset, end: r.end_offset, firstSentence: r.first_sentence, sentenceCount: r.sentence_count }));
    const sentences: SentenceRecord[] = [];
    const annotations: SentenceAnnotation[] = [];
    const rows = this.db.prepare<[], { article: number; start_offset: number; end_offset: number; annotation: string; embedding: Buffer }>('SELECT * FROM sentences ORDER BY id').iterate();
    const vectors: Buffer[] = [];
    for (const r of rows) {
      sentences.push({ articleId: articleIds[r.article]!, start: r.start_offset, end: r.end_offset });
      annotations.push(JSON.parse(r.annotation) as SentenceAnnotation);
      vectors.push(r.embedding);
    }
    const sentenceVectors = new Float32Array(sentences.length * dimension);
    vectors.forEach((bytes, i) => sentenceVectors.set(bytesVector(bytes), i * dimension));
    return { chunks, sentences, annotations, sentenceVectors };
  }
}
