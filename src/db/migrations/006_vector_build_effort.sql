-- A version's HNSW graph built with ef_construction 64, pgvector's default, instead of 200. In PGlite the graph
-- of SciFact's 27,388 chunks took 23.9 s to build instead of 56.0, and the store's dense search (ef_search 200,
-- 50 deep) found the same neighbours: recall@10 against exact search 0.995 against 0.996, recall@50 0.988 against
-- 0.992 (scripts/experiments/pg-ef-construction.ts, 100 SciFact questions; docs/SCALING.md). The build is most of
-- what writing a version into Postgres adds to an embed. Versions already written keep their graphs.
CREATE OR REPLACE FUNCTION coverage_vectors(version bigint, wanted boolean) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  name text := format('chunks_embedding_v%s', version);
BEGIN
  IF wanted THEN
    EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON chunks USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64) WHERE version_id = %s',
      name, version);
  ELSE
    EXECUTE format('DROP INDEX IF EXISTS %I', name);
  END IF;
END $$;
