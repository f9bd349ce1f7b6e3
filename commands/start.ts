/**
 * `npm start`: the entry file of the bot. It sits beside the command modules (as in the discord.js guide,
 * where the entry point imports the commands folder) so that src/ never imports commands/; all the work is
 * in src/bot/start.ts. The message handlers answer follow-ups in conversations, and questions in channels
 * set to `mention` or `auto` (/coverage-settings).
 */
import { channelModes } from '../src/bot/channel-modes.js';
import { followUps } from '../src/bot/follow-up-messages.js';
import { runBot } from '../src/bot/start.js';
import { commands } from './index.js';

// Message handlers, in the order they are offered a message: follow-ups in conversations first.
runBot(commands, [followUps, channelModes]);
