-- The coverage: each build is a version; its rows are written in one transaction, and the live version is
-- the one row of coverage_current, switched in that same transaction (a question sees old or new, never a mix).
CREATE TABLE IF NOT EXISTS coverage_versions (
  id bigserial PRIMARY KEY,
  name text NOT NULL UNIQUE,
  manifest jsonb NOT NULL,
  -- Chunk document frequencies and the vocabulary (TermTable JSON): the reader's idf and the spelling.
  terms text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS coverage_current (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  version_id bigint NOT NULL REFERENCES coverage_versions (id)
);

-- terms and title_terms hold the text as the local BM25 sees it: stemmed terms, stop words removed, joined
-- by spaces, so Postgres needs no stemming of its own ('simple' configuration).
CREATE TABLE IF NOT EXISTS articles (
  version_id bigint NOT NULL REFERENCES coverage_versions (id) ON DELETE CASCADE,
  id text NOT NULL,
  -- The article's place in the corpus (the order the local index keeps).
  position integer NOT NULL,
  doc json NOT NULL,
  terms text NOT NULL,
  title_terms text NOT NULL,
  tsv tsvector GENERATED ALWAYS AS (setweight(to_tsvector('simple', title_terms), 'B') || setweight(to_tsvector('simple', terms), 'A')) STORED,
  PRIMARY KEY (version_id, id)
);
CREATE INDEX IF NOT EXISTS articles_tsv ON articles USING gin (tsv);

CREATE TABLE IF NOT EXISTS chunks (
  version_id bigint NOT NULL REFERENCES coverage_versions (id) ON DELETE CASCADE,
  label integer NOT NULL,
  article_id text NOT NULL,
  start_offset integer NOT NULL,
  end_offset integer NOT NULL,
  first_sentence integer NOT NULL,
  sentence_count integer NOT NULL,
  terms text NOT NULL,
  title_terms text NOT NULL,
  tsv tsvector GENERATED ALWAYS AS (setweight(to_tsvector('simple', title_terms), 'B') || setweight(to_tsvector('simple', terms), 'A')) STORED,
  embedding vector(512) NOT NULL,
  PRIMARY KEY (version_id, label)
);
CREATE INDEX IF NOT EXISTS chunks_tsv ON chunks USING gin (tsv);
CREATE INDEX IF NOT EXISTS chunks_embedding ON chunks USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 200);

-- Sentence vectors are only read back by id (quote selection), so they are plain float32 bytes.
CREATE TABLE IF NOT EXISTS sentences (
  version_id bigint NOT NULL REFERENCES coverage_versions (id) ON DELETE CASCADE,
  id integer NOT NULL,
  article_id text NOT NULL,
  start_offset integer NOT NULL,
  end_offset integer NOT NULL,
  annotation json NOT NULL,
  embedding bytea NOT NULL,
  PRIMARY KEY (version_id, id)
);

-- Who is embedding: the advisory lock keeps a second embed out on a real server; this row also does where
-- connections share one session (PGlite through pglite-socket), expiring when its holder stops refreshing it.
CREATE TABLE IF NOT EXISTS embed_lock (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  holder text,
  pid integer,
  host text,
  started_at timestamptz,
  heartbeat timestamptz
);
INSERT INTO embed_lock (singleton) VALUES (true) ON CONFLICT DO NOTHING;
