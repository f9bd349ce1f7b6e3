/**
 * Fetching through a forward proxy (FETCH_PROXY), for an archive whose machine reaches the web only through one.
 * Every page, feed and robots.txt goes through the proxy (undici's ProxyAgent: through an http:// proxy, an http://
 * address as a plain proxy request, which proxies allow on port 80 where many refuse CONNECT, an https:// one in a
 * CONNECT tunnel), except the hosts FETCH_NO_PROXY lists and loopback ones (localhost, 127.0.0.0/8, ::1, as Go's and
 * Python's clients do), fetched directly through the address guard. The proxy resolves the names it is asked for, so
 * before it is asked the guard refuses what it can judge here (address-guard.ts `proxiedRefusal`, once per host and
 * run): a private or local address given as such, a name that is no public host, a name this machine resolves to
 * such an address. The endpoints the operator named are never refused. A failure to reach the proxy is marked as
 * such (`proxyUnreachable`), so the fetcher does not blame the site.
 */
import { BlockList, isIP } from 'node:net';
import { Dispatcher, errors, ProxyAgent } from 'undici';
import type { ProxySettings } from '../config.js';
import type { NoProxyEntry } from '../config-values.js';
import { type AddressRefused, bareHost, endpoint, portOf, proxiedRefusal } from './address-guard.js';

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|::1)$/i;

/** A FETCH_NO_PROXY entry as a test of a host and port. */
function matcher(entry: NoProxyEntry): (host: string, port: number) => boolean {
  if ('all' in entry) return () => true;
  const onPort = (port: number) => entry.port === undefined || entry.port === port;
  if ('name' in entry) return (host, port) => onPort(port) && (host === entry.name || host.endsWith(`.${entry.name}`));
  const range = new BlockList();
  range.addSubnet(entry.network, entry.prefix, entry.family);
  return (host, port) => onPort(port) && isIP(host) === (entry.family === 'ipv4' ? 4 : 6) && range.check(host, entry.family);
}

/** Whether a host (as a URL gives it: lower case, punycode) is fetched directly rather than through the proxy: loopback, or as FETCH_NO_PROXY says. */
export function bypassesProxy(hostname: string, port: number, noProxy: readonly NoProxyEntry[]): boolean {
  return bypassTest(noProxy)(hostname, port);
}

/** bypassesProxy for one FETCH_NO_PROXY list, its entries read once (a range's BlockList built once, not per request). */
function bypassTest(noProxy: readonly NoProxyEntry[]): (hostname: string, port: number) => boolean {
  const matchers = noProxy.map(matcher);
  return (hostname, port) => {
    const host = bareHost(hostname).toLowerCase().replace(/\.+$/, '');
    return LOOPBACK.test(host) || host.endsWith('.localhost') || matchers.some((matches) => matches(host, port));
  };
}

/** An error and its causes, the error first (undici's fetch wraps the dispatcher's error in a TypeError, and some in a DOMException). */
function* causes(error: unknown): Generator<{ cause?: unknown; message?: unknown; [PROXY_FAILURE]?: true }> {
  let at = error as { cause?: unknown } | undefined;
  for (let depth = 0; at && typeof at === 'object' && depth < 4; depth++, at = at.cause as typeof at) yield at;
}

/** The status with which the proxy refused a request (undici: "Proxy response (407) !== 200 when HTTP Tunneling", "Proxy Authentication Required (407)"), if it did. */
export function proxyStatus(error: unknown): number | undefined {
  for (const at of causes(error)) {
    const status = /^Proxy (?:response|Authentication Required) \((\d{3})\)/.exec(String(at.message ?? ''))?.[1];
    if (status) return Number(status);
  }
  return undefined;
}

/** Marks a failure to reach the proxy itself (its name, its port, its connection), told apart from the site's by `proxyUnreachable`. */
const PROXY_FAILURE = Symbol('the proxy could not be reached');
const CONNECT_FAILURES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET']);

/** Whether a fetch failed in reaching the proxy (a connection failure on the proxied route, where every socket goes to the proxy). */
export function proxyUnreachable(error: unknown): boolean {
  for (const at of causes(error)) if (at[PROXY_FAILURE]) return true;
  return false;
}

/** The handler, its connection failures marked as the proxy's (every socket of the proxied route is one to the proxy). */
function withProxyFailuresMarked(handler: Dispatcher.DispatchHandlers, onError: (error: Error) => void): Dispatcher.DispatchHandlers {
  const marking = (error: Error) => {
    if (CONNECT_FAILURES.has((error as { code?: string }).code ?? '')) Object.assign(error, { [PROXY_FAILURE]: true });
    onError(error);
  };
  return new Proxy(handler, {
    get: (target, property) => {
      if (property === 'onError') return marking;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * A dispatcher that sends each request through the proxy or directly (by `direct`, the address guard's), as
 * bypassesProxy says; `named` holds the endpoints the operator named (`host:port`, as namedEndpoints gives them).
 */
export class ProxyRouter extends Dispatcher {
  private readonly proxied: ProxyAgent;
  private readonly bypasses: (hostname: string, port: number) => boolean;
  /** Each host's verdict (proxiedRefusal), worked out once for the fetcher's run. */
  private readonly verdicts = new Map<string, Promise<AddressRefused | undefined>>();

  constructor(
    private readonly direct: Dispatcher,
    settings: ProxySettings,
    private readonly named: ReadonlySet<string>,
  ) {
    super();
    this.proxied = new ProxyAgent({ uri: settings.url, proxyTunnel: false });
    this.bypasses = bypassTest(settings.noProxy);
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandlers): boolean {
    const origin = new URL(String(options.origin));
    if (this.bypasses(origin.hostname, portOf(origin.port, origin.protocol))) return this.direct.dispatch(options, handler);
    const onError = handler.onError?.bind(handler);
    if (!onError) throw new errors.InvalidArgumentError('a handler without onError cannot be told a refusal');
    const viaProxy = withProxyFailuresMarked(handler, onError);
    if (this.named.has(endpoint(origin.hostname, origin.port, origin.protocol))) return this.proxied.dispatch(options, viaProxy);
    let verdict = this.verdicts.get(origin.hostname);
    if (!verdict) this.verdicts.set(origin.hostname, (verdict = proxiedRefusal(origin.hostname)));
    verdict
      .then((refused) => {
        if (refused) return onError(refused);
        try {
          this.proxied.dispatch(options, viaProxy);
        } catch (error) {
          onError(error as Error);
        }
      }, onError)
      .catch(() => undefined);
    return true;
  }

  override close(): Promise<void>;
  override close(callback: () => void): void;
  override close(callback?: () => void): Promise<void> | void {
    const closed = Promise.all([this.direct.close(), this.proxied.close()]).then(() => undefined);
    if (!callback) return closed;
    closed.then(callback, callback);
  }

  override destroy(): Promise<void>;
  override destroy(err: Error | null): Promise<void>;
  override destroy(callback: () => void): void;
  override destroy(err: Error | null, callback: () => void): void;
  override destroy(first?: Error | null | (() => void), second?: () => void): Promise<void> | void {
    const err = typeof first === 'function' ? null : (first ?? null);
    const callback = typeof first === 'function' ? first : second;
    const destroyed = Promise.all([this.direct.destroy(err), this.proxied.destroy(err)]).then(() => undefined);
    if (!callback) return destroyed;
    destroyed.then(callback, callback);
  }
}
