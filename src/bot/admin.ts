/**
 * Commands for a server's admins (/coverage-settings, /coverage-report). Registered with Manage Server as
 * their default permission, and checked again when run: a server owner can open a command to anyone in the
 * server's Integrations settings, and the check must not depend on that.
 */
import { InteractionContextType, PermissionFlagsBits, SlashCommandBuilder, type ChatInputCommandInteraction } from 'discord.js';
import { notice } from './replies.js';

export const ADMIN_PERMISSION = PermissionFlagsBits.ManageGuild;
export const ADMINS_ONLY = 'Only members with the **Manage Server** permission can use this command. Ask one of the server’s admins.';
export const SERVERS_ONLY = 'This command works in a server, not in direct messages.';

/** The builder of an admin command: in servers only, shown to members with Manage Server by default. */
export function adminCommand(name: string, description: string): SlashCommandBuilder {
  return new SlashCommandBuilder().setName(name).setDescription(description).setDefaultMemberPermissions(ADMIN_PERMISSION).setContexts(InteractionContextType.Guild);
}

/** True when the member may run an admin command; otherwise tells them why not (ephemeral) and returns false. */
export async function allowAdmin(interaction: ChatInputCommandInteraction): Promise<boolean> {
  if (!interaction.inGuild()) {
    await interaction.reply(notice(SERVERS_ONLY));
    return false;
  }
  if (!interaction.memberPermissions?.has(ADMIN_PERMISSION)) {
    await interaction.reply(notice(ADMINS_ONLY));
    return false;
  }
  return true;
}
