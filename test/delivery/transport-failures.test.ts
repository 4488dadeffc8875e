import { once } from 'node:events';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { LookupFn } from '../../src/delivery/policy/destination.js';
import { HttpTransport } from '../../src/delivery/transport/http-transport.js';
import type { AttemptRequest } from '../../src/delivery/transport/types.js';
import { startReceiver } from '../support/receiver.js';

const local = { allowHttp: true, allowAnyPort: true, allowPrivateNetworks: true };
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function transport(lookup?: LookupFn): HttpTransport {
  const created = new HttpTransport({ policy: local, userAgent: 'ua', ...(lookup ? { lookup } : {}) });
  cleanups.push(() => created.close());
  return created;
}

function attempt(url: string, overrides: Partial<AttemptRequest> = {}): AttemptRequest {
  return {
    url,
    eventType: 'E',
    body: '{}',
    secret: 's3cr3t-value',
    insecureSsl: false,
    timeoutMs: 5_000,
    ...overrides,
  };
}

/** A TCP server that answers every connection with the given raw bytes (or nothing). */
async function rawServer(respond: (socket: Socket) => void): Promise<{ port: number }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.once('data', () => respond(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { port: (server.address() as AddressInfo).port };
}

async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('HttpTransport failures', () => {
  it('times out on a receiver that never answers, within the attempt budget', async () => {
    const receiver = await startReceiver({ hang: true });
    cleanups.push(() => receiver.close());
    const outcome = await transport().send(attempt(`${receiver.url}/slow`, { timeoutMs: 300 }));
    expect(outcome).toMatchObject({ ok: false, statusCode: null, errorClass: 'timeout', retryable: true });
    expect(outcome.errorMessage).toBe('timed out after 300 ms waiting for the response');
    expect(receiver.requests).toHaveLength(1);
  });

  it('times out on a body that starts and never ends', async () => {
    const { port } = await rawServer((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"partial":');
    });
    const outcome = await transport().send(attempt(`http://127.0.0.1:${port}/`, { timeoutMs: 300 }));
    expect(outcome).toMatchObject({ ok: false, errorClass: 'timeout' });
    expect(outcome.errorMessage).toMatch(/reading the response body/);
  });

  it('counts a slow DNS answer against the same budget', async () => {
    const neverAnswers: LookupFn = () => new Promise(() => {});
    const outcome = await transport(neverAnswers).send(
      attempt('http://slow-dns.test:8080/', { timeoutMs: 200 }),
    );
    expect(outcome).toMatchObject({ ok: false, errorClass: 'timeout', retryable: true });
    expect(outcome.errorMessage).toMatch(/resolving the host/);
  });

  it('reports a refused connection as connect, naming the address', async () => {
    const port = await closedPort();
    const outcome = await transport().send(attempt(`http://127.0.0.1:${port}/`));
    expect(outcome).toMatchObject({ ok: false, statusCode: null, errorClass: 'connect', retryable: true });
    expect(outcome.errorMessage).toBe(`connect ECONNREFUSED 127.0.0.1:${port}`);
  });

  it('reports a connection closed before any response as connect', async () => {
    const { port } = await rawServer((socket) => socket.destroy());
    const outcome = await transport().send(attempt(`http://127.0.0.1:${port}/`));
    expect(outcome).toMatchObject({ ok: false, errorClass: 'connect', retryable: true });
  });

  it('reports a response that is not HTTP as protocol', async () => {
    const { port } = await rawServer((socket) => socket.end('SMTP ready, not HTTP\r\n\r\n'));
    const outcome = await transport().send(attempt(`http://127.0.0.1:${port}/`));
    expect(outcome).toMatchObject({ ok: false, errorClass: 'protocol', retryable: true });
  });

  it('reports a name that does not resolve as dns, retryable', async () => {
    const missing: LookupFn = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND gone.test'), { code: 'ENOTFOUND' });
    };
    const outcome = await transport(missing).send(attempt('http://gone.test:8080/'));
    expect(outcome).toMatchObject({ ok: false, errorClass: 'dns', retryable: true, statusCode: null });
    expect(outcome.errorMessage).toBe('cannot resolve gone.test (ENOTFOUND)');
  });

  it('refuses to put a secret with control characters on the wire, without echoing it', async () => {
    const receiver = await startReceiver();
    cleanups.push(() => receiver.close());
    const secret = 'abc\r\nX-Injected: yes';
    const outcome = await transport().send(attempt(`${receiver.url}/`, { secret }));
    expect(outcome).toMatchObject({ ok: false, errorClass: 'protocol' });
    expect(outcome.errorMessage).not.toContain('abc');
    expect(receiver.requests).toHaveLength(0);
  });
});

