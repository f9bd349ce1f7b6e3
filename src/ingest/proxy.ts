/**
 * Fetching through a forward proxy (FETCH_PROXY), for an archive whose machine reaches the web only through one.
 * Every page, feed and robots.txt goes through the proxy (a CONNECT tunnel, undici's ProxyAgent), except the hosts
 * FETCH_NO_PROXY lists and loopback ones (localhost, 127.0.0.0/8, ::1, as Go's and Python's clients do), which are
 * fetched directly. The proxy resolves the names it is asked for, so the address guard (address-guard.ts) can judge
 * only what is fetched directly, and an address given as such: through the proxy, a private or local address that
 * the operator did not name is refused before the proxy is asked; what a name resolves to is the proxy's to allow.
 */
import { Dispatcher, ProxyAgent } from 'undici';
import type { ProxySettings } from '../config.js';
import { AddressRefused, endpoint, reservedAddress } from './address-guard.js';

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|::1)$/i;

/** Whether a host is fetched directly rather than through the proxy: loopback, or matched by a FETCH_NO_PROXY entry. */
export function bypassesProxy(hostname: string, port: number, noProxy: readonly string[]): boolean {
  const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  if (LOOPBACK.test(host) || /\.localhost$/.test(host)) return true;
  return noProxy.some((raw) => {
    const entry = raw.trim().toLowerCase();
    if (entry === '*') return true;
    const portMatch = /^(.*?):(\d+)$/.exec(entry);
    // An IPv6 address has colons of its own: only a bracketed one ("[::1]:8080") carries a port.
    const [name, entryPort] = portMatch && (!portMatch[1]!.includes(':') || /^\[.*\]$/.test(portMatch[1]!)) ? [portMatch[1]!, Number(portMatch[2])] : [entry, undefined];
    if (entryPort !== undefined && entryPort !== port) return false;
    const bare = name.replace(/^\[(.*)\]$/, '$1');
    if (bare.startsWith('*.') || bare.startsWith('.')) return host.endsWith(bare.replace(/^\*/, ''));
    return host === bare || host.endsWith(`.${bare}`);
  });
}

/**
 * A dispatcher that sends each request through the proxy or directly (by `direct`, the address guard's), as
 * bypassesProxy says; `named` holds the endpoints the operator named (`host:port`, as namedEndpoints gives them).
 */
export class ProxyRouter extends Dispatcher {
  private readonly proxied: ProxyAgent;

  constructor(
    private readonly direct: Dispatcher,
    private readonly settings: ProxySettings,
    private readonly named: ReadonlySet<string>,
  ) {
    super();
    this.proxied = new ProxyAgent({ uri: settings.url });
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandlers): boolean {
    const origin = new URL(String(options.origin));
    const host = origin.hostname.replace(/^\[(.*)\]$/, '$1');
    const port = Number(origin.port) || (origin.protocol === 'https:' ? 443 : 80);
    if (bypassesProxy(host, port, this.settings.noProxy)) return this.direct.dispatch(options, handler);
    if (reservedAddress(host) && !this.named.has(endpoint(origin.hostname, origin.port, origin.protocol))) {
      queueMicrotask(() => handler.onError?.(new AddressRefused(host, host)));
      return true;
    }
    return this.proxied.dispatch(options, handler);
  }

  override close(): Promise<void>;
  override close(callback: () => void): void;
  override close(callback?: () => void): Promise<void> | void {
    const closed = Promise.all([this.direct.close(), this.proxied.close()]).then(() => undefined);
    if (!callback) return closed;
    void closed.then(callback);
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
    void destroyed.then(callback);
  }
}
