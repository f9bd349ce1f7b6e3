/**
 * `npm start`: the entry file of the bot. It sits beside the command modules (as in the discord.js guide,
 * where the entry point imports the commands folder) so that src/ never imports commands/; all the work is
 * in src/bot/start.ts. The message handlers answer in channels set to `mention` or `auto` (/coverage-settings).
 */
import { channelModes } from '../src/bot/channel-modes.js';
import { runBot } from '../src/bot/start.js';
import { commands } from './index.js';

runBot(commands, [channelModes]);
