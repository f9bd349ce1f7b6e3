/**
 * Answers messages in the channels an admin set to `mention` or `auto` (/coverage-settings;
 * channel-settings.ts), as a message handler (message-handler.ts):
 * - in a `mention` channel (or a thread of one), a message that mentions the bot is a question: the mention
 *   is removed and the rest answered, found or not; a question that cannot be asked (empty, too long, too
 *   fast) gets one polite line;
 * - in an `auto` channel, every new top-level message, and every new post of a forum (its thread's starter
 *   message), is read as a question (a mention removed) and answered only when the reader is sure of the
 *   answer (or, with AUTO_ANSWER_THRESHOLD set, its confidence reaches that). Otherwise the bot stays silent: it never argues,
 *   never says it cannot answer, never answers inside threads. Without the Message Content intent only
 *   messages that mention the bot carry their text; the others arrive empty, and the bot stays silent.
 * Answers are replies that ping nobody. A channel where the bot may not post (403), or a channel, thread or
 * message deleted while answering, is logged without the member's text, and nothing else happens; one where it
 * may post but not embed links (an answer is an embed) is logged too, and a mention told so in one line.
 */
import { ChannelType, DiscordAPIError, RESTJSONErrorCodes, type Message, type MessageReplyOptions } from 'discord.js';
import type { Answer } from '../answer.js';
import { QuestionError, validateQuestion } from '../answer-question.js';
import { searchedPeriod } from '../conversation.js';
import { answerMessage, startAnswerSession } from './answer-message.js';
import { takeQuestion } from './ask-limit.js';
import { DEFAULT_CHANNEL_MODE, type ChannelMode } from './channel-settings.js';
import type { BotContext } from './context.js';
import type { MessageHandler } from './message-handler.js';
import { recordQuestion } from './question-log.js';
import { questionText } from './question-text.js';
import { cannotEmbed, NO_EMBED_LINKS } from './permissions.js';
import { NO_MENTIONS, SOMETHING_WENT_WRONG } from './replies.js';
import { contentText } from './format/index.js';
import { warningDue } from './warnings.js';

export const EMPTY_MENTION = 'Ask me a question after the mention, for example: “@coverage-bot what did Kim say in Vladivostok?”';
const REPLY_MENTIONS = { ...NO_MENTIONS, repliedUser: false };

/** Where a message was posted, as far as the modes are concerned. */
interface Place {
  /** The channel whose mode applies: the channel itself, or the parent of a thread. */
  channelId: string;
  /** A channel's own message or a forum post's starter message (never a message inside a thread). */
  newTopic: boolean;
}

function placeOf(message: Message<true>): Place | undefined {
  const channel = message.channel;
  if (!channel.isThread()) return { channelId: channel.id, newTopic: true };
  if (!channel.parentId) return undefined;
  const forum = channel.parent?.type === ChannelType.GuildForum || channel.parent?.type === ChannelType.GuildMedia;
  // A forum post is a thread whose starter message has the thread's id.
  return { channelId: channel.parentId, newTopic: forum && message.id === channel.id };
}

/**
 * A mention of the bot: of its user, or of the role Discord gives it in the server (typing "@coverage-bot",
 * members are often offered that role, of the same name).
 */
function mentionPattern(botId: string, roleId: string | undefined): RegExp {
  return new RegExp(`<@!?${botId}>${roleId ? `|<@&${roleId}>` : ''}`);
}

/** The channel's mode; an unreadable settings file (damaged) leaves every channel to /ask, with a warning now and then. */
async function modeOf(ctx: BotContext, guildId: string, channelId: string): Promise<ChannelMode> {
  try {
    return await ctx.channelSettings.mode(guildId, channelId);
  } catch (error) {
    if (warningDue(ctx, 'settings')) {
      ctx.logger.warn('Cannot read the channel settings: every channel is slash-only until the file is fixed', {
        error: error instanceof Error ? error.message : String(error),
      });
    }
    return DEFAULT_CHANNEL_MODE;
  }
}

async function handle(message: Message, ctx: BotContext): Promise<boolean> {
  if (!message.inGuild()) return false;
  const place = placeOf(message);
  if (!place) return false;
  const mode = await modeOf(ctx, message.guildId, place.channelId);
  if (mode === 'slash-only') return false;
  const botId = message.client.user?.id;
  // Only a mention written in the message: a reply to the bot's answer also "mentions" it, but is no question.
  const mention = botId ? mentionPattern(botId, message.guild.members.me?.roles.botRole?.id) : undefined;
  const mentioned = mention !== undefined && mention.test(message.content);
  // The question without mentions (the bot's and any other) and custom emoji, as follow-ups read one.
  const text = questionText(message);
  if (mode === 'mention') {
    if (!mentioned) return false;
    if (cannotEmbed(message)) await noEmbedLinks(message, ctx, 'mention');
    else await answerMention(message, ctx, text);
    return true;
  }
  if (!place.newTopic) return false;
  await answerIfConfident(message, ctx, text);
  return true;
}

/**
 * Where the bot may post but not embed links, an answer would arrive empty: a mention gets one line saying so,
 * an `auto` channel stays silent (a line under every message would be noise); both are logged without the text,
 * an `auto` channel once in a while: the channel whose mode applies, so a forum's posts (each a thread of its
 * own) count as the forum, and the warnings remembered stay one per channel set to `auto`.
 */
