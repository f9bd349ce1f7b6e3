/**
 * Follow-up questions: every member message in a conversation's thread, or a reply to one of the bot's
 * answers in a reply chain (follow-up-button.ts opens them). The message handler takes only those and
 * returns false for everything else. A follow-up is read with the conversation so far (src/conversation.ts),
 * answered with the same answer message as /ask under a "Following up on: …" line, and added to the
 * conversation. A message without readable text gets, once, a line on how to ask; a follow-up in an expired
 * conversation is told how to start again; a thread deleted or a permission removed mid-answer ends in a log
 * line. The member's text never reaches the log.
 */
import { MessageReferenceType, type Message, type MessageReplyOptions } from 'discord.js';
import { isChatOnly } from '../chat-opening.js';
import { askFollowUp, liveTurns, type FollowUpAnswer } from '../conversation.js';
import { QuestionError, validateQuestion } from '../answer-question.js';
import { answerMessage, FOLLOW_UP_INTRO, startAnswerSession } from './answer-message.js';
import { takeQuestion } from './ask-limit.js';
import { recordQuestion } from './question-log.js';
import type { BotContext } from './context.js';
import type { Conversation, Lookup } from './conversations.js';
import { discordProblem, problemMeta } from './discord-errors.js';
import { contentText, escapeText, trimText } from './format/index.js';
import { howToAsk } from './follow-up-button.js';
import type { MessageHandler } from './message-handler.js';
import { questionText } from './question-text.js';
import { cannotEmbed, NO_EMBED_LINKS } from './permissions.js';
import { NO_MENTIONS, SOMETHING_WENT_WRONG } from './replies.js';

export const CONVERSATION_EXPIRED = 'This conversation has expired after a quiet spell. Ask again with `/ask` (or "Ask the coverage" on a message), then press Follow up to start a new one.';
/** The earlier question is quoted in the "Following up on" line up to this many characters. */
const EARLIER_QUESTION_CHARS = 300;

function logMeta(message: Message) {
  return { messageId: message.id, channelId: message.channelId, guildId: message.guildId ?? 'dm', userId: message.author.id };
}

/** Replies without pinging anyone, the member included; still posted if their message was deleted meanwhile. */
function reply(message: Message, body: Pick<MessageReplyOptions, 'content' | 'embeds' | 'components'> | string): Promise<Message> {
  const options = typeof body === 'string' ? { content: contentText(body) } : body;
  return message.reply({ ...options, allowedMentions: { ...NO_MENTIONS, repliedUser: false }, failIfNotExists: false });
}

export const followUps: MessageHandler = {
  name: 'follow-ups',
  async handle(message, ctx) {
    // A reply to an answer with a live conversation of its own (an answer in a thread or a forum post continues in
    // replies: it cannot get a thread), else the thread's conversation, else an expired reply chain's.
    // Only a reply, in the answer's own channel: a forward also references the answer, from anywhere (another server too).
    const reference = message.reference;
    const replyTo = reference && (reference.type ?? MessageReferenceType.Default) === MessageReferenceType.Default && reference.channelId === message.channelId ? reference.messageId : undefined;
    const byReply = replyTo ? { where: { reply: replyTo }, found: ctx.conversations.lookup({ reply: replyTo }) } : undefined;
    const byThread = message.channel.isThread() ? { where: { thread: message.channelId }, found: ctx.conversations.lookup({ thread: message.channelId }) } : undefined;
    const chosen = byReply?.found?.state === 'live' ? byReply : byThread?.found ? byThread : byReply;
    const where: { thread: string } | { reply: string } | undefined = chosen?.where;
    const found: Lookup = chosen?.found;
    if (!where || !found) return false;
    try {
      if (found.state === 'expired') {
        ctx.conversations.forgetExpired('thread' in where ? where.thread : where.reply);
        ctx.logger.info('Follow-up in an expired conversation', logMeta(message));
        await reply(message, CONVERSATION_EXPIRED);
      } else {
        // In use from now: the sweeper does not end it while the follow-up is answered.
        ctx.conversations.touch(found.conversation);
        await answer(message, found.conversation, ctx);
      }
    } catch (error) {
      const problem = discordProblem(error);
      if (!problem) throw error;
      // Nowhere left to say so: the thread is gone or the bot may not post there. The log says which.
      ctx.logger.warn(problem === 'gone' ? 'A follow-up could not be answered: its channel or message is gone' : 'A follow-up could not be answered: missing permissions', {
        ...logMeta(message),
        ...problemMeta(error),
      });
      if (problem === 'gone' && found.state === 'live') ctx.conversations.end(found.conversation.id, { remember: false });
    }
    return true;
  },
};

