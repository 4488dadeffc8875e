import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LookupFn } from '../../src/delivery/policy/destination.js';
import { HttpTransport } from '../../src/delivery/transport/http-transport.js';
import type { AttemptRequest } from '../../src/delivery/transport/types.js';
import { type Receiver, startReceiver } from '../support/receiver.js';
import { privateCa, selfSignedCertificate } from '../support/tls.js';

const local = { allowHttp: false, allowAnyPort: true, allowPrivateNetworks: true };
const toLoopback: LookupFn = async () => [{ address: '127.0.0.1', family: 4 }];

function attempt(url: string, insecureSsl: boolean): AttemptRequest {
  return { url, eventType: 'E', body: '{}', secret: 'tok', insecureSsl, timeoutMs: 5_000 };
}

describe('HttpTransport over HTTPS with a self-signed certificate', () => {
  let receiver: Receiver;
  let transport: HttpTransport;

  beforeAll(async () => {
    receiver = await startReceiver({ https: await selfSignedCertificate() });
    transport = new HttpTransport({ policy: local, userAgent: 'ua' });
  });
  afterAll(async () => {
    await transport.close();
    await receiver.close();
  });

  it('refuses the certificate when InsecureSSL is off', async () => {
    const outcome = await transport.send(attempt(`${receiver.url}/hook`, false));
    expect(outcome).toMatchObject({ ok: false, statusCode: null, errorClass: 'tls', retryable: true });
    expect(outcome.errorMessage).toMatch(/self.signed certificate/);
    expect(receiver.requests).toHaveLength(0);
  });

  it('delivers when InsecureSSL is on', async () => {
    const outcome = await transport.send(attempt(`${receiver.url}/hook`, true));
    expect(outcome).toMatchObject({ ok: true, statusCode: 200 });
    const [request] = await receiver.waitFor(1);
    expect(request?.headers['x-benemen-token']).toBe('tok');
  });

  it('never lends an unverified socket to a webhook with checks on, on the same origin', async () => {
    expect((await transport.send(attempt(`${receiver.url}/a`, true))).ok).toBe(true);
    const strict = await transport.send(attempt(`${receiver.url}/b`, false));
    expect(strict.errorClass).toBe('tls');
    expect((await transport.send(attempt(`${receiver.url}/c`, true))).ok).toBe(true);
    expect(receiver.requests.map((r) => r.url)).toEqual(['/hook', '/a', '/c']);
  });
});

describe('HttpTransport certificate identity with a pinned address', () => {
  let receiver: Receiver;
  let caCert: string;

  beforeAll(async () => {
    const ca = await privateCa();
    caCert = ca.caCert;
    receiver = await startReceiver({ https: await ca.issue(['hooks.test']) });
  });
  afterAll(async () => {
    await receiver.close();
  });

  async function withTransport<T>(extraCaCerts: string[], run: (transport: HttpTransport) => Promise<T>) {
    const transport = new HttpTransport({ policy: local, userAgent: 'ua', lookup: toLoopback, extraCaCerts });
    try {
      return await run(transport);
    } finally {
      await transport.close();
    }
  }

  it('verifies against the URL host name and sends it as SNI, while connecting to the pinned IP', async () => {
    const outcome = await withTransport([caCert], (t) =>
      t.send(attempt(`https://hooks.test:${receiver.port}/in`, false)),
    );
    expect(outcome).toMatchObject({ ok: true, statusCode: 200 });
    const request = receiver.requests.at(-1);
    expect(request?.servername).toBe('hooks.test');
    expect(request?.headers.host).toBe(`hooks.test:${receiver.port}`);
  });

  it('rejects a certificate for another name at the same address', async () => {
    const before = receiver.requests.length;
    const outcome = await withTransport([caCert], (t) =>
      t.send(attempt(`https://other.test:${receiver.port}/in`, false)),
    );
    expect(outcome).toMatchObject({ ok: false, errorClass: 'tls' });
    expect(outcome.errorMessage).toMatch(/ERR_TLS_CERT_ALTNAME_INVALID|does not match/);
    expect(receiver.requests).toHaveLength(before);
  });

  it('trusts only the default CA store unless told otherwise', async () => {
    const outcome = await withTransport([], (t) =>
      t.send(attempt(`https://hooks.test:${receiver.port}/in`, false)),
    );
    expect(outcome).toMatchObject({ ok: false, errorClass: 'tls' });
    expect(outcome.errorMessage).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|unable to verify/);
  });
});
