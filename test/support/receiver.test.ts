import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { startReceiver } from './receiver.js';

/** A plain node:http POST, so the receiver is tested independently of the transport. */
function post(url: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'text/plain' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('startReceiver', () => {
  it('records each request and answers with the status, headers and body it was given', async () => {
    const receiver = await startReceiver({
      status: 418,
      headers: { 'x-kind': 'teapot' },
      body: 'short and stout',
    });
    try {
      expect(await post(`${receiver.url}/a?b=c`, 'hello')).toEqual({ status: 418, body: 'short and stout' });
      const [recorded] = await receiver.waitFor(1);
      expect(recorded).toMatchObject({ method: 'POST', url: '/a?b=c', body: 'hello', connection: 1 });
      expect(recorded?.headers['content-type']).toBe('text/plain');
    } finally {
      await receiver.close();
    }
  });

  it('decides the status per request when given a function, and follows setStatus', async () => {
    const receiver = await startReceiver({ status: (r) => (r.url === '/fail' ? 500 : 200) });
    try {
      expect((await post(`${receiver.url}/fail`, '')).status).toBe(500);
      expect((await post(`${receiver.url}/ok`, '')).status).toBe(200);
      receiver.setStatus(503);
      expect((await post(`${receiver.url}/ok`, '')).status).toBe(503);
    } finally {
      await receiver.close();
    }
  });

  it('rejects waitFor when too few requests arrive in time', async () => {
    const receiver = await startReceiver();
    try {
      await expect(receiver.waitFor(1, 50)).rejects.toThrow('receiver got 0 of 1 requests within 50 ms');
    } finally {
      await receiver.close();
    }
  });

  it('can hang, and close() still returns, failing the open request', async () => {
    const receiver = await startReceiver();
    receiver.setHang(true);
    const pending = post(`${receiver.url}/`, 'x');
    await receiver.waitFor(1);
    await receiver.close();
    await expect(pending).rejects.toThrow(/socket hang up|ECONNRESET/);
  });
});
