/** Short replies: an error as an embed, plain notices as content, each within Discord's limits. */
import type { APIEmbed } from 'discord.js';
import { fitContent, fitText } from './budget.js';
import { COLORS, LIMITS } from './limits.js';

export function errorEmbed(message: string): APIEmbed {
  return { description: fitText(message, LIMITS.description), color: COLORS.error };
}

/** A plain message (a notice, a short error) as content: within 2,000 characters. */
export const contentText = fitContent;
