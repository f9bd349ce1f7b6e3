/**
 * A handler of ordinary messages (not interactions), such as a follow-up posted in an answer's thread or a
 * question in a channel where the bot answers without a slash command. The router offers each message a
 * member posts to the handlers in order; the first that returns true has taken it and the rest never see it.
 * Handlers never log the message's text: it is a member's private words.
 */
import type { Message } from 'discord.js';
import type { BotContext } from './context.js';

export interface MessageHandler {
  /** A short name for the log. */
  readonly name: string;
  /** Takes the message (true) when it is this handler's to answer, else returns false at once. */
  handle(message: Message, ctx: BotContext): Promise<boolean>;
}
