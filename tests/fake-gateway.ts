/**
 * A fake Discord gateway on 127.0.0.1 (a WebSocket server, with the `ws` package discord.js itself uses),
 * speaking just enough of the protocol for a client to log in: HELLO (op 10), IDENTIFY (op 2, which carries
 * `shard: [id, count]`), READY (op 0), HEARTBEAT (op 1) and its ACK (op 11); then dispatches events to the
 * connection of one shard. FakeDiscord answers GET /gateway/bot with this server's address.
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { APP_ID } from './bot-helpers.js';

export class FakeGateway {
  private server?: WebSocketServer;
  /** The open connection of each identified shard, by shard id. */
  readonly shards = new Map<number, WebSocket>();
  /** Every IDENTIFY's `shard` field, in order. */
  readonly identified: [number, number][] = [];
  private seq = 0;

  async start(): Promise<string> {
    this.server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => this.server!.once('listening', () => resolve()));
    this.server.on('connection', (socket) => {
      socket.send(JSON.stringify({ op: 10, s: null, t: null, d: { heartbeat_interval: 45_000 } }));
      socket.on('message', (raw) => this.receive(socket, JSON.parse(String(raw))));
    });
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private receive(socket: WebSocket, packet: { op: number; d: any }): void {
    if (packet.op === 1) socket.send(JSON.stringify({ op: 11, s: null, t: null, d: null }));
    if (packet.op !== 2) return;
    const shard = packet.d.shard as [number, number];
    this.identified.push(shard);
    this.shards.set(shard[0], socket);
    this.send(socket, 'READY', {
      v: 10,
      user: { id: APP_ID, username: 'coverage-bot', discriminator: '0000', avatar: null, bot: true, global_name: null },
      guilds: [],
      session_id: `session-${shard[0]}`,
      resume_gateway_url: `ws://127.0.0.1:${(this.server!.address() as AddressInfo).port}`,
      shard,
      application: { id: APP_ID, flags: 0 },
    });
  }

  private send(socket: WebSocket, t: string, d: unknown): void {
    socket.send(JSON.stringify({ op: 0, s: ++this.seq, t, d }));
  }

  /** Sends a dispatch event to the connection of shard `id`. */
  dispatch(id: number, t: string, d: unknown): void {
    const socket = this.shards.get(id);
    if (!socket) throw new Error(`Shard ${id} is not connected`);
    this.send(socket, t, d);
  }

  async stop(): Promise<void> {
    for (const client of this.server?.clients ?? []) client.terminate();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
