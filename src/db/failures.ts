/**
 * What a database's failures mean for the user: an unreachable server, a wrong password or a missing database become
 * one line naming the cause and the fix (DatabaseError), passing failures marked as such (`unreachable`). The
 * password never appears in a message. The connections (connect.ts) mark what only they know: that the server
 * accepted a connection (`markAccepted`), or that a pool's connections were all still being made (`markStillConnecting`).
 */
import { UserFacingError } from '../errors.js';
import { CONNECT_TIMEOUT_MS, POOL_SIZE } from './limits.js';

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
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOENT', '53300', '57P01', '57P02', '57P03']);

/** A part of a URL decoded, or as written when it is no valid percent-encoding ("db%zz"). */
const decoded = (part: string) => {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
};

/** "database coverage on 127.0.0.1:5432", for messages. */
const databaseName = (parsed: URL) => decoded(parsed.pathname.replace(/^\//, '')) || decoded(parsed.username) || 'postgres';
/** A name as SQL takes it: quoted unless Postgres would read it unquoted as it is ("News" would be read as news). */
const sqlName = (name: string) => (/^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`);

export function describeDatabase(url: string): string {
  const parsed = new URL(url);
  const name = databaseName(parsed);
  // A Unix socket's folder is given as ?host=/path (or percent-encoded as the host).
  const socket = parsed.searchParams.get('host') ?? (decoded(parsed.hostname).startsWith('/') ? decoded(parsed.hostname) : undefined);
  if (socket?.startsWith('/')) return `database ${name} at the socket in ${socket}`;
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
export type StillConnecting = 'accepted' | 'unanswered';

/** Marks a connection's failure as coming after the server accepted it. */
export const markAccepted = (error: Error): Error => Object.assign(error, { [ACCEPTED]: true });

/** Marks a checkout's timeout as one of a pool whose connections were all still being made (see STILL_CONNECTING). */
export const markStillConnecting = (error: Error, state: StillConnecting): Error => Object.assign(error, { [STILL_CONNECTING]: state });

/** A user-facing error for a connection or server failure the user can fix, or undefined for anything else. */
export function databaseFailure(error: unknown, url: string): DatabaseError | undefined {
  if (error instanceof DatabaseError) return error;
  if (!(error instanceof Error)) return undefined;
  const { code } = error as { code?: string };
  const where = describeDatabase(url);
  const user = decoded(new URL(url).username) || 'postgres';
  const fix = 'Start it (`npm run db:dev` starts a local one) or correct DATABASE_URL.';
  const messages: Record<string, string> = {
    ECONNREFUSED: `Cannot connect to the ${where}: the connection was refused (no server listening there). ${fix}`,
    ENOTFOUND: `Cannot connect to the ${where}: the host name is unknown. Correct DATABASE_URL.`,
    EAI_AGAIN: `Cannot connect to the ${where}: the host name cannot be resolved right now. Check the network and DATABASE_URL.`,
    ETIMEDOUT: `Cannot connect to the ${where}: no answer within ${CONNECT_TIMEOUT_MS / 1000} s. ${fix}`,
    ECONNRESET: `The ${where} closed the connection. Check that the server is running and accepts connections, then try again.`,
    EHOSTUNREACH: `Cannot connect to the ${where}: the host cannot be reached (down, or no route to it). ${fix}`,
    ENETUNREACH: `Cannot connect to the ${where}: its network cannot be reached from here. Check the network and DATABASE_URL.`,
    // A Unix socket that is not there: no server running with that socket folder.
    ENOENT: `Cannot connect to the ${where}: there is no server's socket there. ${fix}`,
    '28P01': `The ${where} refused the password of user ${user}. Correct the password in DATABASE_URL.`,
    '28000': `The ${where} refused user ${user} (no such role, or not allowed from this host). Correct DATABASE_URL or the server's pg_hba.conf.`,
    '3D000': `The ${where} does not exist. Create it (CREATE DATABASE ${sqlName(databaseName(new URL(url)))}) or correct DATABASE_URL.`,
    '53300': `The ${where} has no free connection (too many clients). Try again, or raise the server's max_connections.`,
    '57P03': `The ${where} is starting up or shutting down. Try again in a moment.`,
    // A server stopped or restarted (pg_ctl stop -m fast, a managed database's maintenance) ends its sessions with 57P01.
    '57P01': `The ${where} ended the connection (the server is shutting down or restarting, or an administrator ended it). Try again in a moment.`,
    '57P02': `The ${where} ended the connection: it is recovering from a crash. Try again in a moment.`,
    // PostgreSQL 15 and later let only the database owner create tables in schema public.
    '42501': `User ${user} lacks a privilege in the ${where} (${error.message}). Use the database owner in DATABASE_URL, or grant it (e.g. GRANT CREATE ON SCHEMA public TO ${sqlName(user)}; as the owner).`,
  };
  // ENOENT is a missing socket only when connecting (a missing sslrootcert file is one too, but of the user's making).
  const missingFile = code === 'ENOENT' && (error as { syscall?: string }).syscall !== 'connect';
  if (code && messages[code] && !missingFile) return new DatabaseError(messages[code], { cause: error, unreachable: UNREACHABLE_CODES.has(code) });
  // pg's own check before SCRAM authentication: the server asks for a password and DATABASE_URL gives none.
  if (/^SASL: .*password must be a string/.test(error.message)) {
    return new DatabaseError(`The ${where} asks for a password, and DATABASE_URL gives none for user ${user}. Add it: postgres://${user}:PASSWORD@…`, { cause: error });
  }
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

/** Runs a database call, turning failures the user can fix into one-line errors. */
export async function userFacing<T>(url: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw databaseFailure(error, url) ?? error;
  }
}
