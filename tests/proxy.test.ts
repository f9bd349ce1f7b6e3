/**
 * Fetching through a forward proxy (FETCH_PROXY): a real CONNECT proxy on 127.0.0.1, started here, in front of
 * the test news site. The proxy resolves the names it is asked for (every name to 127.0.0.1, as a proxy's own DNS
 * would), so a page asked for by a name only the proxy knows is had through it; FETCH_NO_PROXY's hosts and loopback
 * ones go directly; a private address the operator did not name is refused before the proxy is asked.
 */
import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnv } from '../src/config.js';
import { PoliteFetcher } from '../src/ingest/fetch.js';
import { bypassesProxy } from '../src/ingest/proxy.js';
import { testConfig } from './helpers.js';
import { NewsSite } from './web-server.js';

/** A forward proxy that tunnels CONNECT requests, to 127.0.0.1 whatever the name, when they carry `credentials` (if set). */
class TunnelProxy {
  readonly tunnels: string[] = [];
  private readonly server = http.createServer((_req, res) => res.writeHead(405).end());
  private readonly sockets = new Set<net.Socket>();

  constructor(private readonly credentials?: string) {
    this.server.on('connect', (req, client: net.Socket, head: Buffer) => {
      this.tunnels.push(req.url ?? '');
      const expected = credentials && `Basic ${Buffer.from(credentials).toString('base64')}`;
      if (expected && req.headers['proxy-authorization'] !== expected) {
        client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\n\r\n');
        return;
      }
      const port = Number(/:(\d+)$/.exec(req.url ?? '')?.[1]);
      const upstream = net.connect(port, '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('error', () => undefined);
        socket.on('close', () => this.sockets.delete(socket));
      }
      upstream.on('error', () => client.destroy());
    });
  }

