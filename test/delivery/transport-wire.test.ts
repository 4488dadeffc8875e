import { afterEach, describe, expect, it } from 'vitest';
import { HttpTransport } from '../../src/delivery/transport/http-transport.js';
import type { AttemptRequest } from '../../src/delivery/transport/types.js';
import { type Receiver, startReceiver } from '../support/receiver.js';

const local = { allowHttp: true, allowAnyPort: true, allowPrivateNetworks: true };
const body =
  '{"EventType":"QueueCallInUserAllocated","Id":"85b214f2-1d27-4262-87b6-8f55b3199400","Name":"Äänekoski €"}';

let receiver: Receiver | undefined;
let transport: HttpTransport | undefined;

afterEach(async () => {
  await transport?.close();
  await receiver?.close();
  transport = undefined;
  receiver = undefined;
});

function attempt(url: string, overrides: Partial<AttemptRequest> = {}): AttemptRequest {
  return {
    url,
    eventType: 'QueueCallInUserAllocated',
    body,
    secret: 'MySecretString',
    insecureSsl: false,
    timeoutMs: 5_000,
    ...overrides,
  };
}

async function setup(options: Parameters<typeof startReceiver>[0] = {}) {
  receiver = await startReceiver(options);
  transport = new HttpTransport({ policy: local, userAgent: 'enreach-webhook-gateway/test' });
  return { receiver, transport };
}

/** Header names in wire order and casing, without values. */
const names = (rawHeaders: string[]) => rawHeaders.filter((_, i) => i % 2 === 0);

