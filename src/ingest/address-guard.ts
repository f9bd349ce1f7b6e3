/**
 * Where the fetcher may connect. A feed is the operator's choice, but the addresses its items link to (and the
 * redirects of any page) are a third party's: an item pointing at `http://169.254.169.254/…` or at a service on
 * the bot's own network would otherwise be fetched, saved as an article, and quoted to anyone who asks. So a
 * connection to a loopback, private, link-local or otherwise reserved address (net.BlockList, IANA's
 * special-purpose registries) is refused, unless its host is one the operator named (a feed of FEEDS, an
 * address given with `--url`): an archive whose feeds are on its own network keeps working. The check is made on
 * the address actually connected to (after DNS, for every redirect and every connection), so a name that
 * resolves to a private address is refused too.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { Agent, buildConnector } from 'undici';

const RESERVED = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) RESERVED.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128], ['::1', 128], ['64:ff9b:1::', 48], ['100::', 64], ['2001:db8::', 32], ['fc00::', 7], ['fe80::', 10],
  ['fec0::', 10], ['ff00::', 8],
] as const) RESERVED.addSubnet(network, prefix, 'ipv6');

/** Whether an IP address is not on the public internet (an IPv4-mapped IPv6 address is judged as its IPv4 one). */
export function reservedAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return RESERVED.check(mapped, 'ipv4');
  const family = isIP(address);
  if (family === 0) return false;
  return RESERVED.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** A connection the guard refused: the page is on an address the operator did not name. */
export class AddressRefused extends Error {
  override name = 'AddressRefused';
  readonly code = 'EADDRESSREFUSED';
  constructor(readonly host: string, readonly address: string) {
    super(`${host === address ? address : `${host} (${address})`} is a private or local network address, which only the hosts of FEEDS or --url may be`);
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

/**
 * An undici dispatcher that refuses reserved addresses except on `trustedHosts` (host names, as URL.hostname
 * spells them). The caller closes it when its run ends.
 */
export function guardedDispatcher(trustedHosts: Iterable<string>): Agent {
  const trusted = new Set(trustedHosts);
  const open = buildConnector({});
  const guarded = buildConnector({ lookup: guardedLookup } as buildConnector.BuildOptions);
  return new Agent({
    connect(options, callback) {
      const host = options.hostname.replace(/^\[(.*)\]$/, '$1');
      if (trusted.has(options.hostname) || trusted.has(host)) return open(options, callback);
      // An address given as such is not looked up: judged here.
      if (reservedAddress(host)) return callback(new AddressRefused(host, host), null);
      return guarded(options, callback);
    },
  });
}

/** The host names the operator named: pages there may be on a private network. */
export function namedHosts(addresses: Iterable<string>): string[] {
  const hosts: string[] = [];
  for (const address of addresses) {
    try {
      hosts.push(new URL(address).hostname);
    } catch {
      // Not an address: the fetch reports it.
    }
  }
  return hosts;
}
