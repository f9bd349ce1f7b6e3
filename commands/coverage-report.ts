/**
 * /coverage-report [days:1-365]: the maintainers' view of the last days (src/report/report.ts), for server
 * admins (Manage Server), only to the admin who asked (ephemeral): questions answered and refused, 👎
 * answers with their quotes, and the most common unanswered topics.
 */
import { MessageFlags, PermissionFlagsBits, type ChatInputCommandInteraction } from 'discord.js';
import { adminCommand, allowAdmin } from '../src/bot/admin.js';
import type { BotContext } from '../src/bot/context.js';
import { reportEmbed } from '../src/bot/format/index.js';
import { NO_MENTIONS } from '../src/bot/replies.js';
import { DEFAULT_REPORT_DAYS, MAX_REPORT_DAYS, quotesFrom, reportFromLogs } from '../src/report/report.js';

export const data = adminCommand('coverage-report', 'What was asked, refused and disliked lately, and which topics the coverage lacks (server admins)')
  .addIntegerOption((o) =>
    o.setName('days').setDescription(`The last how many days (default ${DEFAULT_REPORT_DAYS})`).setMinValue(1).setMaxValue(MAX_REPORT_DAYS),
  );

export async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  if (!(await allowAdmin(interaction)) || !interaction.inGuild()) return;
  // Reading the logs and embedding the refused questions may take more than Discord's 3 seconds.
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const { pipeline, config } = ctx;
  const report = await reportFromLogs(
    { questionLog: config.discord.questionLog, feedback: ctx.feedback },
    {
      days: interaction.options.getInteger('days') ?? DEFAULT_REPORT_DAYS,
      now: new Date(),
      guildId: interaction.guildId,
      embed: (text) => pipeline.embedder.embedQuery(text),
      // The version live when each quote is read: a refresh may have replaced the one live at the start.
      quoteOf: (citation) => quotesFrom(pipeline.index.articles)(citation),
      canView: (channelId) => canView(interaction, channelId),
    },
  );
  await interaction.editReply({ embeds: [reportEmbed(report)], allowedMentions: NO_MENTIONS });
}

/**
 * Whether the admin who asked may view a channel, so as to see the questions asked there: by their permissions in
 * it, from the server's cache (threads by their parent's); where that cannot be told (the server not cached, a
 * channel gone), only the channel the report is asked in.
 */
function canView(interaction: ChatInputCommandInteraction, channelId: string): boolean {
  if (channelId === interaction.channelId) return true;
  if (!interaction.inCachedGuild()) return false;
  try {
    return interaction.member.permissionsIn(channelId).has(PermissionFlagsBits.ViewChannel);
  } catch {
    return false;
  }
}
