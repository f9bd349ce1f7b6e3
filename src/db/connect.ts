/**
 * Connections to the database of DATABASE_URL (the standard `pg` driver's pool): bounded in number and time
 * (limits.ts), and marking what their failures need to be told apart (failures.ts, which says what they mean).
 */
import pg from 'pg';
import { markAccepted, markStillConnecting } from './failures.js';
import { CONNECT_TIMEOUT_MS, POOL_SIZE } from './limits.js';

export { DatabaseError, databaseFailure, describeDatabase, userFacing } from './failures.js';
export { CONNECT_TIMEOUT_MS, POOL_SIZE, QUESTION_TIMEOUT_MS } from './limits.js';

/**
 * A connection that remembers whether the server accepted it (the TCP connection made), and marks its failure to
 * start if so: a handshake that then does not finish in time is a busy server, not one that is not there.
 */
class AcceptingClient extends pg.Client {
  accepted = false;
  /** Called once the connection is made or has failed (set by the pool: its connections still connecting). */
  settled: () => void = () => {};
  /** Called when the connection fails to start, with whether the server had accepted it (set by the pool). */
  failed: (accepted: boolean) => void = () => {};

  constructor(config?: string | pg.ClientConfig) {
    super(config);
    this.connection.once('connect', () => (this.accepted = true));
  }

  override connect(): Promise<pg.Client>;
  override connect(callback: (err: Error) => void): void;
  override connect(callback?: (err: Error) => void): Promise<pg.Client> | void {
    const marked = (error: Error) => {
      // A connection made is still being set up (the pool's onConnect), and settles there.
      if (error) {
        this.settled();
        this.failed(this.accepted);
      }
      return error && this.accepted ? markAccepted(error) : error;
    };
    if (!callback) return super.connect().catch((error: Error) => Promise.reject(marked(error)));
    super.connect(((error: Error, ...rest: unknown[]) => (callback as (...args: unknown[]) => void)(marked(error), ...rest)) as (err: Error) => void);
  }
}

type Checkout = (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void;

/**
 * A pool that knows which of its connections are still being made. pg-pool says 'timeout exceeded when trying to
 * connect' to a checkout that waited CONNECT_TIMEOUT_MS for a full pool, whether its connections are busy or all
 * still connecting to a server that does not answer; the second is marked (markStillConnecting), so that the caller
 * left waiting is told what the connections' own callers are (no answer, or accepted but not let in), not "all busy".
 */
class ConnectingPool extends pg.Pool {
  /** The pool's connections from their creation until made and set up (onConnect), or failed. */
  readonly connecting = new Set<AcceptingClient>();
  /**
   * When the server last accepted one of the pool's connections (performance.now()): a checkout that waited while
   * the connections it waited on were accepted, then failed and were replaced by new ones not accepted yet (timers
   * late on a loaded machine), is told they were accepted.
   */
  acceptedAt = -Infinity;
  /** When a connection the server had accepted last failed to start (its handshake not answered in time). */
  acceptedFailedAt = -Infinity;

  override connect(): Promise<pg.PoolClient>;
  override connect(callback: Checkout): void;
  override connect(callback?: Checkout): Promise<pg.PoolClient> | void {
    if (!callback) return new Promise((resolve, reject) => this.connect((error, client) => (error ? reject(error) : resolve(client!))));
    const startedAt = performance.now();
    super.connect((error, client, done) => callback(error && this.marked(error, startedAt), client, done));
  }

  private marked(error: Error, startedAt: number): Error {
    if (error.message !== 'timeout exceeded when trying to connect') return error;
    // The connections this checkout waited on began at most CONNECT_TIMEOUT_MS before it (a connection gives up that
    // long after it begins). Accepted counts though they have failed meanwhile (their own timers first, on a loaded
    // machine): one accepted that failed to start since then, or, while others are still being made, an accept since
    // then (measured from now, CONNECT_TIMEOUT_MS back was too short: accepts just after the checkout began lay a hair
    // past it). Connections all made (none connecting, none failed accepted) are busy: the pool was full.
    const since = startedAt - CONNECT_TIMEOUT_MS;
    const connecting = this.connecting.size > 0;
    const accepted = [...this.connecting].some((client) => client.accepted) || this.acceptedFailedAt >= since || (connecting && this.acceptedAt >= since);
    if (accepted) return markStillConnecting(error, 'accepted');
    return connecting ? markStillConnecting(error, 'unanswered') : error;
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
      this.failed = (accepted) => {
        if (accepted) pool.acceptedFailedAt = performance.now();
      };
      this.connection.once('connect', () => (pool.acceptedAt = performance.now()));
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