async function noEmbedLinks(message: Message<true>, ctx: BotContext, mode: 'mention' | 'auto'): Promise<void> {
  if (mode === 'mention' || warningDue(ctx, `no-embed:${placeOf(message)?.channelId ?? message.channelId}`)) {
    ctx.logger.warn('Cannot answer in this channel: the bot lacks Embed Links there', { guildId: message.guildId, channelId: message.channelId, messageId: message.id, mode });
  }
  if (mode === 'mention') await send(message, ctx, { content: NO_EMBED_LINKS });
}

async function answerMention(message: Message<true>, ctx: BotContext, text: string): Promise<void> {
  let question: string;
  try {
    if (!text) throw new QuestionError(EMPTY_MENTION);
    question = validateQuestion(text, ctx.config.retrieval.maxQuestionChars);
  } catch (error) {
    if (!(error instanceof QuestionError)) throw error;
    await send(message, ctx, { content: contentText(error.message) });
    return;
  }
  const limit = takeQuestion(ctx, { guildId: message.guildId, userId: message.author.id });
  if (!limit.allowed) {
    if (!limit.alreadyTold) await send(message, ctx, { content: contentText(limit.refusal) });
    return;
  }
  let answer: Answer;
  const now = Date.now();
  try {
    answer = await ctx.pipeline.ask(question, { passages: ctx.config.retrieval.passages, now });
  } catch (error) {
    if (!(error instanceof QuestionError)) {
      // Not the member's to fix (the index being replaced, the database out of reach, a bug): an apology, as an
      // interaction gets; the router logs the error.
      await send(message, ctx, { content: SOMETHING_WENT_WRONG }).catch(() => undefined);
      throw error;
    }
    await send(message, ctx, { content: contentText(error.message) });
    return;
  }
  // An answer that could not be posted (no permission, the channel gone: logged) is not counted as answered.
  if (!(await reply(message, ctx, answer, now))) return;
  await recordQuestion(ctx, { answer, via: 'mention', userId: message.author.id, guildId: message.guildId, askedIn: message, private: false });
}

async function answerIfConfident(message: Message<true>, ctx: BotContext, text: string): Promise<void> {
  // Empty: an image, a sticker, a bare mention, or no Message Content intent. Too long: not a question for the bot.
  if (!text || text.length > ctx.config.retrieval.maxQuestionChars) return;
  if (cannotEmbed(message)) return noEmbedLinks(message, ctx, 'auto');
  // Chat ("thanks!", "ok cool": validateQuestion refuses it) and what is no question are let be before the rate
  // limit: they cost nothing of it.
  let question: string;
  try {
    question = validateQuestion(text, ctx.config.retrieval.maxQuestionChars);
  } catch (error) {
    if (error instanceof QuestionError) return;
    throw error;
  }
  if (!takeQuestion(ctx, { guildId: message.guildId, userId: message.author.id }, 'auto').allowed) return;
  let answer: Answer;
  const now = Date.now();
  try {
    answer = await ctx.pipeline.ask(question, { passages: ctx.config.retrieval.passages, now });
  } catch (error) {
    if (error instanceof QuestionError) return;
    throw error;
  }
  // Only an answer the reader is sure of, unless AUTO_ANSWER_THRESHOLD sets the confidence it needs.
  const threshold = ctx.config.discord.autoThreshold;
  const confident = answer.found && (threshold === undefined ? answer.sure : answer.confidence >= threshold);
  if (confident && !(await reply(message, ctx, answer, now))) return;
  await recordQuestion(ctx, { answer, via: 'auto', userId: message.author.id, guildId: message.guildId, askedIn: message, private: false, outcome: confident ? 'answered' : 'silent' });
}

/** Replies with the answer and its buttons (the session removes them when it expires); false when it could not be posted. */
async function reply(message: Message<true>, ctx: BotContext, answer: Answer, askedAt: number): Promise<boolean> {
  let sent: Message | undefined;
  const snapshot = ctx.pipeline.answeredFrom(answer);
  const period = searchedPeriod(answer.question, answer, undefined, askedAt);
  const session = startAnswerSession(ctx, { answer, passages: ctx.config.retrieval.passages, private: false, snapshot, period }, async () =>
    sent?.edit({ components: [], allowedMentions: NO_MENTIONS }),
  );
  sent = await send(message, ctx, answerMessage(answer, session.id));
  return sent !== undefined;
}

/** Discord's codes for a channel, thread or message gone (deleted, or the thread archived/locked) meanwhile. */
const GONE_CODES = new Set<number | string>([
  RESTJSONErrorCodes.UnknownChannel,
  RESTJSONErrorCodes.UnknownMessage,
  RESTJSONErrorCodes.InvalidActionOnArchivedThread,
  RESTJSONErrorCodes.ThreadLocked,
]);

/**
 * A reply that pings nobody; undefined when the bot may not post there, or the channel, thread or message is
 * gone (deleted while answering): logged without the member's text.
 */
async function send(message: Message<true>, ctx: BotContext, payload: MessageReplyOptions): Promise<Message | undefined> {
  try {
    // Posted even when the question was deleted meanwhile (Discord would refuse the reply: 50035), as follow-ups are.
    return await message.reply({ ...payload, allowedMentions: REPLY_MENTIONS, failIfNotExists: false });
  } catch (error) {
    if (!(error instanceof DiscordAPIError) || (error.status !== 403 && error.status !== 404 && !GONE_CODES.has(error.code))) throw error;
    const why = error.status === 403 ? 'the bot lacks permission there' : 'the channel, thread or message is gone';
    ctx.logger.warn(`Cannot answer in this channel: ${why}`, {
      guildId: message.guildId,
      channelId: message.channelId,
      messageId: message.id,
      code: error.code,
    });
    return undefined;
  }
}

export const channelModes: MessageHandler = { name: 'channel-modes', handle };
