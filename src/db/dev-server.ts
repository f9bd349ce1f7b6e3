/**
 * A Postgres for development and tests, with nothing to install: PGlite (Postgres compiled to WebAssembly)
 * with pgvector and pg_textsearch, served over the wire protocol on 127.0.0.1, so the app talks to it
 * through the standard `pg` driver exactly as to a real server. The wire protocol is served by
 * dev-socket.ts rather than @electric-sql/pglite-socket 0.2.17, whose multiplexer interleaves the messages
 * of concurrent clients and answered a question's query with another query's rows (docs/SCALING.md).
 */
import { PGlite } from '@electric-sql/pglite';
import { pg_textsearch } from '@electric-sql/pglite-pg_textsearch';
import { vector } from '@electric-sql/pglite-pgvector';
import { serveDatabase, type SocketServer } from './dev-socket.js';

export const DEV_HOST = '127.0.0.1';
export const DEV_PORT = 54329;
export const DEV_DATA_DIR = 'data/pgdev';

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
  let server: SocketServer;
  try {
    server = await serveDatabase(db, DEV_HOST, options.port ?? DEV_PORT);
  } catch (error) {
    await db.close();
    throw error;
  }
  const { port } = server;
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
