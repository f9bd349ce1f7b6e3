/**
 * "Follow up" under a public answer: opens a conversation on it. In a server text or announcement channel
 * where the bot may, a thread on the answer, where every member message is a follow-up; elsewhere (direct
 * messages, a thread or forum post, no permission to open threads) a reply chain: a reply to the answer (or
 * to a later answer) is a follow-up. The member is told which, privately. A private answer opens nothing:
 * its text was for one member, and a conversation is public.
 */
import {
  ChannelType,
  channelMention,
  DiscordAPIError,
  RESTJSONErrorCodes,
  MessageFlags,
  PermissionFlagsBits,
  ThreadAutoArchiveDuration,
  type AnyThreadChannel,
  type MessageComponentInteraction,
} from 'discord.js';
import { turnOf } from '../conversation.js';
import type { BotContext } from './context.js';
import type { Conversation } from './conversations.js';
import type { CustomIdOf } from './custom-ids.js';
import { discordProblem, problemMeta } from './discord-errors.js';
import { escapeText, trimText } from './format/index.js';
import { ANSWER_PERMISSIONS, missingPermissions, sendPermission, them } from './permissions.js';
import { NO_MENTIONS, notice } from './replies.js';

export const FOLLOW_UP_EXPIRED = 'This answer can no longer be followed up: its buttons have expired. Ask again with `/ask`, then press Follow up.';
export const PRIVATE_FOLLOW_UP = 'A private answer stays private, and follow-ups are public. Ask again without `private` to follow up on it.';
/** Thread names are at most 100 characters. */
const THREAD_NAME_CHARS = 100;

/**
 * How to ask in a conversation (a thread, where every message is a follow-up, or a reply chain, where only a reply
 * to one of its answers is), given whether the bot can read messages that do not mention it: in a server, only
 * with the Message Content intent; in direct messages, always (Discord sends their text without it). A reply
 * mentions the member replied to unless they switch that off.
 */
export function howToAsk(ctx: BotContext, botId: string | undefined, inGuild: boolean, place: Conversation['place']): string {
  const me = botId ? `<@${botId}>` : '@coverage-bot';
  const readsEveryMessage = ctx.config.discord.messageContent || !inGuild;
  if (place === 'replies') {
    return readsEveryMessage
      ? 'Reply to my answer with your follow-up, then to my next answer, and I will read it with the earlier questions.'
      : `Reply to my answer with your follow-up, then to my next answer, with the reply's mention of ${me} left on: I can only read messages that mention me.`;
  }
  return readsEveryMessage
    ? 'Write your follow-up as a message here and I will read it with the earlier questions.'
    : `Mention ${me} in each follow-up (for example: ${me} how long did that take him?): I can only read messages that mention me.`;
}

