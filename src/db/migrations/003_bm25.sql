-- requires: pg_textsearch
-- BM25 (pg_textsearch) over the stemmed terms, with the local index's parameters (k1 0.9, b 0.4). Without
-- the extension, lexical search falls back to the built-in full-text search (ts_rank over chunks.tsv).
CREATE INDEX IF NOT EXISTS chunks_text_bm25 ON chunks USING bm25 (terms) WITH (text_config = 'simple', k1 = 0.9, b = 0.4);
CREATE INDEX IF NOT EXISTS chunks_title_bm25 ON chunks USING bm25 (title_terms) WITH (text_config = 'simple', k1 = 0.9, b = 0.4);
CREATE INDEX IF NOT EXISTS articles_text_bm25 ON articles USING bm25 (terms) WITH (text_config = 'simple', k1 = 0.9, b = 0.4);
CREATE INDEX IF NOT EXISTS articles_title_bm25 ON articles USING bm25 (title_terms) WITH (text_config = 'simple', k1 = 0.9, b = 0.4);
