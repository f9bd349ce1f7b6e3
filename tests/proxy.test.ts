/**
 * Fetching through a forward proxy (FETCH_PROXY): a real proxy on 127.0.0.1, started here, in front of the test news
 * site; it forwards plain proxy requests (http:// addresses) and tunnels CONNECT ones, and resolves the names it is
 * asked for (every name to 127.0.0.1, as a proxy's own DNS would), so a page asked for by a name only the proxy knows
 * (under .invalid, which no DNS resolves) is had through it. FETCH_NO_PROXY's hosts and loopback ones go directly,
 * through the address guard; a private address, a local-network name, or a name this machine resolves to a private
 * address is refused before the proxy is asked, and so is a redirect to one.
 */
import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import { lookup } from 'node:dns/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { configFromEnv } from '../src/config.js';
import { noProxyEntries } from '../src/config-values.js';
import { describeFailure } from '../src/errors.js';
import { reservedAddress } from '../src/ingest/address-guard.js';
import { PoliteFetcher } from '../src/ingest/fetch.js';
import { bypassesProxy } from '../src/ingest/proxy.js';
import { testConfig } from './helpers.js';
import { NewsSite } from './web-server.js';

/** A forward proxy to 127.0.0.1, whatever the name, for requests carrying `credentials` (if set); `seen` lists what it was asked. */
class LocalProxy {
  readonly seen: string[] = [];
  private readonly server: http.Server;
  private readonly sockets = new Set<net.Socket>();

