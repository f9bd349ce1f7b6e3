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
import { LIMITS } from '../src/bot/format/limits.js';
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
    await interaction.reply(notice(modeListing(channels, channels.some((c) => c.mode === 'auto') ? warning : '')));
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
 * The channels' modes, grouped by mode, in one message of Discord's 2,000 characters: channels that do not fit are
 * counted ("… and 12 more"), and the default and `warning` are always said.
 */
export function modeListing(channels: readonly { channelId: string; mode: ChannelMode }[], warning: string): string {
  if (channels.length === 0) return `Every channel is \`${DEFAULT_CHANNEL_MODE}\`: ${DESCRIPTIONS[DEFAULT_CHANNEL_MODE]}${warning}`;
  const header = 'Channel modes in this server:';
  const footer = `\nEvery other channel: \`${DEFAULT_CHANNEL_MODE}\`.${warning}`;
  const more = (n: number) => ` … and ${n} more`;
  // The modes a bot speaks in unasked first: `auto`, then `mention`.
  const groups = [...CHANNEL_MODES]
    .reverse()
    .map((mode) => ({ mode, ids: channels.filter((c) => c.mode === mode).map((c) => c.channelId) }))
    .filter((g) => g.ids.length > 0);
  const label = (mode: string) => `\n\`${mode}\`:`;
  // Each group's label and count of those not shown are kept room for, before any mention is.
  let room = LIMITS.content - header.length - footer.length - groups.reduce((sum, g) => sum + label(g.mode).length + more(g.ids.length).length, 0);
  const lines = groups.map(({ mode, ids }) => {
    let line = label(mode);
    let shown = 0;
    for (const id of ids) {
      const mention = `${shown === 0 ? ' ' : ', '}${channelMention(id)}`;
      if (mention.length > room) break;
      line += mention;
      room -= mention.length;
      shown++;
    }
    return shown < ids.length ? line + more(ids.length - shown) : line;
  });
  return `${header}${lines.join('')}${footer}`;
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
