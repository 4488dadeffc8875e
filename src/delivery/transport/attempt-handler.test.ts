import { describe, expect, it } from 'vitest';
import { AttemptHandler } from './attempt-handler.js';

const raw = (headers: Record<string, string>): Buffer[] =>
  Object.entries(headers).flatMap(([name, value]) => [Buffer.from(name), Buffer.from(value)]);

describe('AttemptHandler', () => {
  it('resolves with the status and the body snippet, null for an empty body', async () => {
    const handler = new AttemptHandler();
    handler.onConnect(() => {});
    handler.onHeaders(200, raw({ 'Content-Type': 'application/json' }));
    handler.onData(Buffer.from('{"a":'));
    handler.onData(Buffer.from('1}'));
    handler.onComplete();
    expect(await handler.done).toEqual({ statusCode: 200, headers: {}, snippet: '{"a":1}', dropped: false });

    const empty = new AttemptHandler();
    empty.onHeaders(200, []);
    empty.onComplete();
    expect((await empty.done).snippet).toBeNull();
  });

  it('keeps Retry-After and Location (first value, any case) from a response that is not 200', async () => {
    const handler = new AttemptHandler();
    handler.onHeaders(503, raw({ 'RETRY-AFTER': '7', Location: '/elsewhere', 'X-Other': 'x' }));
    handler.onComplete();
    expect((await handler.done).headers).toEqual({ 'retry-after': '7', location: '/elsewhere' });
  });

  it('stops draining past the drain limit: resolves with the snippet and aborts the request', async () => {
    const handler = new AttemptHandler(64 * 1024);
    const aborted: Error[] = [];
    handler.onConnect((reason) => aborted.push(reason as Error));
    handler.onHeaders(200, []);
    for (let i = 0; i < 65; i++) handler.onData(Buffer.alloc(1024, 'z'));
    expect(aborted).toHaveLength(1);
    handler.onError(aborted[0] as Error); // undici reports the abort; the attempt is already settled
    expect(await handler.done).toMatchObject({ statusCode: 200, snippet: 'z'.repeat(4096) });
  });

  it('aborts a cut-off answer with stack traces off, so the error undici builds for it captures none', async () => {
    const handler = new AttemptHandler();
    const undiciErrors: Error[] = [];
    handler.onConnect(() => undiciErrors.push(new Error('aborted'))); // as undici's abort does
    handler.onHeaders(200, []);
    handler.onData(Buffer.alloc(8192, 'z'));
    expect(undiciErrors[0]?.stack).toBe('Error: aborted');
    expect(new Error('after').stack).toContain('\n    at '); // and they are back on at once
    expect((await handler.done).dropped).toBe(true);
  });

  it('rejects with the error that ended the request', async () => {
    const handler = new AttemptHandler();
    handler.onError(new Error('socket hang up'));
    await expect(handler.done).rejects.toThrow('socket hang up');
  });

  it('cancels before and after undici hands over its abort function', () => {
    const early = new AttemptHandler();
    const reasons: unknown[] = [];
    early.cancel(new Error('deadline'));
    early.onConnect((reason) => reasons.push(reason));
    const late = new AttemptHandler();
    late.onConnect((reason) => reasons.push(reason));
    late.cancel(new Error('deadline 2'));
    expect(reasons.map((r) => (r as Error).message)).toEqual(['deadline', 'deadline 2']);
    void early.done.catch(() => {});
    void late.done.catch(() => {});
  });

  it('says when the response has started, so a timeout names the phase', () => {
    const handler = new AttemptHandler();
    expect(handler.responding).toBe(false);
    handler.onHeaders(200, []);
    expect(handler.responding).toBe(true);
  });
});
