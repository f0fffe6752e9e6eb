import ipaddr from 'ipaddr.js';

export type AddressVerdict = 'public' | 'loopback' | 'internal';

/**
 * Classifies an IP address for outbound connections. Only plain unicast is public: private,
 * loopback, link-local (169.254/16, cloud metadata), unique-local, CGNAT, multicast, reserved,
 * documentation and every IPv6 range that embeds an IPv4 address (NAT64, 6to4, Teredo) count as
 * internal, so a name can never be pointed at the inside of the network. IPv4-mapped IPv6
 * (`::ffff:10.0.0.1`) is judged as the IPv4 address it carries.
 */
export function classifyAddress(address: string): AddressVerdict {
  if (!ipaddr.isValid(address)) return 'internal';
  const range = ipaddr.process(address).range();
  if (range === 'loopback') return 'loopback';
  return range === 'unicast' ? 'public' : 'internal';
}

/** True for an IP literal as WHATWG URL parsing leaves it (`[::1]`, `127.0.0.1`; `0x7f.1` is already normalised). */
export function isIpLiteral(hostname: string): boolean {
  if (hostname.startsWith('[') && hostname.endsWith(']')) return true;
  return ipaddr.IPv4.isValidFourPartDecimal(hostname);
}

export function stripBrackets(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}
