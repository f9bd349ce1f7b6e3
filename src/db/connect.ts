/**
 * Connections to the database of DATABASE_URL (the standard `pg` driver's pool), and what its failures mean
 * for the user: an unreachable server, a wrong password or a missing database become one line naming the
 * cause and the fix. The password never appears in a message.
 */
import pg from 'pg';
import { UserFacingError } from '../errors.js';

export class DatabaseError extends UserFacingError {
  override name = 'DatabaseError';
  /**
   * The server could not be reached, or did not answer in time (refused, closed, timed out, busy, ending its
   * sessions as it stops, restarts or recovers): a passing failure that says nothing of what was asked for
   * (`isUnreachable`, src/index/coverage.ts).
   */
  readonly unreachable: boolean;

  constructor(message: string, options: ErrorOptions & { unreachable?: boolean } = {}) {
    super(message, options);
    this.unreachable = options.unreachable ?? false;
  }
}

/** The codes of a server that could not be reached or had no room for a connection: passing, nothing to fix in what was asked. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', '53300', '57P01', '57P02', '57P03']);

/** How long a connection attempt may take before it counts as failed. */
export const CONNECT_TIMEOUT_MS = 5_000;
/**
 * How long one of a question's queries may take, or one of those that open the live version or look for a new one
 * (the bot's poll): a connection that goes silent (a network that drops it without a word, a server that hangs)
 * answers the question with an error to try again, not with no end, and does not hold the poll for ever.
 */
export const QUESTION_TIMEOUT_MS = 30_000;
/**
 * Connections per process: a question's searches run side by side, and a build holds one for its lock.
 * (`npm run db:dev` serves any number, running one exchange at a time.)
 */
export const POOL_SIZE = 4;

/** "database coverage on 127.0.0.1:5432", for messages. */
export function describeDatabase(url: string): string {
  const parsed = new URL(url);
  const name = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || parsed.username || 'postgres';
  return `database ${name} on ${parsed.hostname}:${parsed.port || 5432}`;
}

/** Set on a connection's failure when the server had accepted it (the TCP connection made): see AcceptingClient. */
const ACCEPTED = Symbol('accepted by the server');

/** Whether the failure, or one it was caused by, came after the server accepted the connection. */
function acceptedFirst(error: Error): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) if ((e as { [ACCEPTED]?: boolean })[ACCEPTED]) return true;
  return false;
}

/**
 * Set on a checkout that timed out while some of the pool's connections were still being made (ConnectingPool):
 * 'accepted' if the server accepted one of them, 'unanswered' if none. The pool was full of connections not yet made, not busy ones.
 */
const STILL_CONNECTING = Symbol('pool connections still connecting');
type StillConnecting = 'accepted' | 'unanswered';

/** A user-facing error for a connection or server failure the user can fix, or undefined for anything else. */
export function databaseFailure(error: unknown, url: string): DatabaseError | undefined {
  if (error instanceof DatabaseError) return error;
  if (!(error instanceof Error)) return undefined;
  const { code } = error as { code?: string };
  const where = describeDatabase(url);
  const user = new URL(url).username || 'postgres';
  const fix = 'Start it (`npm run db:dev` starts a local one) or correct DATABASE_URL.';
  const messages: Record<string, string> = {
    ECONNREFUSED: `Cannot connect to the ${where}: the connection was refused (no server listening there). ${fix}`,
    ENOTFOUND: `Cannot connect to the ${where}: the host name is unknown. Correct DATABASE_URL.`,
    EAI_AGAIN: `Cannot connect to the ${where}: the host name cannot be resolved right now. Check the network and DATABASE_URL.`,
    ETIMEDOUT: `Cannot connect to the ${where}: no answer within ${CONNECT_TIMEOUT_MS / 1000} s. ${fix}`,
    ECONNRESET: `The ${where} closed the connection. Check that the server is running and accepts connections, then try again.`,
    '28P01': `The ${where} refused the password of user ${user}. Correct the password in DATABASE_URL.`,
    '28000': `The ${where} refused user ${user} (no such role, or not allowed from this host). Correct DATABASE_URL or the server's pg_hba.conf.`,
    '3D000': `The ${where} does not exist. Create it (CREATE DATABASE ${where.split(' ')[1]}) or correct DATABASE_URL.`,
    '53300': `The ${where} has no free connection (too many clients). Try again, or raise the server's max_connections.`,
    '57P03': `The ${where} is starting up or shutting down. Try again in a moment.`,
    // A server stopped or restarted (pg_ctl stop -m fast, a managed database's maintenance) ends its sessions with 57P01.
    '57P01': `The ${where} ended the connection (the server is shutting down or restarting, or an administrator ended it). Try again in a moment.`,
    '57P02': `The ${where} ended the connection: it is recovering from a crash. Try again in a moment.`,
    // PostgreSQL 15 and later let only the database owner create tables in schema public.
    '42501': `User ${user} lacks a privilege in the ${where} (${error.message}). Use the database owner in DATABASE_URL, or grant it (e.g. GRANT CREATE ON SCHEMA public TO ${user}; as the owner).`,
  };
  if (code && messages[code]) return new DatabaseError(messages[code], { cause: error, unreachable: UNREACHABLE_CODES.has(code) });
  const tls = tlsFailure(error, code, where);
  if (tls) return new DatabaseError(tls, { cause: error });
  if (error.message === 'Query read timeout') {
    return new DatabaseError(`The ${where} did not answer in time. Check that the server is running and reachable, then try again.`, { cause: error, unreachable: true });
  }
  if (/timeout/i.test(error.message) && /connect/i.test(error.message)) return new DatabaseError(connectTimeout(error, where) ?? messages.ETIMEDOUT!, { cause: error, unreachable: true });
  if (/Connection terminated|Too many connections/i.test(error.message)) return new DatabaseError(messages.ECONNRESET!, { cause: error, unreachable: true });
  return undefined;
}

