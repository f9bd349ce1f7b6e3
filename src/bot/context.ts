/**
 * Everything a command handler needs, passed in rather than read from globals, so tests can give the
 * handlers a pipeline built on a temporary index, a fake clock and an in-memory feedback log.
 */
import type { Answer } from '../answer.js';
import type { Config } from '../config.js';
import type { Period } from '../dates.js';
import type { Article } from '../corpus/types.js';
import type { Pipeline } from '../pipeline.js';
import { JsonChannelSettings, type ChannelSettingsStore } from './channel-settings.js';
import { ConversationStore } from './conversations.js';
import { FeedbackLog, FeedbackTable, type FeedbackSink, type Vote } from './feedback.js';
import { consoleLogger, type Logger } from './log.js';
import { QuestionLog, type QuestionSink } from './question-log.js';
import { RateLimiter } from './rate-limit.js';
import { SessionStore } from './sessions.js';

/** What the 👍/👎 buttons under an answer need to write a feedback line. */
export interface AnswerSession {
  answer: Answer;
  passages: number;
  /** The period of publication the answer searched (conversation.ts `searchedPeriod`): its follow-ups search it too. */
  period?: Period;
  private: boolean;
  indexVersion: string;
  model: string;
  /** Votes already recorded, by hashed user id. */
  votes: Map<string, Vote>;
}

/** An article shown page by page to one member. */
export interface PageSession {
  ownerId: string;
  article: Article;
  pages: string[];
  page: number;
}

export interface BotContext {
  pipeline: Pipeline;
  config: Config;
  askLimiter: RateLimiter;
  feedback: FeedbackSink;
  /** Questions answered or refused, for the maintainers' report (question-log.ts). */
  questions: QuestionSink;
  /** Each channel's mode: slash-only, mention or auto (channel-settings.ts). */
  channelSettings: ChannelSettingsStore;
  answers: SessionStore<AnswerSession>;
  pages: SessionStore<PageSession>;
  /** Follow-up conversations in threads and reply chains (conversations.ts). */
  conversations: ConversationStore;
  logger: Logger;
}

/** Buttons under an answer stay for this long (within the 15 minutes an interaction token lives). */
export const ANSWER_BUTTONS_TTL_MS = 10 * 60_000;
/** Page buttons of an article stay for this long. */
export const PAGE_BUTTONS_TTL_MS = 5 * 60_000;

export interface ContextOptions {
  now?: () => number;
  logger?: Logger;
  feedback?: FeedbackSink;
  questions?: QuestionSink;
  channelSettings?: ChannelSettingsStore;
}

export function createContext(pipeline: Pipeline, config: Config, options: ContextOptions = {}): BotContext {
  const now = options.now ?? Date.now;
  const logger = options.logger ?? consoleLogger;
  const onError = (error: unknown) => logger.warn('Could not remove expired buttons', { error });
  return {
    pipeline,
    config,
    askLimiter: new RateLimiter(config.discord.askRateLimit, config.discord.askRateWindowSeconds * 1000, now),
    feedback:
      options.feedback ??
      (pipeline.store.sql ? new FeedbackTable(pipeline.store.sql, config.discord.feedbackSalt) : new FeedbackLog(config.discord.feedbackLog, config.discord.feedbackSalt)),
    questions: options.questions ?? new QuestionLog(config.discord.questionLog),
    channelSettings: options.channelSettings ?? new JsonChannelSettings(config.discord.channelSettingsFile),
    answers: new SessionStore<AnswerSession>({ ttlMs: ANSWER_BUTTONS_TTL_MS, now, onError }),
    pages: new SessionStore<PageSession>({ ttlMs: PAGE_BUTTONS_TTL_MS, now, onError }),
    conversations: new ConversationStore({ maxTurns: config.discord.conversationTurns, ttlMs: config.discord.conversationMinutes * 60_000, now }),
    logger,
  };
}
