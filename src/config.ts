/**
 * Every setting of the project, read once from the environment (and `.env` via dotenv) and validated.
 * Modules receive the parts they need as arguments; nothing else reads `process.env`.
 * Each variable is documented in `.env.example`.
 */
import path from 'node:path';
import {
  ConfigError,
  addresses,
  noProxyEntries,
  type NoProxyEntry,
  proxyAddress,
  boolean,
  databaseAddress,
  directory,
  folder,
  integer,
  oneOf,
  rawText,
  secret,
  snowflake,
  text,
  webAddress,
  PROJECT_ROOT,
  type Env,
} from './config-values.js';
import { atLeastReaderThreshold, readerConfig, type ReaderConfig } from './config-reader.js';
import { POOLINGS, type Pooling } from './model-profiles.js';
import { SHARD_VARIABLE, type Settings } from './settings.js';

export { ConfigError, PROJECT_ROOT, webAddress } from './config-values.js';
export type { ReaderConfig } from './config-reader.js';


export type RetrievalMode = 'hybrid' | 'dense' | 'lexical';
export const RETRIEVAL_MODES: readonly RetrievalMode[] = ['hybrid', 'dense', 'lexical'];

export interface EmbeddingConfig {
  /** transformers.js model id: a folder under `modelsDir` or, with remote models allowed, a hub id. */
  modelId: string;
  modelsDir: string;
  allowRemoteModels: boolean;
  quantized: boolean;
  batchSize: number;
  /** Overrides of the model's profile; undefined means "take it from the model / its profile". */
  pooling?: Pooling;
  queryPrefix?: string;
  passagePrefix?: string;
  maxTokens?: number;
}

export interface ChunkingConfig {
  /** Upper bound of tokens per chunk; undefined means the model's own limit. */
  maxTokens?: number;
  overlapSentences: number;
}

/** Chunks from which an index's graph holds its vectors projected, by default (HNSW_PROJECT_FROM; vector-index.ts). */
export const DEFAULT_PROJECT_FROM = 20_000;

export interface HnswConfig {
  m: number;
  efConstruction: number;
  efSearch: number;
  /** Chunks from which the graph holds projected vectors, the full ones in a file beside it (vector-index.ts). */
  projectFrom: number;
}

export interface RetrievalConfig {
  mode: RetrievalMode;
  /** Passages shown for a question unless the caller asks for another number. */
  passages: number;
  maxQuestionChars: number;
}


export interface DiscordConfig {
  token?: string;
  clientId?: string;
  guildId?: string;
  /** Questions a member may ask per window before being asked to wait. */
  askRateLimit: number;
  askRateWindowSeconds: number;
  feedbackLog: string;
  /** Secret key of the voter pseudonyms in the feedback log; undefined: a random one kept beside the log. */
  feedbackSalt?: string;
  /**
   * Ask Discord for the Message Content privileged intent (enable it in the Developer Portal first): needed to
   * read follow-ups in threads and questions in channels set to `auto`; without it the bot reads only
   * messages that mention it.
   */
  messageContent: boolean;
  /**
   * The reader confidence an answer needs before the bot posts it unasked in a channel set to `auto`: stricter
   * than `reader.threshold`, since a wrong answer nobody asked for is worse than silence. Undefined: the answer
   * must be one the reader is sure of (`Answer.sure`, the reader's sure threshold).
   */
  autoThreshold?: number;
  /** Channel modes set with /coverage-settings (a JSON file). */
  channelSettingsFile: string;
  /** JSON Lines log of the questions the bot answered or refused, for `npm run report` and /coverage-report. */
  questionLog: string;
  /**
   * Shards for `npm start`: a number, or 'auto' (Discord's recommendation); undefined: one process, unless
   * Discord recommends more than one shard.
   */
  shards?: number | 'auto';
  /**
   * Base address of Discord's REST API: undefined is Discord itself. Set it to a REST proxy shared by the
   * shards (which then share one rate limit), or to a fake API in tests.
   */
  apiUrl?: string;
  /** This process is one shard started by the sharding manager (discord.js sets SHARDING_MANAGER). */
  inShard: boolean;
  /** Earlier turns a follow-up is read with (the conversation keeps no more). */
  conversationTurns: number;
  /** A conversation (a thread or a reply chain of follow-ups) ends after this many minutes without one. */
  conversationMinutes: number;
}

/** A forward proxy for fetching (src/ingest/proxy.ts). */
export interface ProxySettings {
  /** The proxy's address: http://host:port, with user:password@ when it asks for them. Secret when it holds a password. */
  url: string;
  /** Hosts fetched directly (FETCH_NO_PROXY, as curl reads NO_PROXY). */
  noProxy: NoProxyEntry[];
}

export interface FetchConfig {
  /** Sent with every request; name the bot and a contact address. */
  userAgent: string;
  timeoutMs: number;
  /** Largest response read, in bytes. */
  maxBytes: number;
  /** Requests in flight at once to one host. */
  concurrencyPerHost: number;
  /** Requests in flight at once in all (a feed of many outlets' pages opens no more connections than this). */
  concurrency: number;
  /** Further tries after a server error (5xx, 429) or a network failure. */
  retries: number;
  /** Pause before the first retry; it doubles with each further one. */
  retryDelayMs: number;
  /** The forward proxy every fetch goes through (FETCH_PROXY), and the hosts fetched directly (FETCH_NO_PROXY); none: every fetch is direct. */
  proxy?: ProxySettings;
}

