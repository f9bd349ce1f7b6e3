/**
 * A feed's items and a page's redirects cannot make the fetcher reach the bot's own network: connections to
 * loopback, private and reserved addresses are refused unless their host is one the operator named (a feed,
 * a `--url`). Real fetches against a news site on 127.0.0.1, reached as "127.0.0.1" (named) and as "localhost"
 * (not named, resolved by DNS to a loopback address).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reservedAddress } from '../src/ingest/address-guard.js';
import { PoliteFetcher } from '../src/ingest/fetch.js';
import { ingest } from '../src/ingest/ingest.js';
import { tempDir, testConfig } from './helpers.js';
import { NewsSite } from './web-server.js';

const site = new NewsSite();
let base = '';
let port = '';
const config = () => testConfig({ CORPUS_DIR: tempDir(), FETCH_TIMEOUT_MS: '2000', FETCH_RETRIES: '2', FETCH_RETRY_DELAY_MS: '10' });

beforeAll(async () => {
  base = await site.start();
  port = new URL(base).port;
});
afterAll(() => site.stop());

const seen = (path: string) => site.requests.filter((r) => r.path === path).length;

describe('addresses off the public internet', () => {
  it('are told from public ones, IPv4, IPv6 and IPv4 mapped into IPv6', () => {
    for (const address of ['127.0.0.1', '127.8.9.10', '10.1.2.3', '172.16.5.4', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fd12:3456::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', '64:ff9b::a9fe:a9fe', '64:ff9b::10.0.0.1', '2002:a9fe:a9fe::1', '2002:7f00:1::']) {
      expect(reservedAddress(address), address).toBe(true);
    }
    for (const address of ['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1', 'example.com']) {
      expect(reservedAddress(address), address).toBe(false);
    }
  });

  it('are not connected to when no one named their host, and the refusal is not retried', async () => {
    const before = site.requests.length;
    const settings = config().ingest.fetch;
    await expect(new PoliteFetcher(settings).get(`${base}/economy/grain-deal`, 'html')).rejects.toThrow(
      'refused: 127.0.0.1 is a private or local network address (allowed only for the hosts and ports named in FEEDS or --url)',
    );
    await expect(new PoliteFetcher(settings, { named: [base] }).get(`http://localhost:${port}/economy/grain-deal`, 'html')).rejects.toThrow(
      /^refused: localhost \((127\.0\.0\.1|::1)\) is a private or local network address/,
    );
    expect(site.requests.length).toBe(before); // not even robots.txt
    const page = await new PoliteFetcher(settings, { named: [`${base}/feeds/world.rss`] }).get(`${base}/economy/grain-deal`, 'html');
    expect('body' in page && page.body).toContain('grain corridor');
  });

  it("are reached on a named host's own port only (and the web's 80 and 443), not on its other services' ports", async () => {
    const other = new NewsSite();
    const otherBase = await other.start();
    try {
      const settings = config().ingest.fetch;
      const fetcher = new PoliteFetcher(settings, { named: [`${base}/feeds/world.rss`] });
      await expect(fetcher.get(`${otherBase}/economy/grain-deal`, 'html')).rejects.toThrow(
        `refused: 127.0.0.1 is a private or local network address (allowed only for the hosts and ports named in FEEDS or --url)`,
      );
      expect(other.requests).toEqual([]);
      const both = new PoliteFetcher(settings, { named: [base, otherBase] });
      expect('body' in (await both.get(`${otherBase}/economy/grain-deal`, 'html'))).toBe(true);
    } finally {
      await other.stop();
    }
  });

  it("are refused to a feed's items and to a page's redirect, while the named feed's own pages are fetched", async () => {
    site.handle('/leak/redirect', (_req, res) => void res.writeHead(302, { location: `http://localhost:${port}/leak/secret` }).end());
    site.set('/leak/secret', '<html><body><article><h1>Internal</h1><p>Database password: hunter2.</p></article></body></html>');
    const item = (title: string, link: string) =>
      `<item><title>${title}</title><link>${link}</link><pubDate>Wed, 13 Sep 2023 08:00:00 GMT</pubDate><description>${title}: the feed's own summary of the story, long enough to be kept when its page cannot be had.</description></item>`;
    site.set(
      '/feeds/guarded.rss',
      `<?xml version="1.0"?><rss version="2.0"><channel><title>Guarded</title><link>${base}/</link>${[
        item('Grain deal', `${base}/economy/grain-deal`),
        item('Internal page', `http://localhost:${port}/leak/secret`),
        item('Redirected page', `${base}/leak/redirect`),
      ].join('')}</channel></rss>`,
      'application/rss+xml',
    );
    const settings = config();
    const report = await ingest({ feeds: [`${base}/feeds/guarded.rss`], urls: [] }, { corpusDir: settings.corpusDir, fetch: settings.ingest.fetch });
    const outcome = (url: string) => report.articles.find((a) => a.url === url);
    expect(outcome(`${base}/economy/grain-deal`)).toMatchObject({ kind: 'new' });
    expect(outcome(`http://localhost:${port}/leak/secret`)?.reason).toMatch(/refused: localhost \((127\.0\.0\.1|::1)\) is a private or local network address/);
    expect(outcome(`${base}/leak/redirect`)?.reason).toMatch(/refused: localhost \((127\.0\.0\.1|::1)\) is a private or local network address/);
    expect(seen('/leak/redirect')).toBe(1);
    expect(seen('/leak/secret')).toBe(0);
  });
});
