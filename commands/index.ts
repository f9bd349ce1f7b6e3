/**
 * Every command of the bot (slash commands and the message context-menu command), handed by both entry
 * files (start.ts: the bot and its router; deploy.ts: the registration with Discord) to src/bot/, so what is registered is exactly what is handled.
 * The other files of this folder are command modules; start.ts and deploy.ts are the only entry points.
 */
import type { Command } from '../src/bot/command.js';
import * as askMessage from './ask-message.js';
import * as ask from './ask.js';
import * as coverageReport from './coverage-report.js';
import * as coverageSettings from './coverage-settings.js';
import * as source from './source.js';

export const commands: readonly Command[] = [ask, source, askMessage, coverageSettings, coverageReport];