export interface IngestConfig {
  /** Feeds (RSS 2.0 or Atom) read by `npm run embed` and refreshed by the bot. */
  feeds: string[];
  /** Items read from one feed per run, the newest first: a feed listing thousands is not a thousand fetches. */
  maxFeedItems: number;
  /** Minutes between the bot's refreshes of the feeds; 0: never. */
  refreshMinutes: number;
  fetch: FetchConfig;
}

/** Items read from one feed per run when FEED_MAX_ITEMS does not say. */
export const DEFAULT_FEED_MAX_ITEMS = 100;

/** Default User-Agent: says what is fetching; operators should add a contact address (FETCH_USER_AGENT). */
export const DEFAULT_USER_AGENT = 'coverage-bot/0.1 (news question-answering bot; +https://github.com/coverage-bot)';

export interface Config {
  corpusDir: string;
  /** Largest article accepted, in bytes (a .txt/.md file, or one line of a .jsonl file). */
  maxArticleBytes: number;
  embeddingsDir: string;
  /** postgres:// address of the database holding the coverage instead of EMBEDDINGS_DIR (docs/SCALING.md). */
  databaseUrl?: string;
  embedding: EmbeddingConfig;
  chunking: ChunkingConfig;
  hnsw: HnswConfig;
  retrieval: RetrievalConfig;
  reader: ReaderConfig;
  ingest: IngestConfig;
  discord: DiscordConfig;
  /** How far the heap may grow past its live data between full collections, in percent (src/heap.ts); 0: V8's own. */
  heapGrowthPercent: number;
}

/** A shard count (1-1000) or 'auto'. Inside a shard process discord.js sets SHARDS to the shard's id: not ours. */
function shards(env: Settings): number | 'auto' | undefined {
  if (text(env, SHARD_VARIABLE) !== undefined) return undefined;
  if (text(env, 'SHARDS')?.toLowerCase() === 'auto') return 'auto';
  try {
    return integer(env, 'SHARDS', undefined, 1, 1000);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError(`SHARDS must be auto or a whole number from 1 to 1000 (got "${text(env, 'SHARDS')}").`);
  }
}

/** HEAP_GROWTH_PERCENT: 0 (V8's own growth), or V8's growing factor from 10 to 300 % (src/heap.ts). */
function heapGrowth(env: Settings): number {
  const value = integer(env, 'HEAP_GROWTH_PERCENT', 30, 0, 300)!;
  if (value > 0 && value < 10) throw new ConfigError(`HEAP_GROWTH_PERCENT must be 0 (V8's own growth) or a whole number from 10 to 300 (got "${value}").`);
  return value;
}

let envFileRead = false;

/**
 * Reads `.env` (if present) into the environment (where a variable is set already, the environment wins), and
 * says on stderr, one line each, which names in it the project does not read: once per process, and not in a
 * shard's process (its manager said it).
 */
async function loadEnvFile(): Promise<void> {
  const { readEnvFile } = await import('./env-file.js');
  const warnings = readEnvFile(path.join(PROJECT_ROOT, '.env'), process.env);
  if (!envFileRead && text(process.env, SHARD_VARIABLE) === undefined) for (const warning of warnings) console.error(warning);
  envFileRead = true;
}

/** Where `npm run db:dev` keeps its database (PGDEV_DIR, from the environment or `.env`; its --dir wins). */
export async function loadDevDatabaseDir(): Promise<string> {
  await loadEnvFile();
  const env: Settings = process.env;
  return folder(env, 'PGDEV_DIR', 'data/pgdev');
}

/** FETCH_PROXY and FETCH_NO_PROXY, as FetchConfig's `proxy` (none when FETCH_PROXY is unset). */
function proxySettings(env: Settings): { proxy?: ProxySettings } {
  const url = proxyAddress(env, 'FETCH_PROXY');
  const noProxy = noProxyEntries(env, 'FETCH_NO_PROXY');
  return url ? { proxy: { url, noProxy } } : {};
}