/**
 * A connection not made in CONNECT_TIMEOUT_MS, where that is not for want of a server: none of this process's
 * POOL_SIZE connections came free, or the server accepted the connection and kept it waiting (`npm run db:dev`
 * serving another connection's transaction, an embed's; a pooler with no server free). Else undefined: no answer at all.
 * A checkout that waited for a full pool whose connections were still being made is told what those are told.
 */
function connectTimeout(error: Error, where: string): string | undefined {
  const seconds = CONNECT_TIMEOUT_MS / 1000;
  const connecting = (error as { [STILL_CONNECTING]?: StillConnecting })[STILL_CONNECTING];
  if (error.message === 'timeout exceeded when trying to connect' && !connecting) {
    return `No connection to the ${where} came free within ${seconds} s: this process's ${POOL_SIZE} are all busy (slow queries, or a busy server). Try again shortly.`;
  }
  if (acceptedFirst(error) || connecting === 'accepted') {
    return `The ${where} accepted the connection but did not let it in within ${seconds} s: it may be busy (an embed writing, or no connection free). Try again shortly.`;
  }
  return undefined;
}

/** Node's TLS certificate errors: the server's certificate cannot be trusted as it is. */
const CERTIFICATE_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** What is wrong with the TLS of a connection (sslmode in DATABASE_URL), in one line with its fix; else undefined. */
function tlsFailure(error: Error, code: string | undefined, where: string): string | undefined {
  if (error.message === 'The server does not support SSL connections') {
    return `The ${where} does not accept SSL connections, and DATABASE_URL asks for one (ssl or sslmode). Remove sslmode (or set sslmode=disable) for a server without TLS.`;
  }
  if (code && CERTIFICATE_CODES.has(code)) {
    return `Cannot connect to the ${where} securely: its certificate is not trusted (${error.message}). Give the server's CA with sslrootcert=/path/to/ca.pem in DATABASE_URL, or fix the certificate.`;
  }
  return undefined;
}

/**
 * A connection that remembers whether the server accepted it (the TCP connection made), and marks its failure to
 * start if so: a handshake that then does not finish in time is a busy server, not one that is not there.
 */
class AcceptingClient extends pg.Client {
  accepted = false;
  /** Called once the connection is made or has failed (set by the pool: its connections still connecting). */
  settled: () => void = () => {};

  constructor(config?: string | pg.ClientConfig) {
    super(config);
    this.connection.once('connect', () => (this.accepted = true));
  }

  override connect(): Promise<pg.Client>;
  override connect(callback: (err: Error) => void): void;
  override connect(callback?: (err: Error) => void): Promise<pg.Client> | void {
    const marked = (error: Error) => {
      // A connection made is still being set up (the pool's onConnect), and settles there.
      if (error) this.settled();
      return error && this.accepted ? Object.assign(error, { [ACCEPTED]: true }) : error;
    };
    if (!callback) return super.connect().catch((error: Error) => Promise.reject(marked(error)));
    super.connect(((error: Error, ...rest: unknown[]) => (callback as (...args: unknown[]) => void)(marked(error), ...rest)) as (err: Error) => void);
  }
}

