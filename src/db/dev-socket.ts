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
const PROTOCOL_3 = 196608;
/** Messages that end an exchange: Sync, simple Query, Flush, and the startup packet (no type byte). */
const EXCHANGE_END = new Set(['S', 'Q', 'H']);

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

  receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      if (!this.started) {
        if (this.buffer.length < 8) return;
        const length = this.buffer.readInt32BE(0);
        const code = this.buffer.readInt32BE(4);
        if (code === SSL_REQUEST) {
          this.buffer = this.buffer.subarray(8);
          this.socket.write('N');
          continue;
        }
        if (code === CANCEL_REQUEST) {
          this.socket.end();
          return;
        }
        if (code !== PROTOCOL_3 || this.buffer.length < length) return;
        this.started = true;
        this.submit({ connection: this, data: this.buffer.subarray(0, length) });
        this.buffer = this.buffer.subarray(length);
        continue;
      }
      if (this.buffer.length < 5) return;
      const length = 1 + this.buffer.readInt32BE(1);
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
          await db.runExclusive(() => db.execProtocolRawStream(data, { onRawData: (bytes) => void (connection.socket.writable && connection.socket.write(bytes)) }));
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
      // A client gone mid-transaction: its work is undone, and the others go on.
      await db.runExclusive(() => db.exec('ROLLBACK')).catch(() => {});
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
