/**
 * A polite HTTP client for outlets' websites: a real User-Agent, robots.txt respected (robots-parser), a
 * few requests at a time per host and in all (p-limit), a timeout and a size limit on every response, content-type
 * checks, conditional requests (ETag / Last-Modified), and retries with exponential back-off on server
 * errors (5xx, 429) and network failures. Every failure is a FetchError whose reason reads well in a summary.
 * No connection is made to a private or local network address but on the hosts the operator named
 * (address-guard.ts): a feed's items and a page's redirects cannot reach the bot's own network. With FETCH_PROXY,
 * requests go through the proxy (proxy.ts).
 * A fetcher given a stop signal (Ctrl-C) starts no request once it is aborted, and ends those in flight with
 * FetchStopped, which is no failure of the page's.
 */
import pLimit, { type LimitFunction } from 'p-limit';
import robotsParserModule from 'robots-parser';
import { fetch, type Dispatcher, type Response } from 'undici';
import type { FetchConfig } from '../config.js';
import { AddressRefused, guardedDispatcher, namedEndpoints } from './address-guard.js';
import { decodeText } from './decode.js';
import { ProxyRouter, proxyStatus, proxyUnreachable } from './proxy.js';

export class FetchError extends Error {
  override name = 'FetchError';
  constructor(
    readonly url: string,
    reason: string,
    /** Worth trying again (a server error, a network failure, a timeout). */
    readonly retryable = false,
    /** How long the server asked us to wait (Retry-After), when it did. */
    readonly retryAfterMs?: number,
  ) {
    super(reason);
  }
}

/** The fetch was stopped (Ctrl-C) before the page was had: nothing is known about the page. */
export class FetchStopped extends Error {
  override name = 'FetchStopped';
  constructor(readonly url: string) {
    super(`stopped before ${url} was fetched`);
  }
}

/** What a response must be: an HTML page, a feed (any XML), or anything (robots.txt). */
export type Expect = 'html' | 'feed' | 'text';

const ACCEPT: Record<Expect, string> = {
  html: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.1',
  feed: 'application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.1',
  text: 'text/plain,*/*;q=0.1',
};
const ACCEPTED_TYPES: Record<Expect, RegExp> = {
  html: /^(text\/html|application\/xhtml\+xml)$/,
  // Feeds are often served as text/plain or text/html by misconfigured servers; the parser decides.
  feed: /(xml|rss|atom|^text\/(plain|html)$)/,
  text: /./,
};
const EXPECTED_NAMES: Record<Expect, string> = { html: 'an HTML page', feed: 'a feed', text: 'text' };

export interface Validators {
  etag?: string;
  lastModified?: string;
}

export interface Fetched extends Validators {
  /** The address the body came from, after redirects. */
  url: string;
  body: string;
}

/** A 304: the copy fetched before is still current. */
export interface NotModified {
  url: string;
  notModified: true;
}

export type FetchResult = Fetched | NotModified;

/** Longest wait a Retry-After header can impose. */
const MAX_RETRY_AFTER_MS = 60_000;

/** Waits `ms`, or less when `stop` is aborted meanwhile. */
const sleep = (ms: number, stop?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      stop?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    stop?.addEventListener('abort', done, { once: true });
  });

/** The guard's refusal behind a failed fetch, if that is why it failed. */
function refusal(error: unknown): AddressRefused | undefined {
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof AddressRefused ? cause : error instanceof AddressRefused ? error : undefined;
}

