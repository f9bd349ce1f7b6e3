-- requires: pg_textsearch
-- BM25 (pg_textsearch) over the stemmed terms, with the local index's parameters (k1 0.9, b 0.4): one
-- partial index per version and field, created in the transaction that writes the version (so its
-- statistics are that version's alone, as in the local index) and dropped with it. Without the extension,
-- lexical search falls back to the built-in full-text search (ts_rank over the tsv columns).
CREATE OR REPLACE FUNCTION coverage_bm25(version bigint, wanted boolean) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  tab text;
  col text;
  name text;
BEGIN
  FOREACH tab IN ARRAY ARRAY['chunks', 'articles'] LOOP
    FOREACH col IN ARRAY ARRAY['terms', 'title_terms'] LOOP
      name := format('%s_%s_bm25_v%s', tab, col, version);
      IF wanted THEN
        EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I USING bm25 (%I) WITH (text_config = %L, k1 = 0.9, b = 0.4) WHERE version_id = %s',
          name, tab, col, 'simple', version);
      ELSE
        EXECUTE format('DROP INDEX IF EXISTS %I', name);
      END IF;
    END LOOP;
  END LOOP;
END $$;
