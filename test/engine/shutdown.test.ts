import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfigDocument } from '../../src/config/index.js';
import { startGateway } from '../../src/service/gateway.js';
import { specEvent } from '../support/events.js';
import { ORG, organization, tempDir, testDocument } from '../support/gateway.js';
import { startReceiver } from '../support/receiver.js';
import { waitFor } from '../support/wait.js';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('engine shutdown', () => {
  it('abandons an attempt still open after the grace period, leaves it in flight, and the next start delivers it', async () => {
    const receiver = await startReceiver({ hang: true });
    const config = parseConfigDocument(
      testDocument(join(dir, 'gateway.db'), {
        organizations: [
          organization(ORG, [{ endpoint: `${receiver.url}/hook`, webhook: { TimeoutSeconds: 30 } }]),
        ],
      }),
    );
    const first = await startGateway({ config, http: false, shutdownGraceMs: 200 });
    const event = specEvent('UserStatus', ORG);
    await first.publisher.publish(event);
    await receiver.waitFor(1);
    const state = () =>
      first.database.sqlite.prepare('SELECT state, attempt_count FROM deliveries').get() as {
        state: string;
        attempt_count: number;
      };
    expect(state()).toEqual({ state: 'in_flight', attempt_count: 0 });
    await first.stop(); // returns after the 200 ms grace although the request is still open

    receiver.setHang(false);
    const second = await startGateway({ config, http: false });
    try {
      await waitFor(
        () => second.database.sqlite.prepare(`SELECT state FROM deliveries WHERE state = 'delivered'`).get(),
        'delivered after the restart',
      );
      const ids = receiver.requests.map((r) => JSON.parse(r.body).Id);
      expect(ids).toEqual([event.Id, event.Id]);
    } finally {
      await second.stop();
      await receiver.close();
    }
  });
});
