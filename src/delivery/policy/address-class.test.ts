import { describe, expect, it } from 'vitest';
import { classifyAddress } from './address-class.js';

describe('classifyAddress: IPv4', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private (RFC 1918)'],
    ['10.255.255.255', 'private (RFC 1918)'],
    ['172.16.0.1', 'private (RFC 1918)'],
    ['172.31.255.255', 'private (RFC 1918)'],
    ['192.168.1.1', 'private (RFC 1918)'],
    ['169.254.169.254', 'link-local (cloud metadata)'],
    ['169.254.1.1', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT (RFC 6598)'],
    ['100.127.255.255', 'carrier-grade NAT (RFC 6598)'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.255', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.254', 'reserved'],
    ['192.0.0.8', 'reserved (IETF protocol assignments)'],
    ['192.0.2.10', 'reserved (documentation)'],
    ['198.51.100.7', 'reserved (documentation)'],
    ['203.0.113.200', 'reserved (documentation)'],
    ['198.18.0.1', 'reserved (benchmarking)'],
    ['198.19.255.255', 'reserved (benchmarking)'],
  ])('%s is %s', (ip, reason) => {
    expect(classifyAddress(ip)).toBe(reason);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '93.184.216.34',
    '9.255.255.255',
    '11.0.0.0',
    '100.63.255.255',
    '100.128.0.0',
    '126.255.255.255',
    '128.0.0.0',
    '169.253.255.255',
    '169.255.0.0',
    '172.15.255.255',
    '172.32.0.0',
    '192.167.255.255',
    '192.169.0.0',
    '198.17.255.255',
    '198.20.0.0',
    '223.255.255.255',
  ])('%s is public (range boundaries are exact)', (ip) => {
    expect(classifyAddress(ip)).toBeNull();
  });
});

describe('classifyAddress: IPv6', () => {
  it.each([
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456:789a::1', 'unique-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['fec0::1', 'site-local (deprecated)'],
    ['feff::1', 'site-local (deprecated)'],
    ['ff02::1', 'multicast'],
    ['ff0e::101', 'multicast'],
    ['2001:db8::1', 'reserved (documentation)'],
    ['100::1', 'reserved (discard-only)'],
    ['64:ff9b:1::a00:1', 'NAT64 local-use (RFC 8215)'],
  ])('%s is %s', (ip, reason) => {
    expect(classifyAddress(ip)).toBe(reason);
  });

  it.each([
    ['::ffff:127.0.0.1', 'loopback, as IPv4-mapped IPv6'],
    ['::ffff:7f00:1', 'loopback, as IPv4-mapped IPv6'],
    ['0:0:0:0:0:ffff:7f00:0001', 'loopback, as IPv4-mapped IPv6'],
    ['::ffff:10.0.0.1', 'private (RFC 1918), as IPv4-mapped IPv6'],
    ['::ffff:a9fe:a9fe', 'link-local (cloud metadata), as IPv4-mapped IPv6'],
    ['::127.0.0.1', 'loopback, as IPv4-compatible IPv6'],
    ['::c0a8:101', 'private (RFC 1918), as IPv4-compatible IPv6'],
    ['::ffff:0:127.0.0.1', 'loopback, as IPv4-translated IPv6'],
    ['64:ff9b::10.0.0.1', 'private (RFC 1918), as NAT64 IPv6'],
    ['64:ff9b::a9fe:a9fe', 'link-local (cloud metadata), as NAT64 IPv6'],
    ['2002:7f00:1::', 'loopback, as 6to4 IPv6'],
    ['2002:c0a8:101::1', 'private (RFC 1918), as 6to4 IPv6'],
  ])('%s embeds a non-public IPv4 address: %s', (ip, reason) => {
    expect(classifyAddress(ip)).toBe(reason);
  });

  it.each([
    '2606:4700:4700::1111',
    '2a00:1450:4001:80b::200e',
    '::ffff:8.8.8.8',
    '::ffff:808:808',
    '64:ff9b::808:808',
    '2002:808:808::1',
    'fbff:ffff::1',
    'fe00::1',
    '2001:db9::1',
  ])('%s is public', (ip) => {
    expect(classifyAddress(ip)).toBeNull();
  });
});

describe('classifyAddress: input that is not an address', () => {
  it.each(['', 'localhost', '127.0.0.1.nip.io', '[::1]', '256.0.0.1', '1.2.3', ':::1'])(
    'refuses %j instead of guessing',
    (input) => {
      expect(classifyAddress(input)).toBe('not an IP address');
    },
  );
});
