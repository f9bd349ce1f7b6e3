/**
 * 👍/👎 feedback on answers, appended as JSON Lines to the configured file. Users are recorded only as a
 * truncated one-way hash of their id, so votes can be counted per user without storing who voted.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

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
  question: string;
  found: boolean;
  answer: string;
  citations: FeedbackCitation[];
  articleIds: string[];
  settings: { passages: number; retrievalMode: string; indexVersion: string; model: string; private: boolean };
  /** sha256 of the user id, truncated: the same user gets the same value, but the id cannot be read back. */
  userHash: string;
}

export function hashUserId(userId: string): string {
  return createHash('sha256').update(`coverage-bot-feedback:${userId}`).digest('hex').slice(0, 16);
}

export interface FeedbackSink {
  append(entry: FeedbackEntry): Promise<void>;
}

/** Appends entries one at a time (so lines never interleave), creating the folder when needed. */
export class FeedbackLog implements FeedbackSink {
  private queue: Promise<void> = Promise.resolve();

  constructor(readonly file: string) {}

  append(entry: FeedbackEntry): Promise<void> {
    const line = `${JSON.stringify(entry)}\n`;
    const write = this.queue.then(async () => {
      await fs.mkdir(path.dirname(this.file), { recursive: true });
      await fs.appendFile(this.file, line, 'utf8');
    });
    this.queue = write.catch(() => undefined);
    return write;
  }
}
