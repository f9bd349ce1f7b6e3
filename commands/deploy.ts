/**
 * `npm run deploy-commands`: the entry file that registers the commands of index.ts with Discord; all the
 * work is in src/bot/deploy-commands.ts.
 */
import { runDeploy } from '../src/bot/deploy-commands.js';
import { commands } from './index.js';

runDeploy(commands);