/** Builds the configuration from an environment; throws ConfigError naming the variable at fault. */
export function configFromEnv(environment: Env): Config {
  // Read as Settings: only the names settings.ts lists type-check.
  const env: Settings = environment;
  const reader = readerConfig(env);
  return {
    corpusDir: folder(env, 'CORPUS_DIR', 'articles'),
    maxArticleBytes: integer(env, 'MAX_ARTICLE_BYTES', 2 * 1024 * 1024, 1024, 1024 * 1024 * 1024)!,
    embeddingsDir: folder(env, 'EMBEDDINGS_DIR', 'embeddings'),
    databaseUrl: databaseAddress(env, 'DATABASE_URL'),
    embedding: {
      modelId: text(env, 'EMBEDDING_MODEL') ?? 'local/universal-sentence-encoder-lite',
      modelsDir: folder(env, 'MODELS_DIR', 'models'),
      allowRemoteModels: boolean(env, 'ALLOW_REMOTE_MODELS', false),
      quantized: boolean(env, 'EMBEDDING_QUANTIZED', true),
      batchSize: integer(env, 'EMBEDDING_BATCH_SIZE', 8, 1, 1024)!,
      pooling: text(env, 'EMBEDDING_POOLING') === undefined ? undefined : oneOf(env, 'EMBEDDING_POOLING', POOLINGS, 'mean'),
      queryPrefix: rawText(env, 'EMBEDDING_QUERY_PREFIX'),
      passagePrefix: rawText(env, 'EMBEDDING_PASSAGE_PREFIX'),
      maxTokens: integer(env, 'EMBEDDING_MAX_TOKENS', undefined, 16, 8192),
    },
    chunking: {
      maxTokens: integer(env, 'CHUNK_MAX_TOKENS', undefined, 16, 8192),
      overlapSentences: integer(env, 'CHUNK_OVERLAP_SENTENCES', 1, 0, 5)!,
    },
    hnsw: {
      m: integer(env, 'HNSW_M', 16, 4, 128)!,
      efConstruction: integer(env, 'HNSW_EF_CONSTRUCTION', 200, 10, 2000)!,
      efSearch: integer(env, 'HNSW_EF_SEARCH', 200, 10, 5000)!,
      projectFrom: integer(env, 'HNSW_PROJECT_FROM', DEFAULT_PROJECT_FROM, 0, 1_000_000_000)!,
    },
    retrieval: {
      mode: oneOf(env, 'RETRIEVAL_MODE', RETRIEVAL_MODES, 'hybrid'),
      passages: integer(env, 'ANSWER_PASSAGES', 3, 1, 10)!,
      maxQuestionChars: integer(env, 'MAX_QUESTION_CHARS', 500, 20, 4000)!,
    },
    reader,
    ingest: {
      feeds: addresses(env, 'FEEDS'),
      maxFeedItems: integer(env, 'FEED_MAX_ITEMS', DEFAULT_FEED_MAX_ITEMS, 1, 100_000)!,
      refreshMinutes: integer(env, 'FEED_REFRESH_MINUTES', 60, 0, 10080)!,
      fetch: {
        userAgent: text(env, 'FETCH_USER_AGENT') ?? DEFAULT_USER_AGENT,
        timeoutMs: integer(env, 'FETCH_TIMEOUT_MS', 15_000, 50, 300_000)!,
        maxBytes: integer(env, 'FETCH_MAX_BYTES', 5 * 1024 * 1024, 1024, 1024 * 1024 * 1024)!,
        concurrencyPerHost: integer(env, 'FETCH_CONCURRENCY_PER_HOST', 2, 1, 16)!,
        concurrency: integer(env, 'FETCH_CONCURRENCY', 8, 1, 64)!,
        retries: integer(env, 'FETCH_RETRIES', 2, 0, 10)!,
        retryDelayMs: integer(env, 'FETCH_RETRY_DELAY_MS', 1000, 0, 60_000)!,
        ...proxySettings(env),
      },
    },
    discord: {
      token: text(env, 'DISCORD_TOKEN'),
      clientId: snowflake(env, 'DISCORD_CLIENT_ID'),
      guildId: snowflake(env, 'DISCORD_GUILD_ID'),
      askRateLimit: integer(env, 'ASK_RATE_LIMIT', 5, 1, 1000)!,
      askRateWindowSeconds: integer(env, 'ASK_RATE_WINDOW_SECONDS', 60, 1, 86400)!,
      feedbackLog: directory(env, 'FEEDBACK_LOG', 'data/feedback.jsonl'),
      feedbackSalt: secret(env, 'FEEDBACK_SALT', 16),
      messageContent: boolean(env, 'DISCORD_MESSAGE_CONTENT', false),
      autoThreshold: atLeastReaderThreshold(env, 'AUTO_ANSWER_THRESHOLD', reader.threshold, 'auto mode is the stricter one'),
      channelSettingsFile: directory(env, 'CHANNEL_SETTINGS_FILE', 'data/channel-settings.json'),
      questionLog: directory(env, 'QUESTION_LOG', 'data/questions.jsonl'),
      shards: shards(env),
      apiUrl: text(env, 'DISCORD_API_URL') === undefined ? undefined : webAddress(text(env, 'DISCORD_API_URL')!, 'DISCORD_API_URL').replace(/\/$/, ''),
      inShard: text(env, SHARD_VARIABLE) !== undefined,
      conversationTurns: integer(env, 'CONVERSATION_TURNS', 5, 1, 20)!,
      conversationMinutes: integer(env, 'CONVERSATION_MINUTES', 60, 1, 10_080)!,
    },
    heapGrowthPercent: heapGrowth(env),
  };
}

/** Loads `.env` (if present) into the environment, then reads the configuration from it. */
export async function loadConfig(): Promise<Config> {
  await loadEnvFile();
  return configFromEnv(process.env);
}
