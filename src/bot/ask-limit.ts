/**
 * The per-member question limit shared by every way of asking (/ask, a mention, a channel in `auto` mode):
 * one budget per member of a server (per user in direct messages), and one polite line when it is spent.
 */
import { time, TimestampStyles } from 'discord.js';
import type { BotContext } from './context.js';

/**
 * Takes one question from the member's budget; `refusal` is the line to tell them when it is spent. Messages
 * read in `auto` channels have a budget of their own (`budget: 'auto'`), so chatting there never keeps a
 * member from asking with /ask.
 */
export function takeQuestion(
  ctx: BotContext,
  member: { guildId: string | null; userId: string },
  budget: 'ask' | 'auto' = 'ask',
): { allowed: true } | { allowed: false; refusal: string; alreadyTold: boolean } {
  const limit = ctx.askLimiter.take(`${budget === 'auto' ? 'auto:' : ''}${member.guildId ?? 'dm'}:${member.userId}`);
  if (limit.allowed) return { allowed: true };
  const again = new Date(Date.now() + limit.retryAfterMs);
  return {
    allowed: false,
    // Told once while it lasts: a reply to each message over the limit would answer spam with spam.
    alreadyTold: limit.firstRefusal === false,
    refusal:
      `You're asking faster than I can keep up with: ${ctx.askLimiter.limit} questions per ${ctx.config.discord.askRateWindowSeconds} seconds. ` +
      `You can ask again ${time(again, TimestampStyles.RelativeTime)}.`,
  };
}
