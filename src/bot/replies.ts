/** Reply helpers shared by the handlers: no reply ever pings anyone, and errors answer in the right way. */
import { MessageFlags, type InteractionReplyOptions, type MessageComponentInteraction, type RepliableInteraction } from 'discord.js';
import { contentText, errorEmbed } from './format/index.js';

export const NO_MENTIONS = { parse: [] as [] };

export const SOMETHING_WENT_WRONG = 'Sorry, something went wrong while handling that. Please try again in a moment.';

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
export async function replyWithError(interaction: RepliableInteraction | MessageComponentInteraction, message = SOMETHING_WENT_WRONG): Promise<void> {
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

/** A component whose custom id no handler takes (an old message's, or a forged one). */
export const UNKNOWN_COMPONENT = "I don't recognise that button any more. Try the command again.";
