/**
 * The names of the settings: every variable the configuration reads (config.ts, config-reader.ts, typed by
 * `Settings`, so that reading a name not listed here fails the type check), each documented in `.env.example`
 * (tests/settings.test.ts). A name in `.env` that is not one of them is warned about (env-file.ts).
 */
export const SETTING_NAMES = [
  'CORPUS_DIR',
  'EMBEDDINGS_DIR',
  'DATABASE_URL',
  'PGDEV_DIR',
  'MAX_ARTICLE_BYTES',
  'EMBEDDING_MODEL',
  'MODELS_DIR',
  'ALLOW_REMOTE_MODELS',
  'EMBEDDING_QUANTIZED',
  'EMBEDDING_BATCH_SIZE',
  'EMBEDDING_POOLING',
  'EMBEDDING_QUERY_PREFIX',
  'EMBEDDING_PASSAGE_PREFIX',
  'EMBEDDING_MAX_TOKENS',
  'CHUNK_MAX_TOKENS',
  'CHUNK_OVERLAP_SENTENCES',
  'HNSW_M',
  'HNSW_EF_CONSTRUCTION',
  'HNSW_EF_SEARCH',
  'HNSW_PROJECT_FROM',
  'RETRIEVAL_MODE',
  'ANSWER_PASSAGES',
  'READER_MODEL',
  'READER_THRESHOLD',
  'READER_OPEN_THRESHOLD',
  'READER_SURE_THRESHOLD',
  'MAX_QUESTION_CHARS',
  'HEAP_GROWTH_PERCENT',
  'FEEDS',
  'FEED_REFRESH_MINUTES',
  'FEED_MAX_ITEMS',
  'FETCH_USER_AGENT',
  'FETCH_TIMEOUT_MS',
  'FETCH_MAX_BYTES',
  'FETCH_CONCURRENCY_PER_HOST',
  'FETCH_CONCURRENCY',
  'FETCH_RETRIES',
  'FETCH_RETRY_DELAY_MS',
  'FETCH_PROXY',
  'FETCH_NO_PROXY',
  'DISCORD_TOKEN',
  'DISCORD_CLIENT_ID',
  'DISCORD_GUILD_ID',
  'DISCORD_MESSAGE_CONTENT',
  'CHANNEL_SETTINGS_FILE',
  'AUTO_ANSWER_THRESHOLD',
  'QUESTION_LOG',
  'SHARDS',
  'DISCORD_API_URL',
  'ASK_RATE_LIMIT',
  'ASK_RATE_WINDOW_SECONDS',
  'CONVERSATION_TURNS',
  'CONVERSATION_MINUTES',
  'FEEDBACK_LOG',
  'FEEDBACK_SALT',
] as const;

/**
 * Names a `.env` file may hold that are not coverage-bot's settings but are read, once dotenv has put them in the
 * environment, by what it runs on: pg's connection defaults (PGHOST, PGUSER, PGPASSWORD, PGSSLMODE, …; PGDEV_DIR
 * is ours), transformers.js's Hugging Face token (with ALLOW_REMOTE_MODELS), the time zone, NODE_ENV.
 */
export const PASSED_THROUGH = [/^PG(?:[A-Z]+|CONNECT_TIMEOUT)$/, /^HF_(?:ACCESS_)?TOKEN$/, /^TZ$/, /^NODE_ENV$/] as const;

/** Names read by the process before any `.env` is: set in `.env`, they change nothing. */
export const READ_BEFORE_ENV_FILE = ['NODE_OPTIONS', 'MALLOC_ARENA_MAX', 'UV_THREADPOOL_SIZE'] as const;

/** Read by config.ts but set by discord.js in each shard's process: not a setting, never in `.env`. */
export const SHARD_VARIABLE = 'SHARDING_MANAGER';

export type SettingName = (typeof SETTING_NAMES)[number] | typeof SHARD_VARIABLE;

/** The environment as the configuration reads it: only the names above. */
export type Settings = { readonly [name in SettingName]?: string };