  constructor(private readonly credentials?: string) {
    this.server = http.createServer((req, res) => {
      this.seen.push(`${req.method} ${req.url}`);
      if (!this.authorised(req)) return void res.writeHead(407, { 'proxy-authenticate': 'Basic realm="test"' }).end();
      const target = new URL(req.url ?? '');
      const upstream = http.request({ host: '127.0.0.1', port: target.port || 80, path: `${target.pathname}${target.search}`, method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => res.writeHead(502).end());
      req.pipe(upstream);
    });
    this.server.on('connect', (req, client: net.Socket, head: Buffer) => {
      this.seen.push(`CONNECT ${req.url}`);
      client.on('error', () => undefined);
      if (!this.authorised(req)) return void client.end('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n');
      const upstream = net.connect(Number(/:(\d+)$/.exec(req.url ?? '')?.[1]), '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
      }
    });
  }

  private authorised(req: http.IncomingMessage): boolean {
    return !this.credentials || req.headers['proxy-authorization'] === `Basic ${Buffer.from(this.credentials).toString('base64')}`;
  }

  async start(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** Whether this machine's name is one the proxied route refuses: one label, or resolving here to a reserved address. */
const machineIsLocal = !os.hostname().includes('.') || (await lookup(os.hostname(), { all: true }).catch(() => [])).some((entry) => reservedAddress(entry.address));

const site = new NewsSite();
const proxy = new LocalProxy();
const guarded = new LocalProxy('editor:s3cret');
/** A service on the bot's own machine that no one named: nothing may reach it. */
const internal = http.createServer((_req, res) => res.end('internal admin'));
let internalHits = 0;
internal.on('request', () => internalHits++);
let port = '';
let proxyUrl = '';
let guardedUrl = '';
let internalPort = 0;

beforeAll(async () => {
  port = new URL(await site.start()).port;
  proxyUrl = await proxy.start();
  guardedUrl = await guarded.start();
  internal.listen(0, '127.0.0.1');
  await once(internal, 'listening');
  internalPort = (internal.address() as net.AddressInfo).port;
  site.handle('/to-internal', (_req, res) => res.writeHead(302, { location: `http://127.0.0.1:${internalPort}/admin` }).end());
  site.handle('/to-machine', (_req, res) => res.writeHead(302, { location: `http://${os.hostname()}:${internalPort}/admin` }).end());
});
afterAll(async () => {
  internal.closeAllConnections();
  await Promise.all([site.stop(), proxy.stop(), guarded.stop(), new Promise((resolve) => internal.close(resolve))]);
});

const fetchSettings = (env: Record<string, string>) => testConfig({ FETCH_TIMEOUT_MS: '3000', FETCH_RETRIES: '0', ...env }).ingest.fetch;
const page = () => `http://news.example.invalid:${port}/economy/grain-deal`;

/** Runs `fn` with a fetcher, closed after. */
async function withFetcher<T>(env: Record<string, string>, fn: (fetcher: PoliteFetcher) => Promise<T>, named: string[] = []): Promise<T> {
  const fetcher = new PoliteFetcher(fetchSettings(env), { named });
  try {
    return await fn(fetcher);
  } finally {
    await fetcher.close();
  }
}

describe('fetching through a proxy', () => {
  it('has a page by a name only the proxy resolves, robots.txt first, as plain proxy requests', async () => {
    const before = proxy.seen.length;
    const had = await withFetcher({ FETCH_PROXY: proxyUrl }, (fetcher) => fetcher.get(page(), 'html'));
    expect('body' in had && had.body).toContain('grain corridor');
    expect(proxy.seen.slice(before)).toEqual([`GET http://news.example.invalid:${port}/robots.txt`, `GET http://news.example.invalid:${port}/economy/grain-deal`]);
  });

  it('goes directly to the hosts FETCH_NO_PROXY lists, and to loopback ones, through the address guard', async () => {
    const before = proxy.seen.length;
    await withFetcher({ FETCH_PROXY: proxyUrl, FETCH_NO_PROXY: '.example.invalid' }, async (fetcher) => {
      // Directly, no DNS resolves the name the proxy would have.
      await expect(fetcher.get(page(), 'html')).rejects.toThrow('the host name could not be resolved');
      // Loopback, not named: the guard refuses it.
      await expect(fetcher.get(`http://127.0.0.1:${internalPort}/admin`, 'html')).rejects.toThrow(`refused: 127.0.0.1 is a private or local network address`);
      await expect(fetcher.get(`http://localhost:${internalPort}/admin`, 'html')).rejects.toThrow(/^refused: localhost \((127\.0\.0\.1|::1)\) is a private/);
    });
    // Loopback and named: fetched.
    const had = await withFetcher({ FETCH_PROXY: proxyUrl }, (fetcher) => fetcher.get(`http://127.0.0.1:${port}/economy/grain-deal`, 'html'), [`http://127.0.0.1:${port}/feeds/world.rss`]);
    expect('body' in had && had.body).toContain('grain corridor');
    expect(proxy.seen.length).toBe(before);
    expect(internalHits).toBe(0);
  });

  it('refuses private addresses, local-network names and redirects to them before the proxy is asked', async () => {
    const before = proxy.seen.length;
    await withFetcher({ FETCH_PROXY: proxyUrl }, async (fetcher) => {
      await expect(fetcher.get('http://10.20.30.40/admin', 'html')).rejects.toThrow('refused: 10.20.30.40 is a private or local network address');
      await expect(fetcher.get('http://[::ffff:169.254.169.254]/latest/meta-data', 'text')).rejects.toThrow('refused: ::ffff:a9fe:a9fe is a private or local network address');
      await expect(fetcher.get('http://metadata.google.internal/computeMetadata/v1/', 'text')).rejects.toThrow('refused: metadata.google.internal is a private or local network address');
      await expect(fetcher.get(`http://news.example.invalid:${port}/to-internal`, 'html')).rejects.toThrow('refused: 127.0.0.1 is a private or local network address');
    });
    // The redirect itself came through the proxy; nothing after it did.
    expect(proxy.seen.slice(before)).toEqual([`GET http://news.example.invalid:${port}/robots.txt`, `GET http://news.example.invalid:${port}/to-internal`]);
    expect(internalHits).toBe(0);
  });

  it('refuses names that are no public host (one label, trailing dots) before the proxy is asked, and redirects to them', async () => {
    const before = proxy.seen.length;
    await withFetcher({ FETCH_PROXY: proxyUrl }, async (fetcher) => {
      for (const host of ['intranet', 'metadata.', 'vm.', 'news..example.invalid']) {
        await expect(fetcher.get(`http://${host}:${internalPort}/admin`, 'html'), host).rejects.toThrow(`refused: ${host.replace(/\.+$/, '')} is a private or local network address`);
      }
      // Loopback however many trailing dots: sent directly, where the guard judges the address connected to.
      for (const host of ['localhost..', '127.0.0.1..']) await expect(fetcher.get(`http://${host}:${internalPort}/admin`, 'html'), host).rejects.toThrow(/^(refused: |the host name could not be resolved)/);
    });
    expect(proxy.seen.length).toBe(before);
    expect(internalHits).toBe(0);
  });

  // This machine's own name resolves here to one of its addresses, private or loopback, on a Linux host, a container or a
  // cloud machine; a one-label name is refused whatever it resolves to.
  it.skipIf(!machineIsLocal)('refuses the name of this machine, which resolves here to a private or loopback address, and a redirect to it', async () => {
    const name = os.hostname().toLowerCase();
    const before = proxy.seen.length;
    await withFetcher({ FETCH_PROXY: proxyUrl }, async (fetcher) => {
      await expect(fetcher.get(`http://${name}:${internalPort}/admin`, 'html')).rejects.toThrow(`refused: ${name}`);
      await expect(fetcher.get(`http://news.example.invalid:${port}/to-machine`, 'html')).rejects.toThrow(`refused: ${name}`);
    });
    expect(proxy.seen.slice(before)).toEqual([`GET http://news.example.invalid:${port}/robots.txt`, `GET http://news.example.invalid:${port}/to-machine`]);
    expect(internalHits).toBe(0);
  });

  it("sends the proxy's user name and password, and says so when the proxy refuses them", async () => {
    const url = new URL(guardedUrl);
    url.username = 'editor';
    url.password = 's3cret';
    const had = await withFetcher({ FETCH_PROXY: url.href }, (fetcher) => fetcher.get(page(), 'html'));
    expect('body' in had && had.body).toContain('grain corridor');
    url.password = 'wrong';
    const error = await withFetcher({ FETCH_PROXY: url.href }, (fetcher) => fetcher.get(page(), 'html').catch((e: Error) => e));
    expect(String(error)).toBe(`FetchError: the proxy (FETCH_PROXY) refused the connection: HTTP 407 (the user name and password in FETCH_PROXY?)`);
  });

  it('tells a proxy refusing a CONNECT tunnel (an https:// page) the same way', async () => {
    const url = new URL(guardedUrl);
    url.username = 'editor';
    url.password = 'wrong';
    const before = guarded.seen.length;
    const error = await withFetcher({ FETCH_PROXY: url.href }, (fetcher) => fetcher.get('https://news.example.invalid/economy/grain-deal', 'html').catch((e: Error) => e));
    expect(String(error)).toBe(`FetchError: the proxy (FETCH_PROXY) refused the connection: HTTP 407 (the user name and password in FETCH_PROXY?)`);
    expect(guarded.seen.slice(before)).toEqual(['CONNECT news.example.invalid:443']);
  });

  it('says when the proxy cannot be reached, and never blames it for a site fetched directly', async () => {
    const closed = net.createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const unused = (closed.address() as net.AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    for (const proxyAt of [`http://127.0.0.1:${unused}`, `http://localhost:${unused}`]) {
      const error = await withFetcher({ FETCH_PROXY: proxyAt }, (fetcher) => fetcher.get(page(), 'html').catch((e: Error) => e));
      expect(String(error), proxyAt).toBe('FetchError: the proxy (FETCH_PROXY) could not be reached: the connection was refused');
    }
    // A named feed on the same port, fetched directly (loopback), is down: the site's failure, not the proxy's.
    const feed = `http://127.0.0.1:${unused}/feeds/world.rss`;
    const error = await withFetcher({ FETCH_PROXY: `http://localhost:${unused}` }, (fetcher) => fetcher.get(feed, 'feed').catch((e: Error) => e), [feed]);
    expect(String(error)).toBe('FetchError: the connection was refused');
  });
});

describe('which hosts bypass the proxy', () => {
  it('reads FETCH_NO_PROXY as curl does, loopback always', () => {
    const entries = (list: string) => noProxyEntries({ FETCH_NO_PROXY: list }, 'FETCH_NO_PROXY');
    const cases: [string, number, string, boolean][] = [
      ['localhost', 80, '', true],
      ['127.0.0.1', 8080, '', true],
      ['[::1]', 443, '', true],
      ['news.localhost', 80, '', true],
      ['news.example.com', 443, '', false],
      ['news.example.com', 443, 'example.com', true],
      ['example.com', 443, 'example.com', true],
      ['example.com.', 443, 'example.com', true],
      ['badexample.com', 443, 'example.com', false],
      ['news.example.com', 443, '.example.com', true],
      ['example.com', 443, '.example.com', true],
      ['news.example.com', 443, '*.example.com', true],
      ['news.example.com', 443, 'example.com.', true],
      ['anything.org', 80, '*', true],
      ['intranet', 8080, 'intranet:8080', true],
      ['intranet', 80, 'intranet:8080', false],
      ['my_service', 80, 'my_service', true],
      ['xn--bcher-kva.de', 443, 'bücher.de', true],
      ['10.0.0.5', 80, '10.0.0.5', true],
      ['10.0.0.5', 80, '0.5', false],
      ['10.1.2.3', 80, '10.0.0.0/8', true],
      ['11.1.2.3', 80, '10.0.0.0/8', false],
      ['[fd00::5]', 80, '[fd00::5]:80', true],
      ['[fd00::5]', 80, 'fd00::/8', true],
      ['[fe80::5]', 80, 'fd00::/8', false],
      ['news.example.com', 443, ' other.org , EXAMPLE.com ', true],
    ];
    for (const [host, p, list, expected] of cases) expect(bypassesProxy(host, p, entries(list)), `${host}:${p} with "${list}"`).toBe(expected);
  });
});

describe('the proxy settings', () => {
  const config = (env: Record<string, string>) => () => configFromEnv({ CORPUS_DIR: 'articles', ...env });

  it('are none unless FETCH_PROXY is set', () => {
    expect(config({})().ingest.fetch.proxy).toBeUndefined();
    expect(config({ FETCH_NO_PROXY: 'example.com' })().ingest.fetch.proxy).toBeUndefined();
    expect(config({ FETCH_PROXY: 'http://user:pa%40ss@proxy.example.com:3128', FETCH_NO_PROXY: 'intranet:8080, .internal, 10.0.0.0/8' })().ingest.fetch.proxy).toEqual({
      url: 'http://user:pa%40ss@proxy.example.com:3128/',
      noProxy: [{ name: 'intranet', port: 8080 }, { name: 'internal' }, { network: '10.0.0.0', prefix: 8, family: 'ipv4' }],
    });
  });

  it('refuse a proxy address that is not one, in one line that never shows its password', () => {
    for (const bad of ['socks5://proxy:1080', 'proxy.example.com:3128', 'http://user:hunter2@proxy:3128/path', 'http://proxy:3128/#here']) {
      expect(config({ FETCH_PROXY: bad })).toThrow(/^FETCH_PROXY must be a proxy's address such as http:\/\/proxy\.example\.com:3128 \(http:\/\/ or https:\/\/, a host and its port, nothing after them\)\.$/);
    }
    expect(config({ FETCH_PROXY: 'http://editor@proxy:3128' })).toThrow('FETCH_PROXY gives a user name without a password: write http://user:password@host:port (a password with : @ / or % percent-encoded).');
  });

  it("keep the proxy's password out of an unexpected failure's printed stack", () => {
    // vi.stubEnv's values are put back after each test (vitest.config.ts: unstubEnvs).
    vi.stubEnv('FETCH_PROXY', 'http://editor:proxy-s3cret@proxy.example.com:3128');
    const printed = describeFailure(new Error('tunnel through http://editor:proxy-s3cret@proxy.example.com:3128 failed (proxy-s3cret)'));
    expect(printed).toMatch(/^Unexpected error: this is a bug/);
    expect(printed).toContain('tunnel through http://editor:***@proxy.example.com:3128 failed (***)');
    expect(printed).not.toContain('proxy-s3cret');
  });

  it('refuse a FETCH_NO_PROXY entry that is not a host, an address or a range', () => {
    for (const bad of ['http://example.com', '10.0.0.0/33', 'example.com:99999', 'exa mple.com', '[example.com]']) {
      expect(config({ FETCH_PROXY: 'http://proxy:3128', FETCH_NO_PROXY: `intranet,${bad}` })).toThrow(
        `FETCH_NO_PROXY must list host names or addresses separated by commas, such as "intranet.example.com,.internal,10.0.0.0/8" (got "${bad}").`,
      );
    }
  });
});
