/**
 * A TCP proxy on 127.0.0.1 in front of a test's database, for the network's failures: connections that go
 * silent (a NAT or firewall that forgot them, a hung server), and a server gone (every connection closed, new ones
 * closed at once). Started and closed by the test itself.
 */
import net from 'node:net';
import { once } from 'node:events';

export interface PgProxy {
  /** DATABASE_URL through the proxy. */
  url: string;
  /** The connections open now stop passing bytes on, either way; new ones get through. */
  silence(): void;
  /** `true`: every connection is closed, and each new one closed as soon as it is made; `false`: they get through again. */
  drop(dropping: boolean): void;
  close(): Promise<void>;
}

/** A proxy to the server on 127.0.0.1:`port`. */
export async function startPgProxy(port: number): Promise<PgProxy> {
  const open = new Set<net.Socket>();
  const silenced = new Set<net.Socket>();
  let dropping = false;
  const proxy = net.createServer((socket) => {
    socket.on('error', () => {});
    if (dropping) return void socket.destroy();
    const upstream = net.connect(port, '127.0.0.1');
    open.add(socket);
    socket.on('data', (data) => void (silenced.has(socket) || upstream.write(data)));
    upstream.on('data', (data) => void (silenced.has(socket) || socket.write(data)));
    upstream.on('error', () => {});
    socket.on('close', () => (open.delete(socket), silenced.delete(socket), upstream.destroy()));
    upstream.on('close', () => socket.destroy());
  });
  proxy.listen(0, '127.0.0.1');
  await once(proxy, 'listening');
  return {
    url: `postgres://postgres@127.0.0.1:${(proxy.address() as net.AddressInfo).port}/postgres`,
    silence: () => open.forEach((socket) => silenced.add(socket)),
    drop(value) {
      dropping = value;
      if (value) open.forEach((socket) => socket.destroy());
    },
    async close() {
      open.forEach((socket) => socket.destroy());
      await new Promise((resolve) => proxy.close(resolve));
    },
  };
}

/** Resolves to 'still waiting' when `promise` has not settled within `ms` (the test then fails instead of hanging). */
export function within<T>(promise: Promise<T>, ms: number): Promise<T | 'still waiting'> {
  return Promise.race([promise, new Promise<'still waiting'>((resolve) => setTimeout(() => resolve('still waiting'), ms).unref())]);
}
