import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DestinationPolicy, LookupFn } from '../../src/delivery/policy/destination.js';
import { HttpTransport } from '../../src/delivery/transport/http-transport.js';
import type { AttemptRequest } from '../../src/delivery/transport/types.js';
import { type Receiver, startReceiver } from '../support/receiver.js';

const strict: DestinationPolicy = { allowHttp: false, allowAnyPort: false, allowPrivateNetworks: false };
const publicOnly: DestinationPolicy = { allowHttp: true, allowAnyPort: true, allowPrivateNetworks: false };
const open: DestinationPolicy = { allowHttp: true, allowAnyPort: true, allowPrivateNetworks: true };

let receiver: Receiver;
const transports: HttpTransport[] = [];

beforeEach(async () => {
  receiver = await startReceiver();
});
afterEach(async () => {
  for (const transport of transports.splice(0)) await transport.close();
  await receiver.close();
});

function transport(policy: DestinationPolicy, lookup?: LookupFn): HttpTransport {
  const created = new HttpTransport({ policy, userAgent: 'ua', ...(lookup ? { lookup } : {}) });
  transports.push(created);
  return created;
}

function attempt(url: string, timeoutMs = 5_000): AttemptRequest {
  return { url, eventType: 'E', body: '{}', secret: null, insecureSsl: false, timeoutMs };
}

function zone(records: Record<string, string[]>): LookupFn & { calls: number } {
  const lookup = Object.assign(
    async (hostname: string) => {
      lookup.calls += 1;
      return (records[hostname] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    },
    { calls: 0 },
  );
  return lookup;
}

const refused = { ok: false, statusCode: null, errorClass: 'blocked-by-policy', retryable: false };

describe('HttpTransport destination policy', () => {
  it('refuses plain http and non-443 ports under the default policy; nothing is sent', async () => {
    const t = transport(strict);
    const http = await t.send(attempt(`${receiver.url}/x`));
    const https = await t.send(attempt(`https://127.0.0.1:${receiver.port}/x`));
    expect(http).toMatchObject(refused);
    expect(http.errorMessage).toMatch(/AllowHttp/);
    expect(https).toMatchObject(refused);
    expect(https.errorMessage).toMatch(/port \d+ is not allowed.*AllowAnyPort/);
    expect(receiver.requests).toHaveLength(0);
  });

  it.each([
    ['127.0.0.1', /loopback/],
    ['[::1]', /loopback/],
    ['10.0.0.1', /private/],
    ['169.254.169.254', /cloud metadata/],
    ['[::ffff:127.0.0.1]', /loopback, as IPv4-mapped/],
    ['[::ffff:7f00:1]', /loopback, as IPv4-mapped/],
    ['2130706433', /loopback/],
  ])('refuses the private literal %s', async (host, reason) => {
    const outcome = await transport(publicOnly).send(attempt(`http://${host}:${receiver.port}/x`));
    expect(outcome).toMatchObject(refused);
    expect(outcome.errorMessage).toMatch(reason);
    expect(receiver.requests).toHaveLength(0);
  });

  it('refuses a host name that resolves to loopback', async () => {
    const lookup = zone({ 'hooks.test': ['127.0.0.1'] });
    const outcome = await transport(publicOnly, lookup).send(attempt(`http://hooks.test:${receiver.port}/x`));
    expect(outcome).toMatchObject(refused);
    expect(outcome.errorMessage).toBe(
      'hooks.test resolves to 127.0.0.1, which is loopback (AllowPrivateNetworks is off)',
    );
    expect(receiver.requests).toHaveLength(0);
  });

  it('refuses a name with one public and one private address', async () => {
    const lookup = zone({ 'mixed.test': ['93.184.216.34', '169.254.169.254'] });
    const outcome = await transport(publicOnly, lookup).send(attempt(`http://mixed.test:${receiver.port}/`));
    expect(outcome).toMatchObject(refused);
    expect(outcome.errorMessage).toMatch(/169\.254\.169\.254.*cloud metadata/);
  });

  it('connects to the address the policy approved, with the name in Host', async () => {
    const lookup = zone({ 'hooks.test': ['127.0.0.1'] });
    const t = transport(open, lookup);
    const outcome = await t.send(attempt(`http://hooks.test:${receiver.port}/x?y=1`));
    expect(outcome).toMatchObject({ ok: true, statusCode: 200 });
    const [request] = await receiver.waitFor(1);
    expect(request?.headers.host).toBe(`hooks.test:${receiver.port}`);
    expect(request?.url).toBe('/x?y=1');
    // The answer is cached: a burst of sends to one endpoint costs one resolution.
    await t.send(attempt(`http://hooks.test:${receiver.port}/x?y=1`));
    expect(lookup.calls).toBe(1);
  });

  it('does not let a rebinding name reach loopback after passing the check with a public address', async () => {
    let calls = 0;
    const rebinding: LookupFn = async () => {
      calls += 1;
      return [{ address: calls === 1 ? '93.184.216.34' : '127.0.0.1', family: 4 }];
    };
    const outcome = await transport(publicOnly, rebinding).send(
      attempt(`http://rebind.test:${receiver.port}/x`, 500),
    );
    expect(outcome.ok).toBe(false);
    expect(['connect', 'timeout']).toContain(outcome.errorClass);
    expect(receiver.requests).toHaveLength(0);
  });
});
