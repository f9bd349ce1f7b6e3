/**
 * Discord API failures a handler expects and answers politely rather than as bugs: the channel or message is
 * gone (a thread deleted mid-answer), or the bot may no longer see or post there (permissions removed).
 */
import { DiscordAPIError, RESTJSONErrorCodes } from 'discord.js';

export type DiscordProblem = 'gone' | 'forbidden';

const GONE = new Set<number | string>([RESTJSONErrorCodes.UnknownChannel, RESTJSONErrorCodes.UnknownMessage, RESTJSONErrorCodes.ThreadLocked]);
const FORBIDDEN = new Set<number | string>([
  RESTJSONErrorCodes.MissingAccess,
  RESTJSONErrorCodes.MissingPermissions,
  RESTJSONErrorCodes.CannotExecuteActionOnThisChannelType,
]);

/** What kind of expected failure this is, or undefined for anything else (a bug, an outage). */
export function discordProblem(error: unknown): DiscordProblem | undefined {
  if (!(error instanceof DiscordAPIError)) return undefined;
  if (GONE.has(error.code)) return 'gone';
  if (FORBIDDEN.has(error.code)) return 'forbidden';
  return undefined;
}

/** The fields of a log line about such a failure: never a message's text. */
export function problemMeta(error: unknown): { status?: number; code?: number | string } {
  return error instanceof DiscordAPIError ? { status: error.status, code: error.code } : {};
}
