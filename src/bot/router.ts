/**
 * Routes interactions to the command modules: slash commands and message context-menu commands to their
 * `execute`, autocomplete to `autocomplete`,
 * buttons and select menus to the `components` handler of the kind their custom id decodes to
 * (custom-ids.ts); an id that does not decode, or that no command handles, gets a polite ephemeral reply.
 * Messages members post go to the message handlers in order, until one takes them (message-handler.ts);
 * the bot's own messages, other bots', webhooks' and system messages are never offered, nor one delivered again. A deleted thread
 * ends its conversation (conversations.ts).
 * A failing handler is logged with its context and answered with an ephemeral apology; the bot keeps
 * serving. `stop` refuses new interactions and messages and waits for those in flight, for a clean shutdown.
 */
import { DiscordAPIError, Events, RESTJSONErrorCodes, type Client, type Interaction, type Message } from 'discord.js';
import { isMessageCommand, type ChatInputCommand, type Command, type ComponentHandler, type MessageCommand } from './command.js';
import type { BotContext } from './context.js';
import { decode, type CustomId, type CustomIdKind } from './custom-ids.js';
import { discordProblem, problemMeta } from './discord-errors.js';
import type { MessageHandler } from './message-handler.js';
import { notice, replyWithError, UNKNOWN_COMPONENT } from './replies.js';
import { LRUMap } from '../lru-map.js';

export const SHUTTING_DOWN = 'The bot is restarting. Please try again in a minute.';
/** Message ids kept to recognise a message delivered again. */
const OFFERED_IDS_KEPT = 1_000;

export class Router {
  private readonly byName: Map<string, ChatInputCommand>;
  /** Message context-menu commands, by name (Discord keeps their names apart from slash commands'). */
  private readonly messageCommands: Map<string, MessageCommand>;
  private readonly byKind = new Map<CustomIdKind, ComponentHandler<CustomIdKind>>();
  private readonly inFlight = new Set<Promise<void>>();
  /**
   * The messages offered lately, by id: one delivered twice (a gateway dispatch replayed) is offered once.
   * discord.js skipped such a message when it was in its cache; the bot keeps no messages (MAX_CACHED_MESSAGES).
   */
  private readonly offered = new LRUMap<string, true>(OFFERED_IDS_KEPT);
  private accepting = true;

  constructor(
    commands: readonly Command[],
    private readonly ctx: BotContext,
    private readonly messageHandlers: readonly MessageHandler[] = [],
  ) {
    this.byName = new Map(commands.filter((c): c is ChatInputCommand => !isMessageCommand(c)).map((c) => [c.data.name, c]));
    this.messageCommands = new Map(commands.filter(isMessageCommand).map((c) => [c.data.name, c]));
    for (const command of commands) {
      for (const [kind, handler] of Object.entries(command.components ?? {}) as [CustomIdKind, ComponentHandler<CustomIdKind>][]) {
        if (this.byKind.has(kind)) throw new Error(`Two commands handle the component kind "${kind}"`);
        this.byKind.set(kind, handler);
      }
    }
  }

  /** Starts handling the client's interactions. */
  attach(client: Client): void {
    client.on(Events.InteractionCreate, (interaction) => {
      void this.handle(interaction);
    });
    client.on(Events.MessageCreate, (message) => {
      void this.handleMessage(message);
    });
    // A deleted thread takes its conversation with it: "Follow up" on the answer opens a new one.
    client.on(Events.ThreadDelete, (thread) => this.ctx.conversations.end(thread.id, { remember: false }));
  }

  /** Offers one message to the message handlers; never rejects. Resolves when it has been handled. */
  handleMessage(message: Message): Promise<void> {
    if (!this.accepting || !fromMember(message) || this.messageHandlers.length === 0 || this.offered.has(message.id)) return Promise.resolve();
    this.offered.set(message.id, true);
    return this.track(this.offer(message));
  }

  get pending(): number {
    return this.inFlight.size;
  }

  /** Handles one interaction; never rejects. */
  handle(interaction: Interaction): Promise<void> {
    return this.track(this.accepting ? this.dispatch(interaction) : this.refuse(interaction));
  }

