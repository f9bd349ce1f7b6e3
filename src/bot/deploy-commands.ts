/**
 * `npm run deploy-commands` (entry file `commands/deploy.ts`): registers the commands it is given (slash
 * commands and message context-menu commands) with
 * Discord. With DISCORD_GUILD_ID
 * they are registered in that server and appear at once; without it they are global (all servers, and
 * Discord may take up to an hour to show changes).
 */
import { DiscordAPIError, REST, Routes } from 'discord.js';
import { loadConfig } from '../config.js';
import { commandLabel, type Command } from './command.js';
import { exitWithError, UserFacingError } from '../errors.js';
import { redact, registerSecret } from './log.js';

export class DeployError extends UserFacingError {
  override name = 'DeployError';
}

export interface DeployOptions {
  token?: string;
  clientId?: string;
  guildId?: string;
  /** The REST client to use (tests point it at a fake API). */
  rest?: REST;
}

export interface DeployResult {
  names: string[];
  /** How each command is shown to people (`/ask`, “Ask the coverage” (message menu)). */
  labels: string[];
  scope: 'guild' | 'global';
}

const NETWORK_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET']);

/** fetch wraps the socket error in `cause`; the code sits on one or the other. */
function networkCode(error: unknown): string | undefined {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return e.code;
  }
  return undefined;
}

function isNetworkError(error: unknown): boolean {
  return networkCode(error) !== undefined || (error instanceof Error && error.name === 'AbortError');
}

function networkReason(error: unknown): string {
  return networkCode(error) ?? (error instanceof Error ? error.message : String(error));
}

export async function deployCommands(commands: readonly Command[], options: DeployOptions): Promise<DeployResult> {
  if (!options.token) throw new DeployError('DISCORD_TOKEN is not set. Put your bot token in .env; see docs/DISCORD.md.');
  if (!options.clientId) {
    throw new DeployError('DISCORD_CLIENT_ID is not set. Copy the Application ID from the Developer Portal → General Information into .env.');
  }
  const token = options.token.replace(/^(Bot|Bearer)\s+/i, '');
  registerSecret(token);
  const rest = (options.rest ?? new REST()).setToken(token);
  const body = commands.map((c) => c.data.toJSON());
  const route = options.guildId ? Routes.applicationGuildCommands(options.clientId, options.guildId) : Routes.applicationCommands(options.clientId);
  try {
    await rest.put(route, { body });
  } catch (error) {
    if (error instanceof DiscordAPIError) {
      if (error.status === 401) throw new DeployError('Discord refused DISCORD_TOKEN (invalid or reset). Copy a fresh token from the Developer Portal → Bot.');
      const wrongApplication = 'DISCORD_CLIENT_ID must be the Application ID of the bot whose token you use (Developer Portal → General Information).';
      // 20012: the token's bot is not this application's (another application's id).
      if (error.code === 20012) throw new DeployError(`Discord refused: this token's bot is not application ${options.clientId}. ${wrongApplication}`);
      if (options.guildId && (error.code === 50001 || error.status === 403)) {
        throw new DeployError(
          `The bot cannot register commands in server ${options.guildId}: invite it there with the bot and applications.commands scopes (see docs/DISCORD.md), or check DISCORD_GUILD_ID.`,
        );
      }
      if (error.status === 404 || error.code === 10002) throw new DeployError(`Discord does not know this application. ${wrongApplication}`);
      throw new DeployError(`Discord refused the commands (${error.status}): ${redact(error.message)}`, { cause: error });
    }
    if (isNetworkError(error)) {
      throw new DeployError(`Could not reach Discord (${redact(networkReason(error))}). Check the internet connection, then run \`npm run deploy-commands\` again.`, { cause: error });
    }
    throw error;
  }
  return { names: body.map((c) => c.name), labels: commands.map(commandLabel), scope: options.guildId ? 'guild' : 'global' };
}

async function deployFromConfig(commands: readonly Command[]): Promise<void> {
  const config = await loadConfig();
  const { token, clientId, guildId } = config.discord;
  const result = await deployCommands(commands, { token, clientId, guildId });
  const list = result.labels.join(', ');
  console.log(
    result.scope === 'guild'
      ? `Registered ${list} in server ${guildId}; they are available now.`
      : `Registered ${list} globally; Discord may take up to an hour to show them in every server.`,
  );
}

/** The entry point's whole job: register the commands from .env, and on failure print one line and exit 1. */
export function runDeploy(commands: readonly Command[]): void {
  deployFromConfig(commands).catch((error: unknown) => exitWithError(error, { redact }));
}
