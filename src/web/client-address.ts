// The key every per-address limit counts a client under. An IPv4 address is one client; an IPv6
// client is its /64, the smallest network a provider hands a household or a server, so rotating the
// low 64 bits (which anyone with a /64 can do at will) never earns a fresh allowance. An IPv4-mapped
// IPv6 address (::ffff:a.b.c.d, what a dual-stack socket reports) is its IPv4 address.
// express-rate-limit's ipKeyGenerator does the parsing and normalising; its default is /56, which
// would lump a provider's neighbouring customers together, so the prefix is chosen here, once.
// Also read here: the lists of addresses and CIDR blocks the settings name (the bank's callback
// addresses, the proxies to trust).
import { BlockList, isIP } from 'node:net';
import type { Request } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';

const IPV6_PREFIX_LENGTH = 64;

/** "203.0.113.7", or "2001:db8:1:2::/64" for any address of that /64. */
export function clientAddressKey(address: string | undefined): string {
  // req.ip is undefined only once the socket has gone; such requests share one key rather than none.
  if (!address) return 'unknown';
  return ipKeyGenerator(address, IPV6_PREFIX_LENGTH);
}

/** The key of the client that sent `req` (req.ip: the app trusts only its own proxy's X-Forwarded-For). */
export function requestClientKey(req: Request): string {
  return clientAddressKey(req.ip);
}

class AddressListError extends Error {
  override name = 'AddressListError';
}

/** "203.0.113.0/24, 2001:db8::/32, 198.51.100.7" as a BlockList; throws naming the entry it cannot read. */
export function parseAllowList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', prefixText, ...rest] = entry.trim().split('/');
    const family = isIP(address);
    const maxPrefix = family === 6 ? 128 : 32;
    const prefix = prefixText === undefined ? maxPrefix : Number(prefixText);
    if (family === 0 || rest.length > 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > maxPrefix) {
      throw new AddressListError(`"${entry}" is not an address or CIDR block`);
    }
    list.addSubnet(address, prefix, family === 6 ? 'ipv6' : 'ipv4');
  }
  return list;
}
