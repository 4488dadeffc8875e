import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RemotePublisher } from '../../src/sdk/remote-publisher.js';
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
import { startReceiver } from '../support/receiver.js';
import { waitFor } from '../support/wait.js';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('crash safety', () => {
  it('delivers every acknowledged event after a SIGKILL in the middle of a stream and a restart', async () => {
    // A slow receiver keeps a backlog of accepted-but-undelivered events at the moment of the kill.
    const receiver = await startReceiver({ delayMs: 15 });
    const config = writeConfig(
      dir,
      testDocument(join(dir, 'gateway.db'), {
        organizations: [
          organization(ORG, [{ endpoint: `${receiver.url}/hook`, eventTypes: ['UserCallInArrived'] }]),
        ],
        delivery: { RetryScheduleSeconds: [0.2, 0.2, 0.2, 0.2, 0.2] },
      }),
    );
    const first = await spawnGateway(config);
    const publisher = new RemotePublisher({ baseUrl: first.url, token: TOKEN });
    const acknowledged = new Set<string>();
    const stream = (async () => {
      for (let batch = 0; batch < 200; batch++) {
        const events = Array.from({ length: 10 }, () => specEvent('UserCallInArrived', ORG));
        try {
          await publisher.publishBatch(events);
        } catch {
          return; // the gateway is gone: whatever was not acknowledged may or may not be recorded
        }
        for (const e of events) acknowledged.add(e.Id);
      }
    })();
    await receiver.waitFor(30, 15_000);
    first.child.kill('SIGKILL');
    await stream;
    await first.exited;
    await publisher.close();
    const receivedBeforeRestart = receiver.requests.length;
    expect(acknowledged.size).toBeGreaterThan(receivedBeforeRestart);

    const second = await spawnGateway(config);
    try {
      const ids = () => new Set(receiver.requests.map((r) => JSON.parse(r.body).Id as string));
      await waitFor(
        () => [...acknowledged].every((id) => ids().has(id)),
        'every acknowledged event delivered',
        30_000,
      );
      expect([...acknowledged].filter((id) => !ids().has(id))).toEqual([]);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
      await receiver.close();
    }
  });
});
