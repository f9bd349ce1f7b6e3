/**
 * What the bot needs to answer where members write, in one place: every answer to a message is a reply (Read
 * Message History) with an embed (Embed Links, or Discord drops it), posted where the bot may see and send
 * (Send Messages in Threads inside a thread or a forum's posts). Used by Follow up, the channel modes and
 * /coverage-settings; the names are said as Discord shows them.
 */
import { PermissionFlagsBits, type Message, type PermissionsString } from 'discord.js';

/** What answering follow-ups or messages takes in a server channel, thread or reply chain alike, besides sending. */
export const ANSWER_PERMISSIONS = [PermissionFlagsBits.ViewChannel, PermissionFlagsBits.ReadMessageHistory, PermissionFlagsBits.EmbedLinks];

/** The permission to post: in a thread or a forum's posts, Send Messages does not cover it. */
export const sendPermission = (inThreads: boolean) => (inThreads ? PermissionFlagsBits.SendMessagesInThreads : PermissionFlagsBits.SendMessages);

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

/** Names discord.js spells otherwise than Discord shows them. */
const SHOWN: Partial<Record<PermissionsString, string>> = { SendMessagesInThreads: 'Send Messages in Threads', UseApplicationCommands: 'Use Application Commands' };

/** "the Embed Links permission", "the View Channel, Embed Links and Read Message History permissions". */
export function missingPermissions(names: readonly PermissionsString[]): string {
  const shown = names.map((name) => SHOWN[name] ?? name.replace(/(?<=[a-z])(?=[A-Z])/g, ' '));
  const list = shown.length > 1 ? `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}` : (shown[0] ?? '');
  return `the ${list} permission${shown.length > 1 ? 's' : ''}`;
}

/** "it" or "them", for the permissions named. */
export const them = (names: readonly unknown[]) => (names.length > 1 ? 'them' : 'it');
