/**
 * /source article:<autocomplete>
 * Shows an article of the coverage: title, outlet, author, date, link and its text, page by page.
 */
import { SlashCommandBuilder, type AutocompleteInteraction, type ChatInputCommandInteraction } from 'discord.js';
import type { Command } from '../src/bot/command.js';
import type { BotContext } from '../src/bot/context.js';
import { escapeText, trimText } from '../src/bot/format/index.js';
import { notice, UNKNOWN_COMPONENT } from '../src/bot/replies.js';
import { showArticle, turnPage } from '../src/bot/source-pages.js';
import { findArticle, titleSearchFor } from '../src/bot/title-search.js';

export const data = new SlashCommandBuilder()
  .setName('source')
  .setDescription('Read an article of the coverage.')
  .addStringOption((o) => o.setName('article').setDescription('Start typing a title').setRequired(true).setAutocomplete(true))
  .addBooleanOption((o) => o.setName('private').setDescription('Only you see the article'));

export async function autocomplete(interaction: AutocompleteInteraction, ctx: BotContext): Promise<void> {
  const focused = interaction.options.getFocused(true);
  const choices = focused.name === 'article' ? titleSearchFor(ctx.pipeline.index).choices(String(focused.value)) : [];
  await interaction.respond(choices);
}

export async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const input = interaction.options.getString('article', true);
  const article = findArticle(ctx.pipeline.index, input);
  if (!article) {
    const several = titleSearchFor(ctx.pipeline.index).titled(input).length > 1;
    const named = `“${escapeText(trimText(input, 200))}”`;
    await interaction.reply(
      notice(several ? `Several articles are called ${named}. Start typing the title and pick one from the list, which shows each one's outlet.` : `I can't find an article called ${named} in the coverage. Start typing a title and pick one from the list.`),
    );
    return;
  }
  await showArticle(interaction, article, ctx, { ephemeral: interaction.options.getBoolean('private') ?? false });
}

export const components: Command['components'] = {
  page: async (interaction, id, ctx) => {
    if (interaction.isButton()) await turnPage(interaction, id, ctx);
    else await interaction.reply(notice(UNKNOWN_COMPONENT));
  },
};