function networkReason(error: unknown, timeoutMs: number): string {
  const e = error as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${timeoutMs} ms (FETCH_TIMEOUT_MS)`;
  const code = e.cause?.code;
  if (code === 'ECONNREFUSED') return 'the connection was refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the host name could not be resolved';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'the connection was closed by the server';
  return `network error (${code ?? e.cause?.message ?? e.message})`;
}

/** Reads a body up to `maxBytes`, refusing a larger one without reading it all. */
async function readLimited(response: Response, url: string, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length'));
  const tooBig = (size: string) => new FetchError(url, `larger than FETCH_MAX_BYTES (${size}, limit ${maxBytes} bytes)`);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw tooBig(`${declared} bytes`);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of response.body ?? []) {
    total += chunk.length;
    if (total > maxBytes) {
      await response.body?.cancel().catch(() => undefined);
      throw tooBig(`over ${maxBytes} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

// robots-parser is CommonJS whose typings declare an ES default export: at run time the import is the function.
const robotsParser = robotsParserModule as unknown as typeof robotsParserModule.default;
type Robots = ReturnType<typeof robotsParser>;

export class PoliteFetcher {
  /** Requests sent (robots.txt included), for the summary and the tests. */
  requests = 0;
  private readonly hosts = new Map<string, LimitFunction>();
  /** Requests in flight in all (FETCH_CONCURRENCY), under each host's own limit. */
  private readonly all: LimitFunction;
  /** Per site, its rules, or why they could not be read, or undefined (none: all allowed). */
  private readonly robots = new Map<string, Promise<Robots | FetchError | undefined>>();

  private readonly dispatcher: Dispatcher;
  private readonly stop?: AbortSignal;

  constructor(
    private readonly settings: FetchConfig,
    options: {
      /** Once aborted, no request is started, and those in flight end with FetchStopped. */
      stop?: AbortSignal;
      /** The addresses the operator named (feeds, `--url`): their hosts and ports may be on a private network. */
      named?: Iterable<string>;
    } = {},
  ) {
    this.stop = options.stop;
    this.all = pLimit(settings.concurrency);
    const named = namedEndpoints(options.named ?? []);
    const direct = guardedDispatcher(named);
    this.dispatcher = settings.proxy ? new ProxyRouter(direct, settings.proxy, new Set(named)) : direct;
  }

  /** Closes the connections kept open; the fetcher is not used after. */
  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  /**
   * GETs a URL as `expect` says, with the validators of an earlier copy when given (a 304 then says it is
   * unchanged). Throws FetchError with the reason when the page cannot be had.
   */
  async get(url: string, expect: Expect, validators: Validators = {}): Promise<FetchResult> {
    const refusal = await this.robotsRefusal(url);
    if (refusal) throw new FetchError(url, refusal.reason, refusal.retryable);
    return this.retrying(url, expect, validators);
  }

  /** Under the host's concurrency limit, tried again after a growing pause while the failure is retryable. */
  private async retrying(url: string, expect: Expect, validators: Validators): Promise<FetchResult> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.limitFor(url)(() => this.all(() => this.once(url, expect, validators)));
      } catch (error) {
        if (error instanceof FetchStopped) throw error;
        const failure = error instanceof FetchError ? error : new FetchError(url, String(error));
        if (!failure.retryable || attempt >= this.settings.retries) throw failure;
        await sleep(failure.retryAfterMs ?? this.settings.retryDelayMs * 2 ** attempt, this.stop);
        if (this.stop?.aborted) throw new FetchStopped(url);
      }
    }
  }

  private limitFor(url: string): LimitFunction {
    const host = new URL(url).host;
    let limit = this.hosts.get(host);
    if (!limit) this.hosts.set(host, (limit = pLimit(this.settings.concurrencyPerHost)));
    return limit;
  }

  private async once(url: string, expect: Expect, validators: Validators): Promise<FetchResult> {
    if (this.stop?.aborted) throw new FetchStopped(url);
    this.requests++;
    const timeout = AbortSignal.timeout(this.settings.timeoutMs);
    const signal = this.stop ? AbortSignal.any([timeout, this.stop]) : timeout;
    const headers: Record<string, string> = { 'user-agent': this.settings.userAgent, accept: ACCEPT[expect] };
    if (validators.etag) headers['if-none-match'] = validators.etag;
    if (validators.lastModified) headers['if-modified-since'] = validators.lastModified;
    let response: Response;
    try {
      response = await fetch(url, { headers, redirect: 'follow', signal, dispatcher: this.dispatcher });
    } catch (error) {
      if (this.stop?.aborted) throw new FetchStopped(url);
      const guarded = refusal(error);
      if (guarded) throw new FetchError(url, `refused: ${guarded.message}`);
      const status = proxyStatus(error);
      if (status !== undefined) {
        const hint = status === 407 ? ' (the user name and password in FETCH_PROXY?)' : '';
        throw new FetchError(url, `the proxy (FETCH_PROXY) refused the connection: HTTP ${status}${hint}`, status >= 500);
      }
      const reason = networkReason(error, this.settings.timeoutMs);
      if (proxyUnreachable(error)) throw new FetchError(url, `the proxy (FETCH_PROXY) could not be reached: ${reason}`, true);
      throw new FetchError(url, reason, true);
    }
    if (response.status === 304) {
      await response.body?.cancel();
      return { url: response.url || url, notModified: true };
    }
    if (!response.ok) {
      await response.body?.cancel();
      const retryable = response.status >= 500 || response.status === 429;
      const retryAfter = Number(response.headers.get('retry-after'));
      const wait = retryable && retryAfter > 0 ? Math.min(retryAfter * 1000, MAX_RETRY_AFTER_MS) : undefined;
      throw new FetchError(url, `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`, retryable, wait);
    }
    const contentType = response.headers.get('content-type') ?? '';
    const mime = contentType.split(';')[0]!.trim().toLowerCase();
    if (mime && !ACCEPTED_TYPES[expect].test(mime)) {
      await response.body?.cancel();
      throw new FetchError(url, `not ${EXPECTED_NAMES[expect]} (content type ${mime})`);
    }
    let bytes: Uint8Array;
    try {
      bytes = await readLimited(response, url, this.settings.maxBytes);
    } catch (error) {
      if (error instanceof FetchError) throw error;
      if (this.stop?.aborted) throw new FetchStopped(url);
      throw new FetchError(url, networkReason(error, this.settings.timeoutMs), true);
    }
    return {
      url: response.url || url,
      body: decodeText(bytes, contentType),
      etag: response.headers.get('etag') ?? undefined,
      lastModified: response.headers.get('last-modified') ?? undefined,
    };
  }

  /**
   * Why robots.txt forbids this URL to our User-Agent, or undefined when it may be fetched. Read once per
   * host and run. No robots.txt (4xx) allows everything; one that cannot be read (5xx, network) forbids
   * the host for this run, as RFC 9309 asks: a passing failure, where a page robots.txt disallows is not.
   */
  private async robotsRefusal(url: string): Promise<{ reason: string; retryable: boolean } | undefined> {
    const { origin } = new URL(url);
    let rules = this.robots.get(origin);
    if (!rules) this.robots.set(origin, (rules = this.readRobots(`${origin}/robots.txt`)));
    const robots = await rules;
    if (robots instanceof FetchError) return { reason: robots.message, retryable: robots.retryable };
    if (robots && robots.isAllowed(url, this.settings.userAgent) === false) return { reason: 'refused by the site\'s robots.txt', retryable: false };
    return undefined;
  }

  private async readRobots(robotsUrl: string): Promise<Robots | FetchError | undefined> {
    try {
      const result = await this.retrying(robotsUrl, 'text', {});
      return 'body' in result ? robotsParser(robotsUrl, result.body) : undefined;
    } catch (error) {
      if (error instanceof FetchStopped) throw error;
      const failure = error as FetchError;
      if (/^HTTP 4\d\d/.test(failure.message) && !failure.retryable) return undefined;
      // A site that cannot be reached at all is reported as such; a server error on robots.txt keeps it out.
      if (!failure.message.startsWith('HTTP ')) return failure;
      return new FetchError(robotsUrl, `robots.txt could not be read (${failure.message}), so the site was not fetched`, true);
    }
  }
}
