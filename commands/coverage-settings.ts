/**
 * /coverage-settings set mode:<slash-only|mention|auto> [channel:<#channel>] | /coverage-settings show
 * How the bot answers in a channel, for server admins (Manage Server): only /ask (the default), also when
 * mentioned, or every new message (every new forum post) when the reader is confident. Replies are ephemeral.
 */
import { ChannelType, channelMention, type ChatInputCommandInteraction, type PermissionsString } from 'discord.js';
import { adminCommand, allowAdmin } from '../src/bot/admin.js';
import { CHANNEL_MODES, DEFAULT_CHANNEL_MODE, isChannelMode, type ChannelMode } from '../src/bot/channel-settings.js';
import type { BotContext } from '../src/bot/context.js';
import { ANSWER_PERMISSIONS, missingPermissions, sendPermission, them } from '../src/bot/permissions.js';
import { notice } from '../src/bot/replies.js';

export const data = adminCommand('coverage-settings', 'How the bot answers in a channel (server admins)')
  .addSubcommand((s) =>
    s
      .setName('set')
      .setDescription("Set a channel's mode")
      .addStringOption((o) =>
        o
          .setName('mode')
          .setDescription('slash-only: only /ask; mention: also when mentioned; auto: every new message, when confident')
          .setRequired(true)
          .addChoices(...CHANNEL_MODES.map((m) => ({ name: m, value: m }))),
      )
      .addChannelOption((o) =>
        o
          .setName('channel')
          .setDescription('The channel (default: this one)')
          .addChannelTypes(ChannelType.GuildText, ChannelType.GuildAnnouncement, ChannelType.GuildForum, ChannelType.GuildMedia),
      ),
  )
  .addSubcommand((s) => s.setName('show').setDescription('Show the mode of every channel'));

const DESCRIPTIONS: Record<ChannelMode, string> = {
  'slash-only': 'I answer only `/ask` there.',
  mention: 'I answer `/ask` and messages that mention me there.',
  auto: "I answer every new message there (every new post in a forum) when I'm confident of the answer, and stay silent otherwise.",
};

/** Shown when `auto` is set or listed while the bot cannot read messages. */
export const NO_MESSAGE_CONTENT =
  '⚠️ The bot runs without the **Message Content** intent, so it cannot read messages that do not mention it: in `auto` channels it will answer only messages that mention it (when confident) and stay silent on the rest. ' +
  'Its operator can turn the intent on (Developer Portal → Bot → Privileged Gateway Intents, and DISCORD_MESSAGE_CONTENT=true; see docs/DISCORD.md).';

export async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  if (!(await allowAdmin(interaction)) || !interaction.inGuild()) return;
  const store = ctx.channelSettings;
  const warning = ctx.config.discord.messageContent ? '' : `\n\n${NO_MESSAGE_CONTENT}`;
  if (interaction.options.getSubcommand() === 'show') {
    const channels = await store.list(interaction.guildId);
    const lines = channels.map(({ channelId, mode }) => `${channelMention(channelId)}: \`${mode}\``);
    const text = lines.length
      ? `Channel modes in this server:\n${lines.join('\n')}\nEvery other channel: \`${DEFAULT_CHANNEL_MODE}\`.`
      : `Every channel is \`${DEFAULT_CHANNEL_MODE}\`: ${DESCRIPTIONS[DEFAULT_CHANNEL_MODE]}`;
    await interaction.reply(notice(`${text}${channels.some((c) => c.mode === 'auto') ? warning : ''}`));
    return;
  }
  const mode = interaction.options.getString('mode', true);
  if (!isChannelMode(mode)) throw new Error(`Unknown channel mode ${JSON.stringify(mode)}`); // Discord offers only the choices
  const chosen = interaction.options.getChannel('channel');
  const here = interaction.channel?.isThread() ? interaction.channel.parentId : interaction.channelId;
  const channelId = chosen?.id ?? here ?? interaction.channelId;
  await store.setMode(interaction.guildId, channelId, mode);
  const lacking = mode === 'slash-only' ? [] : missingToAnswer(interaction, channelId);
  const unable = lacking.length > 0 ? `\n\n⚠️ I lack ${missingPermissions(lacking)} in ${channelMention(channelId)}, so I cannot answer there until a server admin grants ${them(lacking)}.` : '';
  await interaction.reply(notice(`${channelMention(channelId)} is now \`${mode}\`: ${DESCRIPTIONS[mode]}${unable}${mode === 'auto' ? warning : ''}`));
}

/**
 * What the bot lacks to answer messages in a channel (see it, post, reply, show the answer's embed; in a forum, post
 * in its posts), as far as it can tell: Discord sends its permissions in the channel the command was used in;
 * another channel's come from the server's cached roles, or are not known (nothing said).
 */
function missingToAnswer(interaction: ChatInputCommandInteraction<'cached' | 'raw'>, channelId: string): PermissionsString[] {
  const here = channelId === interaction.channelId;
  const channel = interaction.guild?.channels.cache.get(channelId);
  const forum = channel?.type === ChannelType.GuildForum || channel?.type === ChannelType.GuildMedia;
  const needed = [...ANSWER_PERMISSIONS, sendPermission(forum)];
  const me = interaction.guild?.members.me;
  const permissions = here ? interaction.appPermissions : me && channel && !channel.isThread() ? channel.permissionsFor(me) : null;
  return permissions ? permissions.missing(needed) : [];
}
