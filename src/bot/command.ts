/**
 * The shape of one command module in `commands/`: a slash (chat-input) command, or a message context-menu
 * command (right-click a message → Apps). Which one is told by its builder's JSON `type`, as Discord tells
 * them apart; both may own component kinds.
 */
import {
  ApplicationCommandType,
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
  type MessageComponentInteraction,
  type MessageContextMenuCommandInteraction,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  type RESTPostAPIContextMenuApplicationCommandsJSONBody,
} from 'discord.js';
import type { BotContext } from './context.js';
import type { CustomIdKind, CustomIdOf } from './custom-ids.js';

/** Handles a click on a component whose custom id decoded to `id` (custom-ids.ts). */
export type ComponentHandler<K extends CustomIdKind> = (interaction: MessageComponentInteraction, id: CustomIdOf<K>, ctx: BotContext) => Promise<void>;

interface CommandParts {
  /** Buttons and select menus this command sent, by the kind of their decoded custom id; one owner per kind. */
  components?: { readonly [K in CustomIdKind]?: ComponentHandler<K> };
}

export interface ChatInputCommand extends CommandParts {
  /** The command's builder: its name, description and options, as registered with Discord. */
  data: { name: string; toJSON(): RESTPostAPIChatInputApplicationCommandsJSONBody };
  execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, ctx: BotContext): Promise<void>;
}

export interface MessageCommand extends CommandParts {
  /** A ContextMenuCommandBuilder of type Message. */
  data: { name: string; toJSON(): RESTPostAPIContextMenuApplicationCommandsJSONBody };
  execute(interaction: MessageContextMenuCommandInteraction, ctx: BotContext): Promise<void>;
}

export type Command = ChatInputCommand | MessageCommand;

export function isMessageCommand(command: Command): command is MessageCommand {
  return command.data.toJSON().type === ApplicationCommandType.Message;
}

/** How the command is shown in messages: `/ask` for a slash command, “Ask the coverage” for a context menu. */
export function commandLabel(command: Command): string {
  return isMessageCommand(command) ? `“${command.data.name}” (message menu)` : `/${command.data.name}`;
}
