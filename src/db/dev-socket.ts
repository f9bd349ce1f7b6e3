/**
 * Serves one PGlite database to several connections over the Postgres wire protocol. PGlite is a single
 * session, so connections must take turns; @electric-sql/pglite-socket 0.2.17's multiplexer takes turns
 * message by message, which lets one connection's Parse slip between another's Parse and Bind (both use the unnamed
 * statement of the one session) and answers one query with another's rows. Here a connection's messages
 * go to PGlite a whole exchange at a time (up to a Sync or a simple Query), and while a connection is
 * inside a transaction only its exchanges run, so other connections see its work only once it commits.
 * (The startup, SSL and cancel handling follow pglite-socket's handler.)
 */
import net from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;
const GSSENC_REQUEST = 80877104;
const PROTOCOL_3 = 196608;
/** Postgres refuses a longer startup packet (MAX_STARTUP_PACKET_LENGTH). */
const MAX_STARTUP = 10_000;
/** Messages that end an exchange: Sync, simple Query, Flush, and the startup packet (no type byte). */
const EXCHANGE_END = new Set(['S', 'Q', 'H']);

/** A FATAL ErrorResponse (SQLSTATE 08P01, protocol violation) with `message`. */
function protocolError(message: string): Buffer {
  const fields = Buffer.from(`SFATAL\0VFATAL\0C08P01\0M${message}\0\0`);
  const head = Buffer.alloc(5);
  head.write('E', 0);
  head.writeInt32BE(4 + fields.length, 1);
  return Buffer.concat([head, fields]);
}

interface Exchange {
  connection: Connection;
  data: Uint8Array;
}

class Connection {
  private buffer = Buffer.alloc(0);
  private pending: Buffer[] = [];
  private started = false;

  constructor(
    readonly socket: net.Socket,
    private readonly submit: (exchange: Exchange) => void,
  ) {}

  /** Answers a malformed message with an error and closes the connection (it cannot be read further). */
  private refuse(message: string): void {
    this.buffer = Buffer.alloc(0);
    this.pending = [];
    this.socket.end(protocolError(message));
  }

  receive(chunk: Buffer): void {
    if (this.socket.writableEnded) return;
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      if (!this.started) {
        if (this.buffer.length < 8) return;
        const length = this.buffer.readInt32BE(0);
        const code = this.buffer.readInt32BE(4);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
          this.buffer = this.buffer.subarray(8);
          this.socket.write('N');
          continue;
        }
        if (code === CANCEL_REQUEST) {
          this.socket.end();
          return;
        }
        if (code !== PROTOCOL_3) return this.refuse(`unsupported frontend protocol ${code >> 16}.${code & 0xffff}: this server speaks 3.0`);
        if (length < 8 || length > MAX_STARTUP) return this.refuse(`invalid length of startup packet: ${length}`);
        if (this.buffer.length < length) return;
        this.started = true;
        this.submit({ connection: this, data: this.buffer.subarray(0, length) });
        this.buffer = this.buffer.subarray(length);
        continue;
      }
      if (this.buffer.length < 5) return;
      const length = 1 + this.buffer.readInt32BE(1);
      // A length below its own 4 bytes would never advance the buffer.
      if (length < 5) return this.refuse(`invalid message length ${length - 1}`);
      if (this.buffer.length < length) return;
      const type = String.fromCharCode(this.buffer[0]!);
      const message = this.buffer.subarray(0, length);
      this.buffer = this.buffer.subarray(length);
      if (type === 'X') {
        this.socket.end();
        return;
      }
      this.pending.push(message);
      if (EXCHANGE_END.has(type)) {
        this.submit({ connection: this, data: Buffer.concat(this.pending) });
        this.pending = [];
      }
    }
  }
}

export interface SocketServer {
  port: number;
  stop(): Promise<void>;
}

/** Serves `db` on host:port (0 picks a free port) until stopped. */
export async function serveDatabase(db: PGlite, host: string, port: number): Promise<SocketServer> {
  const queue: Exchange[] = [];
  const connections = new Set<Connection>();
  /** The connection inside a transaction: only its exchanges run until it ends. */
  let owner: Connection | undefined;
  let running = false;

  async function drain(): Promise<void> {
    if (running) return;
    running = true;
    try {
      for (;;) {
        const index = owner ? queue.findIndex((e) => e.connection === owner) : 0;
        if (index < 0 || queue.length === 0) return;
        const [{ connection, data }] = queue.splice(index, 1) as [Exchange];
        if (connection.socket.destroyed) continue;
        try {
          // PGlite's bytes are a view of its memory, reused for what follows: copied, since the socket may
          // queue them (a large result) rather than send them at once.
          await db.runExclusive(() => db.execProtocolRawStream(data, { onRawData: (bytes) => void (connection.socket.writable && connection.socket.write(Buffer.from(bytes))) }));
        } catch {
          connection.socket.destroy();
        }
        owner = db.isInTransaction() ? connection : undefined;
      }
    } finally {
      running = false;
    }
  }

  async function close(connection: Connection): Promise<void> {
    connections.delete(connection);
    for (let i = queue.length - 1; i >= 0; i--) if (queue[i]!.connection === connection) queue.splice(i, 1);
    if (owner === connection) {
      // A client gone mid-transaction: its work is undone, and the others go on. (exec takes PGlite's query
      // lock itself: inside runExclusive, which holds that lock, it would wait forever.)
      await db.exec('ROLLBACK').catch(() => {});
      owner = undefined;
    }
    void drain();
  }

  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    const connection = new Connection(socket, (exchange) => {
      queue.push(exchange);
      void drain();
    });
    connections.add(connection);
    socket.on('data', (chunk) => connection.receive(chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => void close(connection));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    async stop() {
      for (const connection of connections) connection.socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
