/**
 * BM25 over SQLite FTS5 (better-sqlite3), at the same two levels as lexical-index.ts (chunks and whole
 * articles) and with the same tokenisation: every text is stored as its normalized terms (LexicalIndex.terms),
 * so FTS5 only splits on spaces and the two engines see the same words. FTS5's bm25() has fixed k1 = 1.2 and
 * b = 0.75; the title column weighs 0.5 as in the MiniSearch index.
 */
import Database from 'better-sqlite3';
import type { ArticleDocument, ArticleHit, ChunkDocument, LexicalHit } from '../../src/index/lexical-index.js';
import { LexicalIndex } from '../../src/index/lexical-index.js';

const TITLE_WEIGHT = 0.5;

export class Fts5Lexical {
  private readonly chunkQuery: Database.Statement<[string, number], { label: number; score: number }>;
  private readonly articleQuery: Database.Statement<[string, number], { id: string; score: number }>;

  private constructor(
    private readonly db: Database.Database,
    private readonly terms: LexicalIndex,
  ) {
    this.chunkQuery = db.prepare(`SELECT rowid AS label, bm25(chunks, ${TITLE_WEIGHT}, 1.0) AS score FROM chunks WHERE chunks MATCH ? ORDER BY score LIMIT ?`);
    this.articleQuery = db.prepare(
      `SELECT a.id AS id, bm25(articles, ${TITLE_WEIGHT}, 1.0) AS score FROM articles JOIN article_ids a ON a.rowid = articles.rowid WHERE articles MATCH ? ORDER BY score LIMIT ?`,
    );
  }

  /** Builds the two FTS5 tables in `file` (':memory:' for none); `terms` decides which query terms are searched. */
  static build(file: string, chunks: ChunkDocument[], articles: ArticleDocument[], terms: LexicalIndex): Fts5Lexical {
    const db = new Database(file);
    db.pragma('journal_mode = OFF');
    db.exec(`
      CREATE VIRTUAL TABLE chunks USING fts5(title, text, tokenize = "unicode61 remove_diacritics 0", detail = column);
      CREATE VIRTUAL TABLE articles USING fts5(title, text, tokenize = "unicode61 remove_diacritics 0", detail = column);
      CREATE TABLE article_ids (rowid INTEGER PRIMARY KEY, id TEXT NOT NULL);
    `);
    const join = (text: string) => LexicalIndex.terms(text).join(' ');
    const insertChunk = db.prepare('INSERT INTO chunks (rowid, title, text) VALUES (?, ?, ?)');
    const insertArticle = db.prepare('INSERT INTO articles (rowid, title, text) VALUES (?, ?, ?)');
    const insertId = db.prepare('INSERT INTO article_ids (rowid, id) VALUES (?, ?)');
    db.transaction(() => {
      for (const c of chunks) insertChunk.run(c.label, join(c.title), join(c.text));
      articles.forEach((a, i) => {
        insertArticle.run(i + 1, join(a.title), join(a.text));
        insertId.run(i + 1, a.id);
      });
    })();
    db.exec("INSERT INTO chunks(chunks) VALUES('optimize'); INSERT INTO articles(articles) VALUES('optimize');");
    return new Fts5Lexical(db, terms);
  }

  private match(text: string): string | undefined {
    const terms = [...new Set(this.terms.terms.searchTerms(text))];
    return terms.length > 0 ? terms.map((t) => `"${t.replace(/"/g, '""')}"`).join(' OR ') : undefined;
  }

  query(text: string, k: number): LexicalHit[] {
    const match = this.match(text);
    return match ? this.chunkQuery.all(match, k).map((r) => ({ label: r.label, score: -r.score })) : [];
  }

  queryArticles(text: string, k: number): ArticleHit[] {
    const match = this.match(text);
    return match ? this.articleQuery.all(match, k).map((r) => ({ articleId: r.id, score: -r.score })) : [];
  }

  close(): void {
    this.db.close();
  }
}
