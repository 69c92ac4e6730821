import { isIPv4, isIPv6 } from 'node:net';

/**
 * The source a sign-in attempt is counted against: an IPv4 address as it is, an IPv6 address by its /64
 * network. One subscriber is usually given a whole /64, so counting single IPv6 addresses would let anyone
 * try from 2^64 fresh sources. IPv4 addresses written as IPv6 (`::ffff:192.0.2.1`) count as IPv4.
 */
export function signInSource(ip: string | null): string {
  if (!ip) return 'unknown';
  const bare = ip.split('%')[0].toLowerCase();
  if (isIPv4(bare)) return bare;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
  if (mapped && isIPv4(mapped[1])) return mapped[1];
  if (!isIPv6(bare)) return bare.slice(0, 64);
  const [head, tail] = bare.split('::');
  const groups = (s: string | undefined) => (s ? s.split(':') : []);
  const left = groups(head);
  const right = groups(tail);
  const all =
    tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${all
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}
