/**
 * Command-line options for every script, parsed with node:util's parseArgs. A wrong option (unknown, missing
 * its value, a stray argument) is a user's mistake, so it becomes a one-line UserFacingError with the usage
 * hint instead of parseArgs's stack trace.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserFacingError } from '../errors.js';

export class ArgumentError extends UserFacingError {
  override name = 'ArgumentError';
}

export function parseCommandLine<T extends ParseArgsConfig>(config: T, command: string): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) {
      // parseArgs adds advice on positionals starting with "-" after the first sentence; the usage covers it.
      const message = (error as Error).message;
      // "--k -1": parseArgs will not take a value starting with a dash that way, and says only "ambiguous".
      const ambiguous = /^Option '(--?[\w-]+)' argument is ambiguous/.exec(message);
      if (ambiguous) {
        // The value as typed ("--since -1d" is written --since=-1d), not a made-up one.
        const args = config.args ?? process.argv.slice(2);
        const at = args.findIndex((arg, i) => arg === ambiguous[1] && args[i + 1]?.startsWith('-'));
        const value = at >= 0 ? args[at + 1]! : '-1';
        throw new ArgumentError(`${ambiguous[1]} needs its value; one that starts with "-" is written ${ambiguous[1]}=${value}. Run \`${command} -- --help\` for the options.`, { cause: error });
      }
      const reason = message.split('\n')[0]!.replace(/\.(\s.*)?$/, '');
      // "-1 degrees in Moscow?": a question (or a name) that starts with a dash is read as options (no option holds a space).
      const unknown = /^Unknown option '(-[^']*)'/.exec(message)?.[1];
      const text = (config.args ?? process.argv.slice(2)).find((arg) => unknown !== undefined && arg.startsWith(unknown) && /\s/.test(arg));
      if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && config.allowPositionals && text !== undefined) {
        throw new ArgumentError(`${reason}: text that starts with "-" goes after a lone --, as in \`${command} -- -- "${text.split(/\s/)[0]} …"\`.`, { cause: error });
      }
      throw new ArgumentError(`${reason}. Run \`${command} -- --help\` for the options.`, { cause: error });
    }
    throw error;
  }
}
