/**
 * A Postgres for development and tests, with nothing to install: PGlite (Postgres compiled to WebAssembly)
 * with pgvector and pg_textsearch, served over the wire protocol on 127.0.0.1 by pglite-socket, so the app
 * talks to it through the standard `pg` driver exactly as to a real server.
 */
import { PGlite } from '@electric-sql/pglite';
import { pg_textsearch } from '@electric-sql/pglite-pg_textsearch';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export const DEV_HOST = '127.0.0.1';
export const DEV_PORT = 54329;
export const DEV_DATA_DIR = 'data/pgdev';
/**
 * Connections served at once (PGlite runs one query at a time and queues the others; a transaction holds
 * the queue until it ends). Room for a few bot processes and an embed, each with POOL_SIZE connections.
 */
export const DEV_MAX_CONNECTIONS = 32;

export interface DevDatabaseOptions {
  /** Data folder; undefined keeps the database in memory (tests). */
  dataDir?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Load pgvector / pg_textsearch (tests leave one out to see the messages). */
  extensions?: { vector?: boolean; pg_textsearch?: boolean };
}

export interface DevDatabase {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startDevDatabase(options: DevDatabaseOptions = {}): Promise<DevDatabase> {
  const wanted = { vector: true, pg_textsearch: true, ...options.extensions };
  const db = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    extensions: { ...(wanted.vector ? { vector } : {}), ...(wanted.pg_textsearch ? { pg_textsearch } : {}) },
  });
  const server = new PGLiteSocketServer({ db, host: DEV_HOST, port: options.port ?? DEV_PORT, maxConnections: DEV_MAX_CONNECTIONS });
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw error;
  }
  const port = Number(server.getServerConn().split(':').pop());
  let stopped: Promise<void> | undefined;
  return {
    url: `postgres://postgres@${DEV_HOST}:${port}/postgres`,
    port,
    stop() {
      stopped ??= (async () => {
        await server.stop();
        await db.close();
      })();
      return stopped;
    },
  };
}
