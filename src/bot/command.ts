/** The shape of one slash command module in `commands/`. */
import type {
  AutocompleteInteraction,
  ChatInputCommandInteraction,
  MessageComponentInteraction,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { BotContext } from './context.js';
import type { CustomIdKind, CustomIdOf } from './custom-ids.js';

/** Handles a click on a component whose custom id decoded to `id` (custom-ids.ts). */
export type ComponentHandler<K extends CustomIdKind> = (interaction: MessageComponentInteraction, id: CustomIdOf<K>, ctx: BotContext) => Promise<void>;

export interface Command {
  /** The command's builder: its name, description and options, as registered with Discord. */
  data: { name: string; toJSON(): RESTPostAPIChatInputApplicationCommandsJSONBody };
  execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, ctx: BotContext): Promise<void>;
  /** Buttons and select menus this command sent, by the kind of their decoded custom id; one owner per kind. */
  components?: { readonly [K in CustomIdKind]?: ComponentHandler<K> };
}
