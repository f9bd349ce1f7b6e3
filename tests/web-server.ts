/**
 * A small news website on 127.0.0.1 for the ingestion tests: the feeds and pages of tests/fixtures/web
 * (with `{BASE}` replaced by the server's address), ETags and 304s, a robots.txt, a redirect, a 404, a PDF,
 * an over-large page, a page that never answers, and invalid XML. Every request is recorded.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { PROJECT_ROOT } from '../src/config.js';

const FIXTURES = path.join(PROJECT_ROOT, 'tests', 'fixtures', 'web');

export interface SeenRequest {
  path: string;
  userAgent?: string;
  conditional: boolean;
}

interface Route {
  file?: string;
  body?: string | Buffer;
  type?: string;
  status?: number;
  location?: string;
  /** Never answer. */
  hang?: boolean;
}

export class NewsSite {
  readonly requests: SeenRequest[] = [];
  base = '';
  private server?: http.Server;
  private readonly routes = new Map<string, Route>([
    ['/robots.txt', { body: 'User-agent: *\nDisallow: /private/\n', type: 'text/plain' }],
    ['/feeds/world.rss', { file: 'world.rss', type: 'application/rss+xml; charset=utf-8' }],
    ['/feeds/europe.atom', { file: 'europe.atom', type: 'application/atom+xml' }],
    ['/feeds/broken.xml', { body: '<?xml version="1.0"?><rss version="2.0"><channel><title>Broken</title><item><title>Oops</channel>', type: 'application/rss+xml' }],
    ['/world/2023/09/13/kim-arrives-by-armoured-train', { file: 'kim-train.html' }],
    ['/europe/prigozhin-funeral', { file: 'prigozhin-funeral.html' }],
    ['/old/grain', { status: 301, location: '/economy/grain-deal' }],
    ['/economy/grain-deal', { file: 'grain-deal.html' }],
    ['/files/report.pdf', { body: Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n'), type: 'application/pdf' }],
    ['/world/huge', { body: `<html><body><article>${'<p>Filler paragraph of a page far too large to fetch.</p>'.repeat(5000)}</article></body></html>` }],
    ['/world/slow-seoul', { hang: true }],
    ['/world/search', { file: 'no-article.html' }],
    ['/private/memo', { file: 'kim-train.html' }],
  ]);

  private readonly handlers = new Map<string, http.RequestListener>();

  /** Answers `route` with a handler of its own (a flaky server, a slow one, a stream). */
  handle(route: string, handler: http.RequestListener): void {
    this.handlers.set(route, handler);
  }

  /** Serves `body` at `route` from now on (to change a page or a feed between runs). */
  set(route: string, body: string, type = 'text/html; charset=utf-8'): void {
    this.routes.set(route, { body, type });
  }

  fixture(file: string): string {
    return readFileSync(path.join(FIXTURES, file), 'utf8').replaceAll('{BASE}', this.base);
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => this.respond(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.base;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** Requests for pages (not feeds, not robots.txt). */
  pageRequests(): SeenRequest[] {
    return this.requests.filter((r) => !r.path.startsWith('/feeds/') && r.path !== '/robots.txt');
  }

  private respond(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url!, this.base);
    const conditional = Boolean(req.headers['if-none-match'] || req.headers['if-modified-since']);
    this.requests.push({ path: url.pathname, userAgent: req.headers['user-agent'], conditional });
    const handler = this.handlers.get(url.pathname);
    if (handler) return void handler(req, res);
    const route = this.routes.get(url.pathname);
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<html><body><h1>Not found</h1></body></html>');
      return;
    }
    if (route.hang) return;
    if (route.status === 301) {
      res.writeHead(301, { location: route.location }).end();
      return;
    }
    const body = route.file ? this.fixture(route.file) : route.body!;
    const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag }).end();
      return;
    }
    res.writeHead(200, { 'content-type': route.type ?? 'text/html; charset=utf-8', etag, 'last-modified': 'Wed, 13 Sep 2023 09:00:00 GMT' }).end(body);
  }
}

/** An address on 127.0.0.1 where nothing listens. */
export async function closedPort(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