async function answer(message: Message, conversation: Conversation, ctx: BotContext): Promise<void> {
  const text = questionText(message);
  if (!text) {
    const mentioned = message.client.user ? message.mentions.users.has(message.client.user.id) : false;
    ctx.logger.info('Follow-up without readable text', { ...logMeta(message), attachments: message.attachments.size, mentioned, messageContentIntent: ctx.config.discord.messageContent });
    // Said once per conversation (every message reads as empty without the intent), and whenever they mention the bot.
    if (mentioned || !conversation.hinted) {
      conversation.hinted = true;
      await reply(message, `I couldn't find a question in words in that message. ${howToAsk(ctx, message.client.user?.id, message.inGuild(), conversation.place)}`);
    }
    return;
  }
  // "thanks!", "ok cool": the member acknowledges an answer; a reply saying there is no question would be noise.
  if (isChatOnly(text)) return;
  // Refused before the rate limit, as /ask and "Ask the coverage" are: a question not asked costs nothing.
  try {
    validateQuestion(text, ctx.config.retrieval.maxQuestionChars);
  } catch (error) {
    return refuse(message, text, error, ctx);
  }
  // Granted when the conversation opened (follow-up-button.ts), but it may have been taken away since.
  if (cannotEmbed(message)) {
    ctx.logger.warn('A follow-up could not be answered: the bot lacks Embed Links there', logMeta(message));
    await reply(message, NO_EMBED_LINKS);
    return;
  }
  const limit = takeQuestion(ctx, { guildId: message.guildId, userId: message.author.id });
  if (!limit.allowed) {
    if (!limit.alreadyTold) await reply(message, limit.refusal);
    return;
  }
  // The acknowledgement of a message: "coverage-bot is typing…" while the model reads.
  if ('sendTyping' in message.channel) await message.channel.sendTyping();
  let result: FollowUpAnswer;
  // As many passages as the /ask the conversation started from asked for.
  const passages = conversation.passages ?? ctx.config.retrieval.passages;
  try {
    result = await askFollowUp(ctx.pipeline, conversation.turns, text, ctx.config.retrieval.maxQuestionChars, { passages });
  } catch (error) {
    return refuse(message, text, error, ctx);
  }
  // An index swap may have taken some cited articles away: the conversation forgets them. Its turns as they
  // are now, not as this follow-up read them: another follow-up may have added one meanwhile.
  const snapshot = result.from;
  conversation.turns = liveTurns(conversation.turns, snapshot.articles);
  ctx.conversations.touch(conversation);
  let sent: Message | undefined;
  const session = startAnswerSession(ctx, { answer: result.answer, passages, private: false, snapshot, period: result.turn.period }, async () => {
    await sent?.edit({ components: [], allowedMentions: NO_MENTIONS });
  });
  const earlier = result.reading.buildsOn;
  const intro = earlier ? `${FOLLOW_UP_INTRO} “${escapeText(trimText(earlier.question, EARLIER_QUESTION_CHARS))}”` : undefined;
  sent = await reply(message, answerMessage(result.answer, session.id, { followUp: false, intro }));
  ctx.conversations.add(conversation, result.turn, sent.id);
  await recordQuestion(ctx, { answer: result.answer, via: 'follow-up', userId: message.author.id, guildId: message.guildId, askedIn: message, private: false });
}

/** A follow-up the member has to change (too long): a polite reply, and a log line with its length only. */
async function refuse(message: Message, text: string, error: unknown, ctx: BotContext): Promise<void> {
  if (!(error instanceof QuestionError)) {
    // Not the member's to fix (the index being replaced, the database out of reach, a bug): an apology, as an
    // interaction gets; the router logs the error.
    await reply(message, SOMETHING_WENT_WRONG).catch(() => undefined);
    throw error;
  }
  ctx.logger.info('Follow-up refused', { ...logMeta(message), length: text.length });
  await reply(message, error.message);
}
