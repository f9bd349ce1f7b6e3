/** Reply helpers shared by the handlers: no reply ever pings anyone, and errors answer in the right way. */
import { MessageFlags, PermissionFlagsBits, type InteractionReplyOptions, type Message, type MessageComponentInteraction, type RepliableInteraction } from 'discord.js';
import { contentText, errorEmbed } from './format/index.js';

export const NO_MENTIONS = { parse: [] as [] };

export const SOMETHING_WENT_WRONG = 'Sorry, something went wrong while handling that. Please try again in a moment.';

/** Said instead of an answer where the bot may post but not embed links (Discord would drop the answer's embed). */
export const NO_EMBED_LINKS = "I can't show answers in this channel: I need the Embed Links permission here (answers are embeds). Ask a server admin to grant it, or use `/ask`.";

/**
 * Whether the bot is known to lack Embed Links where a message was posted (a thread has its parent's). Not
 * known (false) when its member or the server's roles are not cached: the answer is then tried as usual.
 */
export function cannotEmbed(message: Message): boolean {
  if (!message.inGuild()) return false;
  const me = message.guild.members.me;
  return me !== null && message.channel.permissionsFor(me)?.has(PermissionFlagsBits.EmbedLinks) === false;
}

/** Permission names as Discord shows them: `['ViewChannel', 'EmbedLinks']` → "View Channel and Embed Links". */
export function permissionList(names: readonly string[]): string {
  const shown = names.map((name) => name.replace(/(?<=[a-z])(?=[A-Z])/g, ' '));
  return shown.length > 1 ? `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}` : (shown[0] ?? '');
}

/** An error only the member who acted can see. */
export function errorReply(message: string): InteractionReplyOptions & { flags: MessageFlags.Ephemeral } {
  return { embeds: [errorEmbed(message)], flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS };
}

/** A polite message only the member who acted can see. */
export function notice(message: string): InteractionReplyOptions & { flags: MessageFlags.Ephemeral } {
  return { content: contentText(message), flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS };
}

/**
 * Tells the member something went wrong, in whatever way the interaction still allows: a reply when it was
 * not answered yet, the deferred message when it was deferred (ephemeral when the deferral was), a
 * follow-up when it was already answered.
 */
export async function replyWithError(interaction: RepliableInteraction, message = SOMETHING_WENT_WRONG): Promise<void> {
  if (interaction.deferred && !interaction.replied) {
    await interaction.editReply({ content: '', embeds: [errorEmbed(message)], components: [], allowedMentions: NO_MENTIONS });
  } else if (interaction.replied || interaction.deferred) {
    await interaction.followUp(errorReply(message));
  } else {
    await interaction.reply(errorReply(message));
  }
}

/** For a click on buttons whose state is gone: remove them from the message, and say why. */
export async function expiredComponents(interaction: MessageComponentInteraction, message: string): Promise<void> {
  await interaction.update({ components: [], allowedMentions: NO_MENTIONS });
  await interaction.followUp(notice(message));
}
