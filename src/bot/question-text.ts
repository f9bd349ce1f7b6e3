/**
 * A member's message as a question: its text without mentions (users, roles, channels, @everyone) and custom
 * emoji, which ask nothing. Empty when the message holds only an image, a sticker, emoji, punctuation or
 * mentions, and when the bot cannot read its text (no Message Content intent and no mention of the bot).
 */
import { FormattingPatterns, MessageMentions, type Message } from 'discord.js';

// discord.js's patterns, without their group names (one name may not appear twice in one expression).
const MENTIONS = new RegExp(
  [MessageMentions.UsersPattern, MessageMentions.RolesPattern, MessageMentions.ChannelsPattern, MessageMentions.EveryonePattern, FormattingPatterns.Emoji].map((p) => p.source.replace(/\?<\w+>/g, '')).join('|'),
  'g',
);

export function questionText(message: Pick<Message, 'content'>): string {
  const text = message.content.replace(MENTIONS, ' ').replace(/\s+/g, ' ').trim();
  // "👍", "?!" or an emoji: no word to search for.
  return /[\p{L}\p{N}]/u.test(text) ? text : '';
}
