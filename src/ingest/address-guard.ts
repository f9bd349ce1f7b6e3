/**
 * Where the fetcher may connect. A feed is the operator's choice, but the addresses its items link to (and the
 * redirects of any page) are a third party's: an item pointing at `http://169.254.169.254/…` or at a service on
 * the bot's own network would otherwise be fetched, saved as an article, and quoted to anyone who asks. So a
 * connection to a loopback, private, link-local or otherwise reserved address (net.BlockList, IANA's
 * special-purpose registries) is refused, unless its host and port are ones the operator named (a feed of FEEDS,
 * an address given with `--url`; the web's ports 80 and 443 of a named host too): an archive whose feeds are on its
 * own network keeps working, and the other services of that host (a database, a container API) stay out of reach.
 * An IPv6 address that carries an IPv4 one (mapped, NAT64, 6to4; read with ipaddr.js) is judged as that. The check is made on
 * the address actually connected to (after DNS, for every redirect and every connection), so a name that
 * resolves to a private address is refused too. Through a proxy (proxy.ts), which resolves the names itself, the
 * check is made before the proxy is asked, on what this machine can tell (`proxiedRefusal`).
 */
import { lookup as dnsLookup, promises as dnsPromises, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import ipaddr from 'ipaddr.js';
import { Agent, buildConnector } from 'undici';

const RESERVED = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) RESERVED.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  // ::/96 holds the unspecified address and the deprecated IPv4-compatible ones ("::7f00:1", "::127.0.0.1").
  ['::', 96], ['::1', 128], ['::ffff:0:0:0', 96], ['64:ff9b:1::', 48], ['100::', 64], ['2001:db8::', 32], ['fc00::', 7], ['fe80::', 10],
  ['fec0::', 10], ['ff00::', 8],
] as const) RESERVED.addSubnet(network, prefix, 'ipv6');

/** The IPv4 address an IPv6 one carries: mapped (::ffff:a.b.c.d), NAT64 (64:ff9b::/96) or 6to4 (2002::/16). */
function carriedIpv4(address: string): string | undefined {
  if (!ipaddr.IPv6.isValid(address)) return undefined;
  const ipv6 = ipaddr.IPv6.parse(address);
  if (ipv6.isIPv4MappedAddress()) return ipv6.toIPv4Address().toString();
  const words = ipv6.parts;
  const ipv4 = (high: number, low: number) => `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  if (words[0] === 0x64 && words[1] === 0xff9b && words.slice(2, 6).every((word) => word === 0)) return ipv4(words[6]!, words[7]!);
  if (words[0] === 0x2002) return ipv4(words[1]!, words[2]!);
  return undefined;
}

/** Whether an IP address is not on the public internet (an IPv6 address carrying an IPv4 one is judged as that). */
export function reservedAddress(address: string): boolean {
  const carried = carriedIpv4(address);
  if (carried) return RESERVED.check(carried, 'ipv4');
  const family = isIP(address);
  if (family === 0) return false;
  return RESERVED.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** A connection the guard refused: the page is on an address the operator did not name. */
export class AddressRefused extends Error {
  override name = 'AddressRefused';
  readonly code = 'EADDRESSREFUSED';
  constructor(readonly host: string, readonly address: string) {
    super(`${host === address ? address : `${host} (${address})`} is a private or local network address (allowed only for the hosts and ports named in FEEDS or --url)`);
  }
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** dns.lookup, refusing a name any of whose addresses is reserved. */
function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options }, (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => {
    if (error) return callback(error, address, family);
    const found = Array.isArray(address) ? address : [{ address, family: family ?? 4 }];
    const refused = found.find((entry) => reservedAddress(entry.address));
    if (refused) return callback(new AddressRefused(hostname, refused.address), address, family);
    callback(null, address, family);
  });
}

/** A URL's host name without the brackets of an IPv6 address. */
export const bareHost = (hostname: string) => hostname.replace(/^\[(.*)\]$/, '$1');

/** A URL's port: the one given, or the scheme's. */
export const portOf = (port: string, protocol: string) => Number(port) || (protocol === 'https:' ? 443 : 80);

/** `host:port` as `trusted` keys it: the host without IPv6 brackets, the port given or the scheme's. */
export const endpoint = (hostname: string, port: string, protocol: string) => `${bareHost(hostname)}:${portOf(port, protocol)}`;

/** Names kept for local networks (RFC 6761, 6762 and 8375, and ICANN's .internal): never a host on the public internet. */
const LOCAL_NAME = /(^|\.)(localhost|local|localdomain|internal|home\.arpa)$/;

/** Longest wait for this machine's resolver before a proxied name is left to the proxy (a resolver that drops external queries). */
export const PROXIED_LOOKUP_MS = 1_500;

/**
 * Why a request sent through a proxy to `host` (not a named endpoint) is refused before the proxy is asked, or
 * undefined: a reserved address given as such; a name that is no public internet host (one label, which a proxy may
 * complete with its search domains, an empty label, or a name kept for local networks), or one this machine resolves
 * to a reserved address (within PROXIED_LOOKUP_MS). Trailing dots are dropped first, as proxies drop them. A name
 * this machine cannot resolve is the proxy's to resolve and allow: this check is advisory, the proxy's own rules the
 * real fence.
 */
export async function proxiedRefusal(hostname: string): Promise<AddressRefused | undefined> {
  const host = bareHost(hostname).toLowerCase().replace(/\.+$/, '');
  if (isIP(host)) return reservedAddress(host) ? new AddressRefused(host, host) : undefined;
  if (!host.includes('.') || host.split('.').includes('') || LOCAL_NAME.test(host)) return new AddressRefused(host, host);
  const lookup = dnsPromises.lookup(host, { all: true }).catch(() => []);
  const found = await Promise.race([lookup, delay(PROXIED_LOOKUP_MS, [], { ref: false })]);
  const reserved = found.find((entry) => reservedAddress(entry.address));
  return reserved ? new AddressRefused(host, reserved.address) : undefined;
}

/**
 * An undici dispatcher that refuses reserved addresses except on `trusted` (`host:port`, as namedEndpoints gives
 * them). The caller closes it when its run ends.
 */
export function guardedDispatcher(trusted: Iterable<string>): Agent {
  const named = new Set(trusted);
  const open = buildConnector({});
  const guarded = buildConnector({ lookup: guardedLookup } as buildConnector.BuildOptions);
  return new Agent({
    connect(options, callback) {
      const host = bareHost(options.hostname);
      if (named.has(endpoint(options.hostname, options.port, options.protocol))) return open(options, callback);
      // An address given as such is not looked up: judged here.
      if (reservedAddress(host)) return callback(new AddressRefused(host, host), null);
      return guarded(options, callback);
    },
  });
}

/** The hosts and ports the operator named (each address's own, and the web's 80 and 443 of its host): these may be on a private network. */
export function namedEndpoints(addresses: Iterable<string>): string[] {
  const endpoints: string[] = [];
  for (const address of addresses) {
    try {
      const url = new URL(address);
      endpoints.push(endpoint(url.hostname, url.port, url.protocol), endpoint(url.hostname, '80', 'http:'), endpoint(url.hostname, '443', 'https:'));
    } catch {
      // Not an address: the fetch reports it.
    }
  }
  return endpoints;
}
