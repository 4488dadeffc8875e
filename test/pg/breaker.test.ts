import { afterEach, describe, expect, it } from 'vitest';
import type { RunningPgGateway } from '../../src/service/pg-gateway.js';
import { ADMIN, adminCall } from '../support/admin.js';
import { specEvent } from '../support/events.js';
import { ORG, organization, TOKEN, testDocument } from '../support/gateway.js';
import { usePgGateways } from '../support/pg-gateways.js';
import { postgresAvailable } from '../support/postgres.js';
import { type Receiver, startReceiver } from '../support/receiver.js';
import { waitFor } from '../support/wait.js';

/** The circuit breaker of a webhook, as two gateway instances on one PostgreSQL share it. */
describe.skipIf(!postgresAvailable())('the circuit breaker across instances on PostgreSQL', () => {
  let receiver: Receiver;
  // (Registered first, so it runs after the gateways have stopped.)
  afterEach(() => receiver?.close());
  const pg = usePgGateways();

  const publish = (gateway: RunningPgGateway, count: number) =>
    fetch(`${gateway.url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(Array.from({ length: count }, () => specEvent('UserStatus', ORG))),
    }).then((r) => r.status);

  it('holds every instance off a webhook another found failing, until its breaker reopens', async () => {
    receiver = await startReceiver({ status: 500 });
    const url = await pg.server().createDatabase();
    const document = testDocument(url, {
      adminTokens: [ADMIN],
      organizations: [
        organization(ORG, [
          {
            endpoint: `${receiver.url}/down`,
            webhook: { RetryScheduleSeconds: Array.from({ length: 12 }, () => 0.05) },
          },
        ]),
      ],
    });
    const start = () => pg.start(document);
    const first = await start();
    expect(await publish(first, 6)).toBe(202);
    // The first instance's breaker opens, and opens again at each failed probe, backing off longer.
    const opening = await waitFor(
      async () => {
        // Open for 3 s more, and its probe over (the instance holds none of the webhook's deliveries, nor,
        // then, its places): the second instance could take them all.
        const { rows } = await first.database.pool.query<{ until: string; held: number }>(
          `SELECT until, (SELECT count(*)::int FROM deliveries WHERE state = 'in_flight') AS held
             FROM webhook_breakers`,
        );
        const until = Number(rows[0]?.until ?? 0);
        return until - Date.now() > 3_000 && rows[0]?.held === 0 ? until : false;
      },
      'a breaker open for 3 s more, its probe over',
      20_000,
    );
    // A second instance starts and is given events of the same webhook while the breaker is open.
    const second = await start();
    const before = receiver.requests.length;
    expect(await publish(second, 3)).toBe(202);
    const quietUntil = opening - 200;
    // (The window must be long enough to see the second instance attempt, were it not held off.)
    expect(quietUntil - Date.now()).toBeGreaterThan(1_000);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, quietUntil - Date.now())));
    const during = receiver.requests.slice(before).filter((r) => r.receivedAt < quietUntil);
    expect(during).toEqual([]);
    // Support asking the second instance sees the breaker open too.
    const { rows } = await second.database.pool.query<{ webhook_id: string }>(
      'SELECT webhook_id FROM webhooks',
    );
    const hook = rows[0]?.webhook_id;
    const health = await adminCall(
      second.url as string,
      'GET',
      `/v1/admin/organizations/${ORG}/webhooks/${hook}/health`,
    );
    expect(health.body.Breaker).toBe('open');
    // Once it reopens, the webhook is tried again (a probe), by either instance.
    await waitFor(() => receiver.requests.length > before, 'a probe after the breaker reopened', 10_000);
    expect(receiver.requests.at(-1)?.receivedAt ?? 0).toBeGreaterThanOrEqual(opening - 50);
  }, 60_000);
});