  async start(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

const site = new NewsSite();
const proxy = new TunnelProxy();
const guarded = new TunnelProxy('editor:s3cret');
let port = '';
let proxyUrl = '';
let guardedUrl = '';

beforeAll(async () => {
  port = new URL(await site.start()).port;
  proxyUrl = await proxy.start();
  guardedUrl = await guarded.start();
});
afterAll(async () => {
  await Promise.all([site.stop(), proxy.stop(), guarded.stop()]);
});

const fetchSettings = (env: Record<string, string>) => testConfig({ FETCH_TIMEOUT_MS: '3000', FETCH_RETRIES: '0', ...env }).ingest.fetch;

describe('fetching through a proxy', () => {
  it('has a page the proxy resolves, robots.txt first, through the proxy', async () => {
    const before = proxy.tunnels.length;
    const fetcher = new PoliteFetcher(fetchSettings({ FETCH_PROXY: proxyUrl }));
    try {
      const page = await fetcher.get(`http://news.example.test:${port}/economy/grain-deal`, 'html');
      expect('body' in page && page.body).toContain('grain corridor');
    } finally {
      await fetcher.close();
    }
    expect(proxy.tunnels.slice(before)).toContain(`news.example.test:${port}`);
    expect(site.requests.filter((r) => r.path === '/robots.txt').length).toBeGreaterThan(0);
  });

  it('goes directly to the hosts FETCH_NO_PROXY lists, and to loopback ones', async () => {
    const before = proxy.tunnels.length;
    const fetcher = new PoliteFetcher(fetchSettings({ FETCH_PROXY: proxyUrl, FETCH_NO_PROXY: '.example.test' }), { named: [`http://127.0.0.1:${port}/`] });
    try {
      // Directly, the machine's own DNS cannot resolve the name the proxy would have.
      await expect(fetcher.get(`http://news.example.test:${port}/economy/grain-deal`, 'html')).rejects.toThrow('the host name could not be resolved');
      const page = await fetcher.get(`http://127.0.0.1:${port}/economy/grain-deal`, 'html');
      expect('body' in page && page.body).toContain('grain corridor');
    } finally {
      await fetcher.close();
    }
    expect(proxy.tunnels.length).toBe(before);
  });

  it('refuses a private address no one named without asking the proxy', async () => {
    const before = proxy.tunnels.length;
    const fetcher = new PoliteFetcher(fetchSettings({ FETCH_PROXY: proxyUrl }));
    try {
      await expect(fetcher.get('http://10.20.30.40/admin', 'html')).rejects.toThrow('refused: 10.20.30.40 is a private or local network address');
      await expect(fetcher.get('http://[::ffff:169.254.169.254]/latest/meta-data', 'text')).rejects.toThrow('refused: ::ffff:a9fe:a9fe is a private or local network address');
    } finally {
      await fetcher.close();
    }
    expect(proxy.tunnels.length).toBe(before);
  });

  it("sends the proxy's user name and password, and says so when the proxy refuses them", async () => {
    const url = new URL(guardedUrl);
    const page = `http://news.example.test:${port}/economy/grain-deal`;
    url.username = 'editor';
    url.password = 's3cret';
    const fetcher = new PoliteFetcher(fetchSettings({ FETCH_PROXY: url.href }));
    url.password = 'wrong';
    const refused = new PoliteFetcher(fetchSettings({ FETCH_PROXY: url.href }));
    try {
      const had = await fetcher.get(page, 'html');
      expect('body' in had && had.body).toContain('grain corridor');
      const error = await refused.get(page, 'html').catch((e: Error) => e);
      expect(String(error)).toContain('the proxy (FETCH_PROXY) refused the connection: HTTP 407 (the user name and password in FETCH_PROXY?)');
      expect(String(error)).not.toContain('wrong');
    } finally {
      await Promise.all([fetcher.close(), refused.close()]);
    }
  });
});

describe('which hosts bypass the proxy', () => {
  it('reads FETCH_NO_PROXY as curl does, loopback always', () => {
    const cases: [string, number, string[], boolean][] = [
      ['localhost', 80, [], true],
      ['127.0.0.1', 8080, [], true],
      ['::1', 443, [], true],
      ['[::1]', 443, [], true],
      ['news.example.com', 443, [], false],
      ['news.example.com', 443, ['example.com'], true],
      ['example.com', 443, ['example.com'], true],
      ['badexample.com', 443, ['example.com'], false],
      ['news.example.com', 443, ['.example.com'], true],
      ['example.com', 443, ['.example.com'], false],
      ['news.example.com', 443, ['*.example.com'], true],
      ['anything.org', 80, ['*'], true],
      ['intranet', 8080, ['intranet:8080'], true],
      ['intranet', 80, ['intranet:8080'], false],
      ['10.0.0.5', 80, ['10.0.0.5'], true],
      ['fd00::5', 80, ['[fd00::5]:80'], true],
      ['fd00::5', 80, ['fd00::5'], true],
      ['NEWS.Example.COM', 443, [' example.com '], true],
    ];
    for (const [host, p, entries, expected] of cases) expect(bypassesProxy(host, p, entries), `${host}:${p} with ${entries.join(',')}`).toBe(expected);
  });
});

describe('the proxy settings', () => {
  const config = (env: Record<string, string>) => () => configFromEnv({ CORPUS_DIR: 'articles', ...env });

  it('are none unless FETCH_PROXY is set', () => {
    expect(config({})().ingest.fetch.proxy).toBeUndefined();
    expect(config({ FETCH_NO_PROXY: 'example.com' })().ingest.fetch.proxy).toBeUndefined();
    expect(config({ FETCH_PROXY: 'http://proxy.example.com:3128', FETCH_NO_PROXY: 'intranet, .internal' })().ingest.fetch.proxy).toEqual({
      url: 'http://proxy.example.com:3128/',
      noProxy: ['intranet', '.internal'],
    });
  });

  it('refuse a proxy address that is not one, in one line that never shows its password', () => {
    for (const bad of ['socks5://proxy:1080', 'proxy.example.com:3128', 'http://user:hunter2@proxy:3128/path']) {
      let message = '';
      try {
        config({ FETCH_PROXY: bad })();
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/^FETCH_PROXY must be a proxy's address such as http:\/\/proxy\.example\.com:3128/);
      expect(message).not.toContain('hunter2');
      expect(message).not.toContain('\n');
    }
  });

  it('refuse an address range in FETCH_NO_PROXY', () => {
    expect(config({ FETCH_PROXY: 'http://proxy:3128', FETCH_NO_PROXY: 'example.com,10.0.0.0/8' })).toThrow(
      'FETCH_NO_PROXY must list host names or addresses separated by commas, such as "intranet.example.com,.internal,10.0.0.5" (got "10.0.0.0/8"; address ranges are not read).',
    );
  });
});
