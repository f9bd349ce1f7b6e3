/**
 * `npm run db:dev`: a local Postgres for the Postgres backend, nothing to install. Prints the DATABASE_URL
 * to put in .env on one line, and serves until Ctrl-C; the data stays in the folder (default data/pgdev).
 */
import { promises as fs } from 'node:fs';
import lockfile from 'proper-lockfile';
import { loadDevDatabaseDir } from '../config.js';
import { folder, wholeNumber } from '../config-values.js';
import { DEV_DATA_DIR, DEV_PORT, startDevDatabase } from '../db/dev-server.js';
import { notWarmedLine, warmDataFolder, warmedLine } from '../db/warm-folder.js';
import { exitWithError, UserFacingError } from '../errors.js';
import { parseCommandLine } from './args.js';

const USAGE = `Usage: npm run db:dev -- [--dir FOLDER] [--port N]

Options:
  --dir FOLDER   where the data is kept (default ${DEV_DATA_DIR}, or PGDEV_DIR)
  --port N       port on 127.0.0.1 (default ${DEV_PORT}; 0 picks a free one)`;

/**
 * A db:dev's lock on its data folder counts as left behind when not refreshed for this long (proper-lockfile
 * refreshes it every half of it): one that was killed keeps the next out for up to that long.
 */
const LOCK_STALE_MS = 10_000;

async function main(): Promise<void> {
  const { values } = parseCommandLine({ options: { dir: { type: 'string' }, port: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }, 'npm run db:dev');
  if (values.help) {
    console.log(USAGE);
    return;
  }
  // --dir is checked as PGDEV_DIR is: a file there is refused in one line.
  if (values.dir !== undefined && !values.dir.trim()) throw new UserFacingError('--dir is empty; give the folder to keep the data in, or leave it out.');
  const dataDir = values.dir === undefined ? await loadDevDatabaseDir() : folder({ '--dir': values.dir }, '--dir', DEV_DATA_DIR);
  const port = values.port === undefined ? DEV_PORT : wholeNumber(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserFacingError(`--port must be a port number from 0 to 65535 (got "${values.port}").`);
  await fs.mkdir(dataDir, { recursive: true });
  let unlock: () => Promise<void>;
  try {
    unlock = await lockfile.lock(dataDir, { lockfilePath: `${dataDir}.lock`, retries: 0, realpath: false, stale: LOCK_STALE_MS });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    throw new UserFacingError(
      `Another \`npm run db:dev\` is serving ${dataDir}. Use that one, or stop it first; a db:dev that was stopped without a word (killed) leaves it locked for up to ${LOCK_STALE_MS / 1000} s: run this again then.`,
    );
  }
  let server;
  try {
    server = await startDevDatabase({ dataDir, port });
  } catch (error) {
    await unlock();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new UserFacingError(`Port ${port} on 127.0.0.1 is in use. Choose another with \`npm run db:dev -- --port N\`.`);
    throw error;
  }
  console.error(`PGlite (Postgres with pgvector and pg_textsearch) serving ${dataDir}. Put this line in .env, then run \`npm run embed\`; Ctrl-C stops it.`);
  console.log(`DATABASE_URL=${server.url}`);
  // Serving already: the tables' files are read into the system's file cache beside it (warm-folder.ts).
  const warming = new AbortController();
  const warmed = warmDataFolder(dataDir, warming.signal).then(
    (read) => {
      if (!warming.signal.aborted) console.error(warmedLine(read));
    },
    (error: NodeJS.ErrnoException) => console.error(notWarmedLine(error)),
  );
  const stop = async (signal: string) => {
    console.error(`${signal}: stopping; the data stays in ${dataDir}.`);
    warming.abort();
    await warmed;
    await server.stop();
    await unlock();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => exitWithError(error));
