-- 👍/👎 votes of every bot process (instead of FEEDBACK_LOG), and the shared salt of the voter pseudonyms.
CREATE TABLE IF NOT EXISTS feedback (
  id bigserial PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now(),
  vote text NOT NULL CHECK (vote IN ('up', 'down')),
  user_hash text NOT NULL,
  index_version text NOT NULL,
  entry jsonb NOT NULL
);

CREATE TABLE IF NOT EXISTS bot_secrets (
  name text PRIMARY KEY,
  value text NOT NULL
);
