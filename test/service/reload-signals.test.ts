import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { specEvent } from '../support/events.js';
import {
  ORG,
  organization,
  spawnGateway,
  TOKEN,
  tempDir,
  testDocument,
  writeConfig,
} from '../support/gateway.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function timedHealth(url: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${url}/healthz`);
  await response.arrayBuffer();
  expect(response.status).toBe(200);
  return performance.now() - started;
}

describe('SIGHUP', () => {
  it('stays responsive through a storm of signals, coalescing reloads, and applies the last document', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const dbFile = join(dir, 'gateway.db');
    const webhooks = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ endpoint: `http://127.0.0.1:9/hook-${i}` }));
    const file = writeConfig(dir, testDocument(dbFile, { organizations: [organization(ORG, webhooks(50))] }));
    const gateway = await spawnGateway(file);
    try {
      const latencies: number[] = [];
      let storming = true;
      const probe = (async () => {
        while (storming) {
          latencies.push(await timedHealth(gateway.url));
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
      })();
      // A signal every 20 ms for 2 s; halfway the document gains a webhook.
      for (let i = 0; i < 100; i++) {
        if (i === 50)
          writeConfig(dir, testDocument(dbFile, { organizations: [organization(ORG, webhooks(51))] }));
        gateway.child.kill('SIGHUP');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      storming = false;
      await probe;
      expect(latencies.length).toBeGreaterThan(20);
      // Reloads run one at a time between requests: a probe never waits behind a queue of them (the
      // bounds leave room for a loaded machine; a gateway that re-ran every signal's reload froze for seconds).
      const sorted = [...latencies].sort((a, b) => a - b);
      expect(sorted[Math.floor(sorted.length * 0.9)]).toBeLessThan(100);
      expect(sorted.at(-1)).toBeLessThan(1000);
      const reloads = gateway.logs.filter((l) => l.msg === 'configuration reloaded').length;
      expect(reloads).toBeGreaterThan(0);

      const event = specEvent('UserStatus', ORG);
      const response = await fetch(`${gateway.url}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(event),
      });
      expect(await response.json()).toMatchObject({ Results: [{ Matched: 51 }] });
    } finally {
      gateway.child.kill('SIGTERM');
      expect(await gateway.exited).toBe(0);
    }
  });
});
