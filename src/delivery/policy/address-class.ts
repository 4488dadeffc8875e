import { isIPv4, isIPv6 } from 'node:net';

/**
 * Why an IP address is not a public unicast destination, or null when it is. This is the SSRF guard's
 * core: a webhook must not be able to make the gateway talk to itself, its LAN or the cloud metadata
 * service. Parsing is done here rather than with net.BlockList so every range carries its own reason
 * and IPv6 forms that embed an IPv4 address are judged by that address.
 */
export function classifyAddress(ip: string): string | null {
  if (isIPv4(ip)) return classifyV4(parseV4(ip));
  const bare = ip.includes('%') ? ip.slice(0, ip.indexOf('%')) : ip;
  if (isIPv6(bare)) return classifyV6(parseV6(bare));
  return 'not an IP address';
}

interface V4Range {
  base: number;
  bits: number;
  reason: string;
}

const v4 = (cidr: string, reason: string): V4Range => {
  const [base = '', bits = '32'] = cidr.split('/');
  return { base: parseV4(base), bits: Number(bits), reason };
};

// Most specific first: 169.254.169.254 must be named before the /16 that contains it.
const V4_RANGES: readonly V4Range[] = [
  v4('169.254.169.254/32', 'link-local (cloud metadata)'),
  v4('255.255.255.255/32', 'broadcast'),
  v4('0.0.0.0/8', 'unspecified'),
  v4('10.0.0.0/8', 'private (RFC 1918)'),
  v4('100.64.0.0/10', 'carrier-grade NAT (RFC 6598)'),
  v4('127.0.0.0/8', 'loopback'),
  v4('169.254.0.0/16', 'link-local'),
  v4('172.16.0.0/12', 'private (RFC 1918)'),
  v4('192.0.0.0/24', 'reserved (IETF protocol assignments)'),
  v4('192.0.2.0/24', 'reserved (documentation)'),
  v4('192.168.0.0/16', 'private (RFC 1918)'),
  v4('198.18.0.0/15', 'reserved (benchmarking)'),
  v4('198.51.100.0/24', 'reserved (documentation)'),
  v4('203.0.113.0/24', 'reserved (documentation)'),
  v4('224.0.0.0/4', 'multicast'),
  v4('240.0.0.0/4', 'reserved'),
];

function inV4Range(address: number, range: V4Range): boolean {
  const shift = 32 - range.bits;
  return address >>> shift === range.base >>> shift;
}

function classifyV4(address: number): string | null {
  for (const range of V4_RANGES) if (inV4Range(address, range)) return range.reason;
  return null;
}

/** A dotted quad already validated by isIPv4, as an unsigned 32-bit number. */
function parseV4(ip: string): number {
  let value = 0;
  for (const part of ip.split('.')) value = value * 256 + Number(part);
  return value >>> 0;
}

/** An address already validated by isIPv6 (zone removed), as its eight 16-bit groups. */
function parseV6(ip: string): number[] {
  const toGroups = (side: string): number[] => {
    if (side === '') return [];
    const groups: number[] = [];
    for (const part of side.split(':')) {
      if (part.includes('.')) {
        const embedded = parseV4(part);
        groups.push(embedded >>> 16, embedded & 0xffff);
      } else {
        groups.push(Number.parseInt(part, 16));
      }
    }
    return groups;
  };
  const gap = ip.indexOf('::');
  if (gap === -1) return toGroups(ip);
  const head = toGroups(ip.slice(0, gap));
  const tail = toGroups(ip.slice(gap + 2));
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}

function embeddedV4(groups: readonly number[], at: number): number {
  return (((groups[at] ?? 0) << 16) | (groups[at + 1] ?? 0)) >>> 0;
}

function judgeEmbedded(form: string, address: number): string | null {
  const reason = classifyV4(address);
  return reason === null ? null : `${reason}, as ${form}`;
}

function classifyV6(g: readonly number[]): string | null {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  const firstFiveZero = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
  if (firstFiveZero && g5 === 0 && g6 === 0) {
    if (g7 === 0) return 'unspecified';
    if (g7 === 1) return 'loopback';
  }
  if (firstFiveZero && g5 === 0xffff) return judgeEmbedded('IPv4-mapped IPv6', embeddedV4(g, 6));
  // ::a.b.c.d (deprecated IPv4-compatible form): some stacks still route it to the IPv4 address.
  if (firstFiveZero && g5 === 0) return judgeEmbedded('IPv4-compatible IPv6', embeddedV4(g, 6));
  // ::ffff:0:a.b.c.d (SIIT translated form).
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0xffff && g5 === 0) {
    return judgeEmbedded('IPv4-translated IPv6', embeddedV4(g, 6));
  }
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) {
    return judgeEmbedded('NAT64 IPv6', embeddedV4(g, 6));
  }
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 1) return 'NAT64 local-use (RFC 8215)';
  // 6to4 carries an IPv4 address in bits 16-47; a relay would forward to it.
  if (g0 === 0x2002) return judgeEmbedded('6to4 IPv6', embeddedV4(g, 1));
  if (g0 === 0x100 && g1 === 0 && g2 === 0 && g3 === 0) return 'reserved (discard-only)';
  if (g0 === 0x2001 && g1 === 0xdb8) return 'reserved (documentation)';
  if ((g0 & 0xfe00) === 0xfc00) return 'unique-local';
  if ((g0 & 0xffc0) === 0xfe80) return 'link-local';
  if ((g0 & 0xffc0) === 0xfec0) return 'site-local (deprecated)';
  if ((g0 & 0xff00) === 0xff00) return 'multicast';
  return null;
}