  private track(task: Promise<void>): Promise<void> {
    this.inFlight.add(task);
    void task.finally(() => this.inFlight.delete(task));
    return task;
  }

  private async offer(message: Message): Promise<void> {
    for (const handler of this.messageHandlers) {
      try {
        if (await handler.handle(message, this.ctx)) return;
      } catch (error) {
        // Never the message's text in the log: only where it was and who posted it.
        this.ctx.logger.error('Message handler failed', {
          handler: handler.name,
          messageId: message.id,
          channelId: message.channelId,
          guildId: message.guildId ?? 'dm',
          userId: message.author.id,
          error,
        });
        return;
      }
    }
  }

  /** Resolves when no interaction is being handled. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Stops taking new interactions and waits for those in flight. */
  async stop(): Promise<void> {
    this.accepting = false;
    await this.idle();
  }

  private async dispatch(interaction: Interaction): Promise<void> {
    const command = interaction.isChatInputCommand() || interaction.isAutocomplete() ? this.byName.get(interaction.commandName) : undefined;
    try {
      if (interaction.isChatInputCommand()) {
        if (!command) throw new Error(`No handler for /${interaction.commandName}`);
        await command.execute(interaction, this.ctx);
      } else if (interaction.isMessageContextMenuCommand()) {
        const menu = this.messageCommands.get(interaction.commandName);
        if (!menu) throw new Error(`No handler for the message command "${interaction.commandName}"`);
        await menu.execute(interaction, this.ctx);
      } else if (interaction.isAutocomplete()) {
        if (command?.autocomplete) await command.autocomplete(interaction, this.ctx);
        else await interaction.respond([]);
      } else if (interaction.isMessageComponent()) {
        // Decoded in one place; the handler acts on the typed id.
        const id: CustomId | undefined = decode(interaction.customId);
        const handler = id && this.byKind.get(id.kind);
        if (id && handler) await handler(interaction, id, this.ctx);
        else await interaction.reply(notice(UNKNOWN_COMPONENT));
      }
    } catch (error) {
      await this.fail(interaction, error);
    }
  }

  private async fail(interaction: Interaction, error: unknown): Promise<void> {
    const meta = {
      command: interaction.isCommand() || interaction.isAutocomplete() ? interaction.commandName : undefined,
      customId: interaction.isMessageComponent() ? interaction.customId : undefined,
      userId: interaction.user.id,
      guildId: interaction.guildId ?? 'dm',
    };
    // The channel or message went away mid-answer, or the bot lost its permissions there: expected, not a bug.
    const problem = discordProblem(error);
    if (problem) {
      const what = problem === 'gone' ? 'its channel or message is gone' : 'missing permissions';
      this.ctx.logger.warn(`An interaction could not be answered: ${what}`, { ...meta, channelId: interaction.channelId ?? undefined, ...problemMeta(error) });
      // Where the channel is gone, so is any reply about it (a message gone, or a thread locked, may still take a private one).
      if (error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.UnknownChannel) return;
    } else {
      this.ctx.logger.error('Interaction handler failed', { ...meta, error });
    }
    try {
      if (interaction.isAutocomplete()) {
        if (!interaction.responded) await interaction.respond([]);
      } else if (interaction.isRepliable()) {
        await replyWithError(interaction);
      }
    } catch (replyError) {
      // The interaction may have expired or Discord may be unreachable; nothing more can be told to the user.
      const replyProblem = discordProblem(replyError);
      this.ctx.logger.warn('Could not tell the member about the failure', { userId: interaction.user.id, ...(replyProblem ? problemMeta(replyError) : { error: replyError }) });
    }
  }

  private async refuse(interaction: Interaction): Promise<void> {
    try {
      if (interaction.isAutocomplete()) await interaction.respond([]);
      else if (interaction.isRepliable()) await interaction.reply(notice(SHUTTING_DOWN));
    } catch {
      // Shutting down: a refusal that cannot be delivered is not worth more.
    }
  }
}

/** A message a person posted: not the bot's own, another bot's, a webhook's or a system message. */
function fromMember(message: Message): boolean {
  return !message.author.bot && !message.webhookId && !message.system && message.author.id !== message.client.user?.id;
}
