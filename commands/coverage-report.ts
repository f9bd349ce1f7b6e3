/**
 * /coverage-report [days:1-365]: the maintainers' view of the last days (src/report/report.ts), for server
 * admins (Manage Server), only to the admin who asked (ephemeral): questions answered and refused, 👎
 * answers with their quotes, and the most common unanswered topics.
 */
import { MessageFlags, PermissionFlagsBits, type ChatInputCommandInteraction } from 'discord.js';
import { adminCommand, allowAdmin } from '../src/bot/admin.js';
import type { BotContext } from '../src/bot/context.js';
import type { AskedWhere } from '../src/bot/question-log.js';
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
      canView: (where) => canView(interaction, where),
    },
  );
  await interaction.editReply({ embeds: [reportEmbed(report)], allowedMentions: NO_MENTIONS });
}

/**
 * Whether the admin who asked may see where a question was asked, so as to see its text: by their permissions in
 * the channel, from the server's cache (threads by their parent's). A private thread is seen by its members and by
 * those who manage the parent's threads: the report shows its questions to the latter, or in the thread itself
 * (its members are not known without a request). Where it cannot be told (the server not cached, a channel gone),
 * only what was asked where the report is asked.
 */
function canView(interaction: ChatInputCommandInteraction, { channelId, privateThreadId }: AskedWhere): boolean {
  if (interaction.channelId === (privateThreadId ?? channelId)) return true;
  if (!interaction.inCachedGuild()) return false;
  const needed = privateThreadId === undefined ? PermissionFlagsBits.ViewChannel : PermissionFlagsBits.ViewChannel | PermissionFlagsBits.ManageThreads;
  try {
    return interaction.member.permissionsIn(channelId).has(needed);
  } catch {
    return false;
  }
}
