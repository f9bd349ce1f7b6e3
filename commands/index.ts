/**
 * Every slash command of the bot, read by both the router (src/bot/router.ts) and the registration script
 * (src/bot/deploy-commands.ts), so what is registered is exactly what is handled.
 */
import type { Command } from '../src/bot/command.js';
import * as ask from './ask.js';
import * as source from './source.js';

export const commands: readonly Command[] = [ask, source];