type Checkout = (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void;

/**
 * A pool that knows which of its connections are still being made. pg-pool says 'timeout exceeded when trying to
 * connect' to a checkout that waited CONNECT_TIMEOUT_MS for a full pool, whether its connections are busy or all
 * still connecting to a server that does not answer; the second is marked (STILL_CONNECTING), so that the caller
 * left waiting is told what the connections' own callers are (no answer, or accepted but not let in), not "all busy".
 */
class ConnectingPool extends pg.Pool {
  /** The pool's connections from their creation until made and set up (onConnect), or failed. */
  readonly connecting = new Set<AcceptingClient>();

  override connect(): Promise<pg.PoolClient>;
  override connect(callback: Checkout): void;
  override connect(callback?: Checkout): Promise<pg.PoolClient> | void {
    if (!callback) return new Promise((resolve, reject) => this.connect((error, client) => (error ? reject(error) : resolve(client!))));
    super.connect((error, client, done) => callback(error && this.marked(error), client, done));
  }

  private marked(error: Error): Error {
    if (error.message !== 'timeout exceeded when trying to connect' || this.connecting.size === 0) return error;
    const state: StillConnecting = [...this.connecting].some((client) => client.accepted) ? 'accepted' : 'unanswered';
    return Object.assign(error, { [STILL_CONNECTING]: state });
  }
}

/** A pool for DATABASE_URL; idle connections do not keep the process alive. */
export function createPool(url: string, efSearch: number): pg.Pool {
  // Each connection counts as connecting from its creation until it is made and set up, or has failed.
  const Client = class extends AcceptingClient {
    constructor(config?: string | pg.ClientConfig) {
      super(config);
      pool.connecting.add(this);
      this.settled = () => void pool.connecting.delete(this);
    }
  };
  const pool: ConnectingPool = new ConnectingPool({
    connectionString: url,
    max: POOL_SIZE,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    allowExitOnIdle: true,
    Client,
    // Each version has its own HNSW index (migration 005), so the version filter drops nothing after the scan;
    // iterative scans stay on for a graph that returns too few rows at this ef_search (pgvector 0.8).
    // BM25 ranks in the order of a version's index (an index scan); without enable_sort off, the planner
    // prefers a small table's primary key plus a sort, which scores every row (many times slower), and the
    // store could not read the scan's scores (pg-store.ts `readsScanScore`, checked when a version opens).
    // The connect timeout ends with the handshake: a server that lets the connection in, then never answers (hung,
    // or a pooler with no server free) is given as long for these settings as for the handshake, not for ever.
    onConnect: async (client: pg.ClientBase) => {
      try {
        await client.query({
          text: `SET hnsw.ef_search = ${Math.trunc(efSearch)}; SET hnsw.iterative_scan = strict_order; SET enable_sort = off`,
          query_timeout: CONNECT_TIMEOUT_MS,
        } as pg.QueryConfig);
      } finally {
        (client as AcceptingClient).settled();
      }
    },
  });
  // An idle connection that breaks (server restart) is dropped by the pool; its error must not crash the process.
  pool.on('error', () => {});
  return pool;
}

/** The pool's `query`, each query given up after `timeoutMs` (its connection is then dropped by the pool). */
export function timedQueries(pool: pg.Pool, timeoutMs: number): Pick<pg.Pool, 'query'> {
  const query = (text: string, values?: unknown[]) => pool.query({ text, query_timeout: timeoutMs } as pg.QueryConfig, values);
  return { query: query as pg.Pool['query'] };
}

/** A connection of the pool, held for a while (a transaction): its failures reach the caller through its queries. */
export async function holdConnection(pool: pg.Pool): Promise<pg.PoolClient> {
  const client = await pool.connect();
  // Without a listener, a connection that breaks while held emits an 'error' that ends the process. One
  // listener per connection: the pool hands the same connections out again and again.
  if (!client.listeners('error').includes(ignoreError)) client.on('error', ignoreError);
  return client;
}

const ignoreError = (): void => {};

/** Runs a database call, turning failures the user can fix into one-line errors. */
export async function userFacing<T>(url: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw databaseFailure(error, url) ?? error;
  }
}
