/**
 * `npm start`: the entry file of the bot. It sits beside the command modules (as in the discord.js guide,
 * where the entry point imports the commands folder) so that src/ never imports commands/; all the work is
 * in src/bot/start.ts.
 */
import { runBot } from '../src/bot/start.js';
import { commands } from './index.js';

runBot(commands);
