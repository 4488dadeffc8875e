import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../test/support/wait.js';
import { createLogger } from '../log/logger.js';
import { coalescing, logChanges } from './configuration.js';

describe('logChanges', () => {
  it('names a webhook by WebhookId and origin, never its path or query', () => {
    const lines: Record<string, unknown>[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const logger = createLogger({ destination });
    const url = 'https://crm.example.com/hook/SECRET-PATH?key=Q1';
    logChanges(logger, [
      { op: 'create', kind: 'organization', organizationId: 'o', key: 'o' },
      {
        op: 'update',
        kind: 'webhook',
        organizationId: 'o',
        key: url,
        webhookId: 'w-1',
        detail: `Endpoint ${url}`,
      },
      {
        op: 'create',
        kind: 'subscription',
        organizationId: 'o',
        key: `${url} UserStatus AllEntities`,
        webhookId: 'w-1',
      },
    ]);
    expect(
      lines.map(({ op, kind, key, webhookId, origin, subscription }) => ({
        op,
        kind,
        key,
        webhookId,
        origin,
        subscription,
      })),
    ).toEqual([
      { op: 'create', kind: 'organization', key: 'o' },
      { op: 'update', kind: 'webhook', webhookId: 'w-1', origin: 'https://crm.example.com' },
      {
        op: 'create',
        kind: 'subscription',
        webhookId: 'w-1',
        origin: 'https://crm.example.com',
        subscription: 'UserStatus AllEntities',
      },
    ]);
    expect(JSON.stringify(lines)).not.toMatch(/SECRET-PATH|key=Q1/);
  });
});

describe('coalescing', () => {
  it('runs one reload for a burst of signals, and one more for signals during it', async () => {
    let runs = 0;
    let trigger: () => void = () => {};
    trigger = coalescing(() => {
      runs++;
      // Signals arriving while a reload runs ask for one more reload, however many they are.
      if (runs === 1) for (let i = 0; i < 10; i++) trigger();
    });
    for (let i = 0; i < 10; i++) trigger();
    await waitFor(() => runs === 2, 'two reloads');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(runs).toBe(2);
    trigger();
    await waitFor(() => runs === 3, 'a later signal reloads again');
  });

  it('keeps going after a reload that throws', async () => {
    let runs = 0;
    const trigger = coalescing(() => {
      runs++;
      throw new Error('bad document');
    });
    trigger();
    await waitFor(() => runs === 1, 'first');
    trigger();
    await waitFor(() => runs === 2, 'second');
  });
});