export async function openFollowUp(interaction: MessageComponentInteraction, id: CustomIdOf<'followUp'>, ctx: BotContext): Promise<void> {
  const session = ctx.answers.get(id.session);
  if (!session) {
    await interaction.reply(notice(FOLLOW_UP_EXPIRED));
    return;
  }
  if (session.data.private) {
    await interaction.reply(notice(PRIVATE_FOLLOW_UP));
    return;
  }
  const message = interaction.message;
  const live = ctx.conversations.find(message.id);
  if (live) {
    await interaction.reply(notice(live.place === 'thread' ? `This answer's conversation is here: ${channelMention(live.id)}.` : howToAsk(ctx, interaction.client.user?.id, interaction.inGuild(), 'replies')));
    return;
  }
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  // Wherever follow-ups are answered, in a thread or in replies, the bot sees them, replies to them (which takes
  // Read Message History) and answers with an embed (Embed Links, or Discord drops the embed: an empty answer).
  const cannotAnswer = interaction.inGuild() ? interaction.appPermissions.missing(ANSWER_PERMISSIONS) : [];
  if (cannotAnswer.length > 0) {
    ctx.logger.info('No permission to answer follow-ups here; no follow-ups', { guildId: interaction.guildId, channelId: interaction.channelId, missing: cannotAnswer.join(',') });
    await interaction.editReply({
      content: `Follow-ups are not possible in this channel: I would need ${missingPermissions(cannotAnswer)} here to answer them. Ask again with \`/ask\`, or ask a server admin to grant ${them(cannotAnswer)}.`,
      allowedMentions: NO_MENTIONS,
    });
    return;
  }
  const { answer, period } = session.data;
  const first = turnOf(answer.question, answer.readAs ?? answer.question, answer, period);
  const opened = await openThread(interaction, answer.question, ctx);
  if ('thread' in opened) {
    ctx.conversations.start(opened.thread.id, 'thread', opened.thread.id, first, session.data.passages);
    try {
      const intro = `Follow-ups on “${escapeText(trimText(answer.question, 300))}”. ${howToAsk(ctx, interaction.client.user?.id, interaction.inGuild(), 'thread')}`;
      await opened.thread.send({ content: intro, allowedMentions: NO_MENTIONS });
    } catch (error) {
      // The thread is open; only its first line could not be posted (removed at once, or no permission there).
      if (!discordProblem(error)) throw error;
      ctx.logger.warn('Could not post the first line of a follow-up thread', { threadId: opened.thread.id, ...problemMeta(error) });
    }
    await interaction.editReply({ content: `I opened a thread for your follow-ups: ${channelMention(opened.thread.id)}.`, allowedMentions: NO_MENTIONS });
    return;
  }
  if ('existing' in opened) {
    // The answer's thread outlived its conversation (expired, or the bot restarted): it starts again there.
    ctx.conversations.start(opened.existing, 'thread', opened.existing, first, session.data.passages);
    await interaction.editReply({ content: `Ask your follow-ups in this answer's thread: ${channelMention(opened.existing)}.`, allowedMentions: NO_MENTIONS });
    return;
  }
  // Replies reach the bot only where it may see the channel, and it answers them only where it may post.
  // In a thread or forum post the bot posts with Send Messages in Threads (Send Messages does not cover it).
  const send = [sendPermission(interaction.channel?.isThread() ?? false)];
  if (interaction.inGuild() && interaction.memberPermissions.missing(send).length > 0) {
    await interaction.editReply({ content: `${opened.reason} and you may not send messages in this channel, so follow-ups are not possible here. Ask again with \`/ask\` where you can post.`, allowedMentions: NO_MENTIONS });
    return;
  }
  const cannot = interaction.inGuild() ? interaction.appPermissions.missing(send) : [];
  if (cannot.length > 0) {
    ctx.logger.info('No permission to send replies here either; no follow-ups', { guildId: interaction.guildId, channelId: interaction.channelId, missing: cannot.join(',') });
    await interaction.editReply({ content: `${opened.reason} and I may not send messages in this channel either, so follow-ups are not possible here. Ask again with \`/ask\`, or ask a server admin to let me send messages here.`, allowedMentions: NO_MENTIONS });
    return;
  }
  ctx.conversations.start(message.id, 'replies', message.channelId, first, session.data.passages);
  await interaction.editReply({
    content: `${opened.reason} so let's continue in replies. ${howToAsk(ctx, interaction.client.user?.id, interaction.inGuild(), 'replies')}`,
    allowedMentions: NO_MENTIONS,
  });
}

/** What opening a follow-up thread and posting in it take, of the bot and of the member who asks for it. */
const THREAD_PERMISSIONS = [PermissionFlagsBits.CreatePublicThreads, PermissionFlagsBits.SendMessagesInThreads];

/** A thread on the answer (new, or the id of the one it already has), or why there cannot be one here. */
async function openThread(
  interaction: MessageComponentInteraction,
  question: string,
  ctx: BotContext,
): Promise<{ thread: AnyThreadChannel } | { existing: string } | { reason: string }> {
  const channel = interaction.channel;
  if (!interaction.inGuild() || !channel) return { reason: 'Threads cannot be opened in direct messages,' };
  if (channel.type !== ChannelType.GuildText && channel.type !== ChannelType.GuildAnnouncement) return { reason: 'Threads cannot be opened in this kind of channel,' };
  const meta = { guildId: interaction.guildId, channelId: interaction.channelId, messageId: interaction.message.id };
  // The thread is the member's doing, opened by the bot: not where the member may not open one, or post in it.
  if (interaction.memberPermissions.missing(THREAD_PERMISSIONS).length > 0) return { reason: "You don't have permission to open threads here," };
  const missing = interaction.appPermissions.missing(THREAD_PERMISSIONS);
  if (missing.length > 0) {
    ctx.logger.info('No permission to open a follow-up thread; using replies', { ...meta, missing: missing.join(',') });
    return { reason: "I don't have permission to open threads here," };
  }
  try {
    const thread = await interaction.message.startThread({
      name: trimText(question, THREAD_NAME_CHARS),
      autoArchiveDuration: ThreadAutoArchiveDuration.OneDay,
      reason: 'Follow-up questions on an answer',
    });
    return { thread };
  } catch (error) {
    // A thread opened on a message has the message's id.
    if (error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.ThreadAlreadyCreatedForMessage) return { existing: interaction.message.id };
    if (!discordProblem(error)) throw error;
    ctx.logger.warn('Discord refused a follow-up thread; using replies', { ...meta, ...problemMeta(error) });
    return { reason: "I couldn't open a thread here (missing permission)," };
  }
}
