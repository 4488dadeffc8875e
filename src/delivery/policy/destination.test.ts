import { describe, expect, it } from 'vitest';
import { type DestinationPolicy, type LookupFn, resolveDestination } from './destination.js';

const strict: DestinationPolicy = { allowHttp: false, allowAnyPort: false, allowPrivateNetworks: false };
const open: DestinationPolicy = { allowHttp: true, allowAnyPort: true, allowPrivateNetworks: true };

/** A resolver that knows a fixed zone and records what it was asked. */
function zone(records: Record<string, string[]>): LookupFn & { asked: string[] } {
  const asked: string[] = [];
  const lookup = async (hostname: string) => {
    asked.push(hostname);
    const addresses = records[hostname];
    if (addresses === undefined) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(lookup, { asked });
}

describe('resolveDestination', () => {
  it('pins the first address of a public name', async () => {
    const lookup = zone({ 'hooks.example.com': ['93.184.216.34', '2606:2800:220:1::1'] });
    const result = await resolveDestination('https://hooks.example.com/in?x=1', strict, lookup);
    expect(result).toEqual({ ok: true, address: '93.184.216.34', family: 4 });
    expect(lookup.asked).toEqual(['hooks.example.com']);
  });

  it('applies the URL rules first (scheme, port) without resolving anything', async () => {
    const lookup = zone({ 'hooks.example.com': ['93.184.216.34'] });
    const http = await resolveDestination('http://hooks.example.com/', strict, lookup);
    const port = await resolveDestination('https://hooks.example.com:8443/', strict, lookup);
    expect(http).toMatchObject({ ok: false, errorClass: 'blocked-by-policy', reason: /https/ });
    expect(port).toMatchObject({ ok: false, errorClass: 'blocked-by-policy', reason: /port 8443/ });
    expect(lookup.asked).toEqual([]);
  });

  it.each([
    ['https://127.0.0.1/', /127\.0\.0\.1 is loopback/],
    ['https://[::1]/', /::1 is loopback/],
    ['https://10.0.0.1/', /private/],
    ['https://169.254.169.254/latest/meta-data', /cloud metadata/],
    ['https://[::ffff:127.0.0.1]/', /loopback, as IPv4-mapped/],
    ['https://2130706433/', /127\.0\.0\.1 is loopback/],
    ['https://0x7f.1/', /127\.0\.0\.1 is loopback/],
  ])('refuses the address literal %s without resolving it', async (url, reason) => {
    const lookup = zone({});
    const result = await resolveDestination(url, strict, lookup);
    expect(result).toMatchObject({ ok: false, errorClass: 'blocked-by-policy', reason });
    expect(lookup.asked).toEqual([]);
  });

  it('accepts a public literal as is, IPv6 without brackets', async () => {
    expect(await resolveDestination('https://8.8.8.8/', strict, zone({}))).toEqual({
      ok: true,
      address: '8.8.8.8',
      family: 4,
    });
    expect(await resolveDestination('https://[2606:4700::1111]/', strict, zone({}))).toEqual({
      ok: true,
      address: '2606:4700::1111',
      family: 6,
    });
  });

  it.each([
    ['127.0.0.1', /loopback/],
    ['169.254.169.254', /cloud metadata/],
    ['10.0.0.1', /private/],
    ['fd00::1', /unique-local/],
  ])('refuses a name that resolves to %s', async (address, reason) => {
    const result = await resolveDestination(
      'https://evil.example/',
      strict,
      zone({ 'evil.example': [address] }),
    );
    expect(result).toMatchObject({ ok: false, errorClass: 'blocked-by-policy', reason });
    expect(result.ok || result.reason).toMatch(/^evil\.example resolves to/);
  });

  it('refuses a name when any one of its addresses is private, wherever it is in the answer', async () => {
    const lookup = zone({ mixed: ['93.184.216.34', '127.0.0.1'], mixed2: ['10.1.2.3', '93.184.216.34'] });
    expect(await resolveDestination('https://mixed/', strict, lookup)).toMatchObject({
      ok: false,
      reason: /127\.0\.0\.1/,
    });
    expect(await resolveDestination('https://mixed2/', strict, lookup)).toMatchObject({
      ok: false,
      reason: /10\.1\.2\.3/,
    });
  });

  it('lets AllowPrivateNetworks through, still pinning the resolved address', async () => {
    const lookup = zone({ 'hooks.test': ['127.0.0.1'] });
    expect(await resolveDestination('http://hooks.test:8080/x', open, lookup)).toEqual({
      ok: true,
      address: '127.0.0.1',
      family: 4,
    });
    expect(await resolveDestination('http://[::1]:8080/', open, lookup)).toEqual({
      ok: true,
      address: '::1',
      family: 6,
    });
  });

  it('reports resolution failures as dns, not as a policy refusal', async () => {
    const missing = await resolveDestination('https://nowhere.example/', strict, zone({}));
    expect(missing).toEqual({
      ok: false,
      errorClass: 'dns',
      reason: 'cannot resolve nowhere.example (ENOTFOUND)',
    });
    const empty = await resolveDestination('https://empty.example/', strict, zone({ 'empty.example': [] }));
    expect(empty).toEqual({ ok: false, errorClass: 'dns', reason: 'empty.example has no addresses' });
    const junk = await resolveDestination('https://junk.example/', open, zone({ 'junk.example': ['nope'] }));
    expect(junk).toMatchObject({ ok: false, errorClass: 'dns' });
  });

  it('resolves localhost through the real resolver and refuses it by default', async () => {
    const result = await resolveDestination('https://localhost/', strict);
    expect(result).toMatchObject({
      ok: false,
      errorClass: 'blocked-by-policy',
      reason: /^localhost resolves to/,
    });
  });
});