describe('HttpTransport against hostile receivers', () => {
  /** Answers 200 with a chunked body that never ends; resolves `closed` when the gateway drops it. */
  async function endlessBody(status = 200) {
    let written = 0;
    let markClosed: () => void = () => {};
    const closed = new Promise<void>((resolve) => {
      markClosed = resolve;
    });
    const { port } = await rawServer((socket) => {
      socket.write(`HTTP/1.1 ${status} OK\r\ntransfer-encoding: chunked\r\n\r\n`);
      const chunk = `${(64 * 1024).toString(16)}\r\n${'x'.repeat(64 * 1024)}\r\n`;
      const timer = setInterval(() => {
        if (socket.destroyed) return;
        socket.write(chunk);
        written += 64 * 1024;
      }, 1);
      socket.once('close', () => {
        clearInterval(timer);
        markClosed();
      });
    });
    return { port, closed, written: () => written };
  }

  it('reads at most the 4 KiB snippet of an endless 200 body, then drops the connection', async () => {
    const receiver = await endlessBody();
    const outcome = await transport().send(attempt(`http://127.0.0.1:${receiver.port}/`));
    expect(outcome).toMatchObject({ ok: true, statusCode: 200, connectionDropped: true });
    expect(Buffer.byteLength(outcome.responseSnippet ?? '')).toBe(4096);
    await receiver.closed;
    expect(receiver.written()).toBeLessThan(1024 * 1024);
  });

  it('drops a 100 MB error body after its snippet', async () => {
    const { port } = await rawServer((socket) => {
      socket.write('HTTP/1.1 500 Oops\r\ncontent-length: 100000000\r\n\r\n');
      socket.write('e'.repeat(8192));
    });
    const outcome = await transport().send(attempt(`http://127.0.0.1:${port}/`));
    expect(outcome).toMatchObject({ ok: false, statusCode: 500, errorClass: 'http-status' });
    expect(outcome.responseSnippet).toBe('e'.repeat(4096));
  });

  it('classifies 10,000 response headers as protocol and stops reading them', async () => {
    const { port } = await rawServer((socket) => {
      const headers = Array.from({ length: 10_000 }, (_, i) => `x-h${i}: ${'v'.repeat(20)}\r\n`).join('');
      socket.end(`HTTP/1.1 200 OK\r\n${headers}content-length: 0\r\n\r\n`);
    });
    const outcome = await transport().send(attempt(`http://127.0.0.1:${port}/`));
    expect(outcome).toMatchObject({ ok: false, errorClass: 'protocol', retryable: true, statusCode: null });
  });

  it('masks the Secret a receiver echoes back, in the snippet, whole or cut at the 4 KiB limit', async () => {
    const secret = 's3cr3t-value';
    const echo = (body: string) =>
      rawServer((socket) => {
        socket.end(`HTTP/1.1 401 No\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      });
    const whole = await echo(`bad token ${secret}, expected another`);
    const outcome = await transport().send(attempt(`http://127.0.0.1:${whole.port}/`, { secret }));
    expect(outcome.responseSnippet).toBe('bad token ***, expected another');
    const cut = await echo(`${'a'.repeat(4096 - 5)}${secret}${'b'.repeat(100)}`);
    const cutOutcome = await transport().send(attempt(`http://127.0.0.1:${cut.port}/`, { secret }));
    expect(cutOutcome.responseSnippet).toBe(`${'a'.repeat(4096 - 5)}***`);
    expect(cutOutcome.responseSnippet).not.toContain(secret.slice(0, 5));
  });
});
