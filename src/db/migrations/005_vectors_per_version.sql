-- The chunk vectors' HNSW index, one partial index per version instead of one over every version (001):
-- built in one go once the version's rows are in, in the transaction that writes it (pgvector builds a graph
-- over loaded rows far faster than it inserts rows into one: 3,000 vectors in PGlite, 14 s against 54 s),
-- searched with the version's own filter (no other version's vectors in the graph to skip), and dropped with
-- the version (no dead graph nodes left for VACUUM to repair).
CREATE OR REPLACE FUNCTION coverage_vectors(version bigint, wanted boolean) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  name text := format('chunks_embedding_v%s', version);
BEGIN
  IF wanted THEN
    EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON chunks USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 200) WHERE version_id = %s',
      name, version);
  ELSE
    EXECUTE format('DROP INDEX IF EXISTS %I', name);
  END IF;
END $$;

-- The versions already written (the live one and the one before it) get theirs, built in memory (512 MB at
-- most, for this migration's transaction only; about 3 kB a chunk is needed), then the index over every version goes.
SET LOCAL maintenance_work_mem = '512MB';
SELECT coverage_vectors(id, true) FROM coverage_versions;
DROP INDEX IF EXISTS chunks_embedding;
