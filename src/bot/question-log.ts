/**
 * The log of the questions the bot answered or refused (JSON Lines, QUESTION_LOG), read by the maintainers'
 * report. Each line: when, how the question came (`/ask`, "Ask the coverage" on a message, a follow-up in a
 * conversation, a mention, a channel in `auto` mode), whether it was answered, whether the reader was sure of
 * it, its confidence, the articles cited and the asker's pseudonym (the feedback log's).
 * The question's text is kept only when the answer was public: a private (ephemeral) question is counted,
 * its text is never written. In `auto` mode a message the bot stayed silent on is counted without its text:
 * it may not have been a question for the bot at all.
 */
import { ChannelType } from 'discord.js';
import type { Answer } from '../answer.js';
import { JsonLinesFile } from '../files.js';
import type { BotContext } from './context.js';

export type QuestionVia = 'ask' | 'menu' | 'follow-up' | 'mention' | 'auto';
/** `silent`: a message in an `auto` channel the reader was not confident enough to answer. */
export type QuestionOutcome = 'answered' | 'refused' | 'silent';

export interface QuestionEntry {
  timestamp: string;
  via: QuestionVia;
  outcome: QuestionOutcome;
  found: boolean;
  /** Whether the reader was sure of the answer (absent in lines written before it was recorded). */
  sure?: boolean;
  confidence: number;
  articleIds: string[];
  private: boolean;
  userHash: string;
  /** The server it was asked in; null in direct messages (/coverage-report shows a server only its own). */
  guildId?: string | null;
  /**
   * The channel whose permissions apply where it was asked (a thread's or forum post's parent: a thread leaves the
   * cache once archived): /coverage-report shows its text only to an admin who may view it. Absent before it was kept.
   */
  channelId?: string;
  /** A private thread's id when it was asked in one (whereAsked): its text is for those who may see that thread. */
  privateThreadId?: string;
  /** Absent for a private question, and for a message the bot stayed silent on. */
  question?: string;
}

export interface QuestionSink {
  append(entry: QuestionEntry): Promise<void>;
}

/** Whatever builds it, an entry that must not keep text keeps none. */
export function withoutPrivateQuestion(entry: QuestionEntry): QuestionEntry {
  if (!entry.private && entry.outcome !== 'silent') return entry;
  const { question: _question, ...rest } = entry;
  return rest;
}

export class QuestionLog implements QuestionSink {
  private readonly lines: JsonLinesFile<QuestionEntry>;

  constructor(readonly file: string) {
    this.lines = new JsonLinesFile(file);
  }

  append(entry: QuestionEntry): Promise<void> {
    return this.lines.append(withoutPrivateQuestion(entry));
  }

  async readAll(): Promise<QuestionEntry[]> {
    return (await this.lines.readAll()).values;
  }
}

/** Where something was asked: an interaction or a message (its channel may be unknown to the cache). */
export interface AskedIn {
  channel: { isThread(): boolean; parentId?: string | null; type: ChannelType } | null;
  channelId: string;
}

/**
 * Who may see what was asked somewhere, as the logs keep it: the channel whose permissions apply (a thread's or
 * forum post's parent: a thread leaves the cache once archived) and, asked in a private thread, that thread, which
 * only its members and those who manage the parent's threads see (/coverage-report's `canView`).
 */
export interface AskedWhere {
  channelId: string;
  privateThreadId?: string;
}

export function whereAsked({ channel, channelId }: AskedIn): AskedWhere {
  if (!channel?.isThread()) return { channelId };
  const parent = channel.parentId ?? channelId;
  return channel.type === ChannelType.PrivateThread ? { channelId: parent, privateThreadId: channelId } : { channelId: parent };
}

/**
 * Records one question; a failure to write is logged (without the question) and never fails the answer.
 * `outcome` defaults to answered or refused from the answer.
 */
export async function recordQuestion(
  ctx: BotContext,
  {
    answer,
    via,
    userId,
    guildId,
    private: isPrivate,
    outcome,
    askedIn,
  }: { answer: Answer; via: QuestionVia; userId: string; guildId: string | null; askedIn: AskedIn; private: boolean; outcome?: QuestionOutcome },
): Promise<void> {
  try {
    await ctx.questions.append({
      timestamp: new Date().toISOString(),
      via,
      outcome: outcome ?? (answer.found ? 'answered' : 'refused'),
      found: answer.found,
      sure: answer.sure,
      confidence: Number(answer.confidence.toFixed(4)),
      articleIds: answer.sources.map((s) => s.articleId),
      private: isPrivate,
      userHash: await ctx.feedback.hashUser(userId),
      guildId,
      ...whereAsked(askedIn),
      question: answer.question,
    });
  } catch (error) {
    ctx.logger.warn('Could not write to the question log', { via, error: error instanceof Error ? error.message : String(error) });
  }
}