describe('HttpTransport on the wire', () => {
  it('sends the contract headers, the exact body bytes and the configured path and query', async () => {
    const { receiver, transport } = await setup();
    const outcome = await transport.send(attempt(`${receiver.url}/webhook/in?tenant=a%20b&x=1`));
    expect(outcome).toMatchObject({ ok: true, statusCode: 200, errorClass: null, errorMessage: null });

    const [request] = await receiver.waitFor(1);
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/webhook/in?tenant=a%20b&x=1');
    expect(request?.headers['x-benemen-event']).toBe('QueueCallInUserAllocated');
    expect(request?.headers['x-benemen-token']).toBe('MySecretString');
    expect(request?.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(request?.headers['user-agent']).toBe('enreach-webhook-gateway/test');
    expect(request?.headers.host).toBe(`127.0.0.1:${receiver.port}`);
    expect(request?.headers.connection).toBe('keep-alive');
    expect(request?.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    expect(request?.bodyBytes.equals(Buffer.from(body, 'utf8'))).toBe(true);
    expect(names(request?.rawHeaders ?? [])).toEqual(
      expect.arrayContaining(['X-Benemen-Event', 'X-Benemen-Token', 'Content-Type', 'User-Agent']),
    );
  });

  it('leaves X-Benemen-Token out entirely when there is no secret', async () => {
    const { receiver, transport } = await setup();
    await transport.send(attempt(`${receiver.url}/a`, { secret: null }));
    await transport.send(attempt(`${receiver.url}/b`, { secret: '' }));
    const requests = await receiver.waitFor(2);
    for (const request of requests) {
      expect(request.headers).not.toHaveProperty('x-benemen-token');
      expect(request.headers['x-benemen-event']).toBe('QueueCallInUserAllocated');
    }
  });

  it('sends identical bytes when the same delivery is sent twice, string or Buffer body', async () => {
    const { receiver, transport } = await setup();
    await transport.send(attempt(`${receiver.url}/x`));
    await transport.send(attempt(`${receiver.url}/x`, { body: Buffer.from(body, 'utf8') }));
    const [first, second] = await receiver.waitFor(2);
    expect(second?.bodyBytes.equals(first?.bodyBytes ?? Buffer.alloc(0))).toBe(true);
    expect(second?.rawHeaders).toEqual(first?.rawHeaders);
  });

  it('counts only 200 as delivered: 201, 204 and 500 fail and are retryable', async () => {
    const { receiver, transport } = await setup();
    for (const status of [201, 204, 500]) {
      receiver.setStatus(status);
      const outcome = await transport.send(attempt(`${receiver.url}/`));
      expect(outcome).toMatchObject({
        ok: false,
        statusCode: status,
        errorClass: 'http-status',
        retryable: true,
      });
      expect(outcome.errorMessage).toMatch(new RegExp(`^HTTP ${status}`));
    }
  });

  it('does not follow a redirect: the target receives nothing', async () => {
    const target = await startReceiver();
    try {
      const { receiver, transport } = await setup({
        status: 302,
        headers: { location: `${target.url}/elsewhere` },
      });
      const outcome = await transport.send(attempt(`${receiver.url}/hook`));
      expect(outcome).toMatchObject({ ok: false, statusCode: 302, errorClass: 'redirect', retryable: true });
      expect(outcome.errorMessage).toContain('/elsewhere');
      expect(receiver.requests).toHaveLength(1);
      expect(target.requests).toHaveLength(0);
    } finally {
      await target.close();
    }
  });

  it('reports Retry-After of a 429 or 503 in milliseconds, and ignores it on other statuses', async () => {
    const { receiver, transport } = await setup({ status: 429, headers: { 'retry-after': '120' } });
    expect(await transport.send(attempt(`${receiver.url}/`))).toMatchObject({
      errorClass: 'http-status',
      statusCode: 429,
      retryAfterMs: 120_000,
    });
    receiver.setStatus(503);
    expect((await transport.send(attempt(`${receiver.url}/`))).retryAfterMs).toBe(120_000);
    receiver.setStatus(500);
    expect((await transport.send(attempt(`${receiver.url}/`))).retryAfterMs).toBeNull();
  });

  it('keeps at most 4 KiB of a large error body as the snippet', async () => {
    const large = `${'é'.repeat(3000)}${'x'.repeat(20_000)}`;
    const { receiver, transport } = await setup({ status: 500, body: large });
    const outcome = await transport.send(attempt(`${receiver.url}/`));
    expect(outcome.errorClass).toBe('http-status');
    expect(Buffer.byteLength(outcome.responseSnippet ?? '')).toBeLessThanOrEqual(4096);
    expect(outcome.responseSnippet).toBe('é'.repeat(2048));
    // The rest of the body was not read: the socket was dropped, so the next send opens another.
    await transport.send(attempt(`${receiver.url}/`));
    expect(receiver.connections).toBeGreaterThan(1);
  });

  it('keeps a short response body whole and an empty one as null', async () => {
    const { receiver, transport } = await setup({ status: 400, body: '{"error":"bad token"}' });
    expect((await transport.send(attempt(`${receiver.url}/`))).responseSnippet).toBe('{"error":"bad token"}');
    receiver.setStatus(200);
    const empty = await startReceiver();
    try {
      expect((await transport.send(attempt(`${empty.url}/`))).responseSnippet).toBeNull();
    } finally {
      await empty.close();
    }
  });

  it('reuses one keep-alive socket for sequential sends', async () => {
    const { receiver, transport } = await setup();
    for (let i = 0; i < 5; i++) {
      expect((await transport.send(attempt(`${receiver.url}/seq/${i}`))).ok).toBe(true);
    }
    const requests = await receiver.waitFor(5);
    expect(receiver.connections).toBe(1);
    expect(new Set(requests.map((r) => r.connection))).toEqual(new Set([1]));
  });

  it('opens no more sockets per origin than maxConnectionsPerOrigin', async () => {
    receiver = await startReceiver({ delayMs: 50 });
    transport = new HttpTransport({ policy: local, userAgent: 'ua', maxConnectionsPerOrigin: 2 });
    const url = `${receiver.url}/parallel`;
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => transport?.send(attempt(url))));
    expect(outcomes.every((o) => o?.ok)).toBe(true);
    expect(receiver.connections).toBeGreaterThan(1);
  });
});
