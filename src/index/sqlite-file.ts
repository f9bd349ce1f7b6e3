/**
 * One version of the local coverage in one SQLite file (`coverage.sqlite` in the version folder, through
 * better-sqlite3): the articles, chunks and sentences, the sentences' vectors (BLOBs) and annotations, the term
 * tables, and the lexical index: the postings of the project's own stemmed terms, chunks and whole articles,
 * title and text, as the MiniSearch index had them, with each field's length; BM25 is scored from them by
 * bm25.ts. A build writes the file once in its staging folder (sqlite-write.ts); afterwards it is only ever
 * opened read-only, here.
 */
import Database from 'better-sqlite3';
import type { Article } from '../corpus/types.js';
import type { SentenceAnnotation } from '../reader/annotate.js';
import { Bm25Table } from './bm25.js';
import { TermTable } from './lexical-index.js';
import { setVectorBytes, type ChunkRow, type SentenceRow } from './rows.js';
import type { ChunkRecord, SentenceRecord } from './store.js';

export const COVERAGE_FILE = 'coverage.sqlite';

/** A version's file opened read-only: what a question reads of it, and what the in-memory tools load whole. */
export class CoverageFile {
  /** BM25 over the postings tables; absent when the file was opened only to read its records (an older format's). */
  private readonly search?: { chunks: Bm25Table; articles: Bm25Table };
  private readonly chunkRows: Database.Statement<[string], { label: number; article: number; start_offset: number; end_offset: number; first_sentence: number; sentence_count: number }>;
  private readonly sentenceRows: Database.Statement<[string], { id: number; article: number; start_offset: number; end_offset: number; annotation: string; embedding: Buffer }>;

  constructor(
    private readonly db: Database.Database,
    searchable: boolean,
  ) {
    const lengths = (table: string) => {
      const rows = db.prepare(`SELECT title, text FROM ${table} ORDER BY rowid`).raw().all() as number[][];
      return [Int32Array.from(rows, (r) => r[0]!), Int32Array.from(rows, (r) => r[1]!)];
    };
    if (searchable) this.search = { chunks: new Bm25Table(db, 'chunk_postings', lengths('chunk_lengths')), articles: new Bm25Table(db, 'article_postings', lengths('article_lengths')) };
    const listed = 'IN (SELECT value FROM json_each(?))';
    this.chunkRows = db.prepare(`SELECT * FROM chunks WHERE label ${listed}`);
    this.sentenceRows = db.prepare(`SELECT * FROM sentences WHERE id ${listed} ORDER BY id`);
  }

  /**
   * Opens a file read-only; throws the driver's error when it is not a coverage file (or lacks the postings
   * tables, when it is to be searched). A re-embed reads the records of an older format's file, unsearched.
   */
  static open(file: string, { searchable = true } = {}): CoverageFile {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      db.prepare('SELECT count(*) FROM chunk_lengths WHERE label = 0').get();
      return new CoverageFile(db, searchable);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  close(): void {
    this.db.close();
  }

  get isOpen(): boolean {
    return this.db.open;
  }

  articles(): Article[] {
    // Row by row: reading every row first would hold the whole table's text twice.
    const list: Article[] = [];
    for (const r of this.db.prepare<[], { doc: string }>('SELECT doc FROM articles ORDER BY position').iterate()) list.push(JSON.parse(r.doc) as Article);
    return list;
  }

  /** Each article's id and source file, without reading its text. */
  articleSources(): { id: string; source: string }[] {
    return this.db.prepare<[], { id: string; source: string }>("SELECT id, json_extract(doc, '$.source') AS source FROM articles ORDER BY position").all();
  }

  /** The articles in their stored order without their texts (articleText reads one). */
  articleMetadata(): Omit<Article, 'text'>[] {
    const list: Omit<Article, 'text'>[] = [];
    for (const r of this.db.prepare<[], { doc: string }>("SELECT json_remove(doc, '$.text') AS doc FROM articles ORDER BY position").iterate()) list.push(JSON.parse(r.doc));
    return list;
  }

  /** The text of the article at a position; undefined when there is none, or the file is closed. */
  articleText(position: number): string | undefined {
    if (!this.db.open) return undefined;
    this.textOf ??= this.db.prepare("SELECT json_extract(doc, '$.text') AS text FROM articles WHERE position = ?");
    const text = this.textOf.get(position)?.text;
    return typeof text === 'string' ? text : undefined;
  }
  private textOf?: Database.Statement<[number], { text: unknown }>;

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

  /**
   * How many rows each table holds (the lexical tables' counts: the rows with field lengths). Rows are
   * numbered from 0 without gaps, so the highest number tells: count(*) reads every page of a table, and the
   * sentences' vectors make that table hundreds of megabytes at 100k chunks (a second of every start).
   */
  counts(): { articles: number; chunks: number; sentences: number; chunkLengths: number; articleLengths: number } {
    const count = (table: string) => (this.db.prepare(`SELECT coalesce(max(rowid) + 1, 0) AS n FROM ${table}`).get() as { n: number }).n;
    return {
      articles: count('articles'),
      chunks: count('chunks'),
      sentences: count('sentences'),
      chunkLengths: count('chunk_lengths'),
      articleLengths: count('article_lengths'),
    };
  }

  /** BM25 over the chunks or over whole articles (by position) for normalized terms, best first. */
  searchChunks(terms: string[], k: number): { label: number; score: number }[] {
    return this.searchable().chunks.search(terms, k).map((hit) => ({ label: hit.id, score: hit.score }));
  }

  searchArticles(terms: string[], k: number): { position: number; score: number }[] {
    return this.searchable().articles.search(terms, k).map((hit) => ({ position: hit.id, score: hit.score }));
  }

  private searchable(): { chunks: Bm25Table; articles: Bm25Table } {
    if (!this.search) throw new Error('This coverage file was opened to read its records, not to be searched.');
    return this.search;
  }

  /** The rows of some chunks and sentences, sentences by id; `articleIds` names the articles by position. */
  viewRows(labels: number[], sentenceIds: (chunks: ChunkRow[]) => number[], articleIds: readonly string[]): { chunks: ChunkRow[]; sentences: SentenceRow[] } {
    // Rows built field by field: V8 copies an object's rest (`{ article, ...r }`) on a slow path, and a question reads about 50 of them.
    const chunks: ChunkRow[] = this.chunkRows.all(JSON.stringify(labels)).map((r) => ({
      label: r.label,
      article_id: articleIds[r.article]!,
      start_offset: r.start_offset,
      end_offset: r.end_offset,
      first_sentence: r.first_sentence,
      sentence_count: r.sentence_count,
    }));
    const sentences: SentenceRow[] = this.sentenceRows.all(JSON.stringify(sentenceIds(chunks))).map((r) => ({
      id: r.id,
      article_id: articleIds[r.article]!,
      start_offset: r.start_offset,
      end_offset: r.end_offset,
      annotation: JSON.parse(r.annotation) as SentenceAnnotation,
      embedding: r.embedding,
    }));
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
    vectors.forEach((bytes, i) => setVectorBytes(sentenceVectors, i, dimension, bytes));
    return { chunks, sentences, annotations, sentenceVectors };
  }
}
