/**
 * Shows an article page by page (for /source and for "open a cited article" under an answer). Pages longer
 * than one embed get Previous/Next buttons that only the member who opened the article can use; they
 * expire after a few minutes and are then removed from the message.
 */
import {
  ButtonStyle,
  ComponentType,
  MessageFlags,
  type APIActionRowComponent,
  type APIButtonComponent,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type StringSelectMenuInteraction,
} from 'discord.js';
import type { Article } from '../corpus/types.js';
import type { BotContext } from './context.js';
import { encode, type CustomIdOf } from './custom-ids.js';
import { articleEmbed, articlePages, pageAt } from './format/index.js';
import { expiredComponents, NO_MENTIONS, notice } from './replies.js';

export function pageButtons(sessionId: string, page: number, pageCount: number): APIActionRowComponent<APIButtonComponent> {
  return {
    type: ComponentType.ActionRow,
    components: [
      { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: encode({ kind: 'page', session: sessionId, direction: 'prev' }), label: 'Previous', emoji: { name: '◀️' }, disabled: page <= 0 },
      { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: encode({ kind: 'page', session: sessionId, direction: 'next' }), label: 'Next', emoji: { name: '▶️' }, disabled: page >= pageCount - 1 },
    ],
  };
}

export const PAGES_EXPIRED = 'These page buttons have expired. Use `/source` to open the article again.';
export const NOT_YOUR_PAGES = 'Only the member who opened this article can turn its pages. Use `/source` to open your own copy.';

/** Replies with the first page of an article, with page buttons when it needs more than one. */
export async function showArticle(
  interaction: ChatInputCommandInteraction | StringSelectMenuInteraction,
  article: Article,
  ctx: BotContext,
  options: { ephemeral: boolean; at?: number },
): Promise<void> {
  const pages = articlePages(article);
  // Opened from a cited quote: at the page that shows it.
  const page = options.at === undefined ? 0 : pageAt(article, pages, options.at);
  const flags = options.ephemeral ? MessageFlags.Ephemeral : undefined;
  if (pages.length === 1) {
    await interaction.reply({ embeds: [articleEmbed(article, pages, 0)], flags, allowedMentions: NO_MENTIONS });
    return;
  }
  const session = ctx.pages.create({ ownerId: interaction.user.id, article, pages, page }, () =>
    interaction.editReply({ components: [], allowedMentions: NO_MENTIONS }),
  );
  await interaction.reply({
    embeds: [articleEmbed(article, pages, page)],
    components: [pageButtons(session.id, page, pages.length)],
    flags,
    allowedMentions: NO_MENTIONS,
  });
}

/** Handles a Previous/Next click. */
export async function turnPage(interaction: ButtonInteraction, id: CustomIdOf<'page'>, ctx: BotContext): Promise<void> {
  const session = ctx.pages.get(id.session);
  if (!session) {
    await expiredComponents(interaction, PAGES_EXPIRED);
    return;
  }
  const state = session.data;
  if (interaction.user.id !== state.ownerId) {
    await interaction.reply(notice(NOT_YOUR_PAGES));
    return;
  }
  const step = id.direction === 'prev' ? -1 : 1;
  state.page = Math.min(state.pages.length - 1, Math.max(0, state.page + step));
  await interaction.update({
    embeds: [articleEmbed(state.article, state.pages, state.page)],
    components: [pageButtons(session.id, state.page, state.pages.length)],
    allowedMentions: NO_MENTIONS,
  });
}
