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
    // The receiver holds every request open while events stream in: at the kill, 16 attempts are in
    // flight (they must be attempted again) and the rest of the acknowledged events wait in the store.
    const receiver = await startReceiver({ hang: true });
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
      for (let batch = 0; batch < 500; batch++) {
        const events = Array.from({ length: 10 }, () => specEvent('UserCallInArrived', ORG));
        try {
          await publisher.publishBatch(events);
        } catch {
          return; // the gateway is gone: whatever was not acknowledged may or may not be recorded
        }
        for (const e of events) acknowledged.add(e.Id);
      }
    })();
    await waitFor(
      () => acknowledged.size >= 200 && receiver.requests.length >= 16,
      'a backlog and attempts in flight',
    );
    first.child.kill('SIGKILL');
    await stream;
    await first.exited;
    await publisher.close();
    const inFlightAtKill = new Set(receiver.requests.map((r) => JSON.parse(r.body).Id as string));
    expect(acknowledged.size).toBeGreaterThan(inFlightAtKill.size);
    receiver.setHang(false);

    const second = await spawnGateway(config);
    try {
      const ids = () => new Set(receiver.requests.map((r) => JSON.parse(r.body).Id as string));
      await waitFor(
        () => [...acknowledged].every((id) => ids().has(id)),
        'every acknowledged event delivered',
        30_000,
      );
      expect([...acknowledged].filter((id) => !ids().has(id))).toEqual([]);
      // The attempts cut off by the kill (held open, never answered) were made again after the restart.
      const times = (id: string) => receiver.requests.filter((r) => JSON.parse(r.body).Id === id).length;
      for (const id of inFlightAtKill) expect(times(id)).toBeGreaterThanOrEqual(2);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
      await receiver.close();
    }
  });
});
