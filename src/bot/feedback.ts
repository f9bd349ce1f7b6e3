/**
 * 👍/👎 feedback on answers, appended as JSON Lines to the configured file, or with DATABASE_URL to the
 * database's feedback table (every bot process writes there, with one shared salt). Nobody holding the log alone
 * can tell who voted: a voter is recorded as an HMAC of their id keyed with a secret salt (FEEDBACK_SALT, or
 * a random salt generated once into `<log>.salt`, readable by the owner only). A vote on a private
 * (ephemeral) answer does not record the question or the answer text, only which passages were cited.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ensureDir, JsonLinesFile } from '../files.js';
import type { SqlRunner } from '../index/coverage.js';

export type Vote = 'up' | 'down';

export interface FeedbackCitation {
  rank: number;
  articleId: string;
  /** Label of the index chunk the quote comes from, in the index version below. */
  chunk: number;
  quoteStart: number;
  quoteEnd: number;
  score: number;
}

export interface FeedbackEntry {
  timestamp: string;
  vote: Vote;
  /** Absent for a private answer. */
  question?: string;
  found: boolean;
  /** Absent for a private answer. */
  answer?: string;
  citations: FeedbackCitation[];
  articleIds: string[];
  settings: { passages: number; retrievalMode: string; indexVersion: string; model: string; private: boolean };
  /** HMAC-SHA256 of the user id with the secret salt, truncated: stable per user, unreadable without the salt. */
  userHash: string;
  /** The server of the answer; null in direct messages; absent in entries written before it was kept. */
  guildId?: string | null;
  /** The channel whose permissions apply to the answer (a thread's parent: question-log.ts); absent before it was kept. */
  channelId?: string;
  /** The private thread of the answer, if it was in one (question-log.ts). */
  privateThreadId?: string;
  /**
   * The answer voted on (its session id): a member's later vote on the same answer replaces this one in the
   * report (`lastVotes`, src/report/report.ts). Absent in entries written before it was kept, each then counted as a vote.
   */
  answerId?: string;
}

/** The voter's id as the log records it. */
export function hashUserId(userId: string, salt: string): string {
  return createHmac('sha256', salt).update(`coverage-bot-feedback:${userId}`).digest('hex').slice(0, 32);
}

/** Where the generated salt is kept: beside the log. */
export function saltFileFor(logFile: string): string {
  return `${logFile}.salt`;
}

/** The configured salt, or the one stored beside the log (created once, mode 0600, if there is none). */
export async function loadSalt(logFile: string, configured?: string): Promise<string> {
  if (configured) return configured;
  const file = saltFileFor(logFile);
  await ensureDir(path.dirname(file));
  // Written whole beside it, then linked into place (which fails if another process made it first): a full
  // disk must not leave an empty salt behind, which every later vote would refuse.
  const temporary = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    await fs.writeFile(temporary, `${randomBytes(32).toString('hex')}\n`, { flag: 'wx', mode: 0o600 });
    await fs.link(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await fs.rm(temporary, { force: true });
  }
  const salt = (await fs.readFile(file, 'utf8')).trim();
  if (salt.length < 16) throw new Error(`The feedback salt in ${file} is damaged (too short); delete it to get a new one.`);
  return salt;
}

export interface FeedbackSink {
  /** The pseudonym a user's votes are recorded under. */
  hashUser(userId: string): Promise<string>;
  append(entry: FeedbackEntry): Promise<void>;
  /** Every vote recorded that `keep` takes (all by default), oldest first, as stored (the report checks each one's shape). */
  readAll(keep?: (entry: unknown) => boolean): Promise<unknown[]>;
}

/** A private answer's entry keeps no text: its question and answer are dropped here, whoever builds the entry. */
export function withoutPrivateText(entry: FeedbackEntry): FeedbackEntry {
  if (!entry.settings.private) return entry;
  const { question: _question, answer: _answer, ...rest } = entry;
  return rest;
}

/** Appends entries one at a time (so lines never interleave), creating the folder when needed. */
export class FeedbackLog implements FeedbackSink {
  private readonly lines: JsonLinesFile<FeedbackEntry>;
  private salt?: Promise<string>;

  constructor(
    readonly file: string,
    private readonly configuredSalt?: string,
  ) {
    this.lines = new JsonLinesFile(file);
  }

  async hashUser(userId: string): Promise<string> {
    this.salt ??= loadSalt(this.file, this.configuredSalt);
    this.salt.catch(() => (this.salt = undefined)); // try again on the next vote
    return hashUserId(userId, await this.salt);
  }

  append(entry: FeedbackEntry): Promise<void> {
    return this.lines.append(withoutPrivateText(entry));
  }

  async readAll(keep?: (entry: unknown) => boolean): Promise<unknown[]> {
    return (await this.lines.readAll(keep)).values;
  }
}

/**
 * Votes in the database's feedback table (src/db/migrations/002_feedback.sql). The salt is FEEDBACK_SALT,
 * or one generated once into the bot_secrets table, so every bot process gives a voter the same pseudonym.
 * `db` is the store's `sql`: a query is given up after the question timeout, with a one-line error.
 */
export class FeedbackTable implements FeedbackSink {
  private salt?: Promise<string>;

  constructor(
    private readonly db: SqlRunner,
    private readonly configuredSalt?: string,
  ) {}

  private async loadSalt(): Promise<string> {
    if (this.configuredSalt) return this.configuredSalt;
    await this.db.query("INSERT INTO bot_secrets (name, value) VALUES ('feedback_salt', $1) ON CONFLICT (name) DO NOTHING", [randomBytes(32).toString('hex')]);
    const { rows } = await this.db.query<{ value: string }>("SELECT value FROM bot_secrets WHERE name = 'feedback_salt'");
    return rows[0]!.value;
  }

  async hashUser(userId: string): Promise<string> {
    this.salt ??= this.loadSalt();
    this.salt.catch(() => (this.salt = undefined)); // try again on the next vote
    return hashUserId(userId, await this.salt);
  }

  async append(entry: FeedbackEntry): Promise<void> {
    const kept = withoutPrivateText(entry);
    await this.db.query('INSERT INTO feedback (created_at, vote, user_hash, index_version, entry) VALUES ($1, $2, $3, $4, $5)', [
      kept.timestamp,
      kept.vote,
      kept.userHash,
      kept.settings.indexVersion,
      JSON.stringify(kept),
    ]);
  }

  async readAll(keep: (entry: unknown) => boolean = () => true): Promise<unknown[]> {
    const { rows } = await this.db.query<{ entry: unknown }>('SELECT entry FROM feedback ORDER BY created_at, id');
    return rows.map((row) => row.entry).filter(keep);
  }
}
