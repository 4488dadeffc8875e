import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, adminCall } from '../../support/admin.js';
import { specEvent } from '../../support/events.js';
import { ORG, organization, startTestGateway, type TestGateway } from '../../support/gateway.js';
import { type Receiver, startReceiver } from '../../support/receiver.js';
import { waitFor } from '../../support/wait.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

async function setUp(endpointOf: (receiver: Receiver) => string, receiver: Receiver) {
  const gateway: TestGateway = await startTestGateway({
    adminTokens: [ADMIN],
    delivery: { RetryScheduleSeconds: [0.2, 0.2], MaxInFlightPerEndpoint: 1 },
    organizations: [
      organization(ORG, [{ endpoint: endpointOf(receiver), webhook: { TimeoutSeconds: 0.5 } }]),
    ],
  });
  open.push({ close: () => gateway.cleanup() });
  const url = gateway.url as string;
  const list = await adminCall(url, 'GET', `/v1/admin/organizations/${ORG}/webhooks`);
  const webhookId = ((list.body.Items as { WebhookId: string }[])[0] as { WebhookId: string }).WebhookId;
  const path = `/v1/admin/organizations/${ORG}/webhooks/${webhookId}`;
  const states = () =>
    gateway
      .rows<{ state: string; n: number }>(
        'SELECT state, count(*) AS n FROM deliveries GROUP BY state ORDER BY state',
      )
      .map((r) => `${r.state} ${r.n}`)
      .join();
  return { gateway, url, path, states };
}

describe('admin changes and deliveries in flight', () => {
  it('a webhook deleted over the API while its attempt hangs: the outcome is recorded, the waiting one cancelled', async () => {
    const hanging = await startReceiver({ hang: true });
    open.push(hanging);
    const { gateway, url, path, states } = await setUp((r) => `${r.url}/a`, hanging);
    await gateway.publisher.publishBatch([specEvent('UserStatus', ORG), specEvent('UserStatus', ORG)]);
    await hanging.waitFor(1);
    const etag = (await adminCall(url, 'GET', path)).headers.get('etag') as string;
    expect((await adminCall(url, 'DELETE', path, { headers: { 'if-match': etag } })).status).toBe(204);
    await waitFor(() => states() === 'cancelled 2', 'both deliveries end as cancelled');
    await waitFor(() => gateway.rows('SELECT * FROM attempts').length === 1, 'the hung attempt recorded');
    expect(gateway.rows<{ error_class: string }>('SELECT error_class FROM attempts')).toEqual([
      { error_class: 'timeout' },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(hanging.requests).toHaveLength(1);
  });

  it('a webhook paused over the API holds its retry, and sends it when enabled again', async () => {
    let calls = 0;
    const flaky = await startReceiver({ status: () => (++calls === 1 ? 500 : 200) });
    open.push(flaky);
    const { gateway, url, path, states } = await setUp((r) => `${r.url}/b`, flaky);
    await gateway.publisher.publish(specEvent('UserStatus', ORG));
    await flaky.waitFor(1);
    const etag = (await adminCall(url, 'GET', path)).headers.get('etag') as string;
    const paused = await adminCall(url, 'PATCH', path, {
      body: { Enabled: false },
      headers: { 'if-match': etag },
    });
    expect(paused.status).toBe(200);
    await waitFor(() => states() === 'paused 1', 'the retry held');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(flaky.requests).toHaveLength(1);
    const resumed = await adminCall(url, 'PATCH', path, {
      body: { Enabled: true },
      headers: { 'if-match': paused.headers.get('etag') as string },
    });
    expect(resumed.status).toBe(200);
    await flaky.waitFor(2);
    await waitFor(() => states() === 'delivered 1', 'delivered once enabled');
  });

  it('tells a delivery claimed and waiting for a place from the one attempted: Queued, Waiting, the gauge, redeliver', async () => {
    const hanging = await startReceiver({ hang: true });
    open.push(hanging);
    const gateway: TestGateway = await startTestGateway({
      adminTokens: [ADMIN],
      metricsToken: 'in-flight-metrics-token',
      delivery: { RetryScheduleSeconds: [0.2], MaxInFlightPerEndpoint: 1 },
      organizations: [organization(ORG, [{ endpoint: `${hanging.url}/q`, webhook: { TimeoutSeconds: 5 } }])],
    });
    open.push({ close: () => gateway.cleanup() });
    const url = gateway.url as string;
    const list = await adminCall(url, 'GET', `/v1/admin/organizations/${ORG}/webhooks`);
    const webhookId = ((list.body.Items as { WebhookId: string }[])[0] as { WebhookId: string }).WebhookId;
    const path = `/v1/admin/organizations/${ORG}/webhooks/${webhookId}`;
    await gateway.publisher.publishBatch(Array.from({ length: 5 }, () => specEvent('UserStatus', ORG)));
    await hanging.waitFor(1);
    // One attempt hangs (the limit is 1); the other four are claimed by the lane and wait for its place.
    const deliveries = (await adminCall(url, 'GET', `${path}/deliveries?State=in_flight`)).body.Items as {
      DeliveryId: number;
      Queued: boolean;
    }[];
    expect(deliveries).toHaveLength(5);
    expect(deliveries.filter((d) => d.Queued)).toHaveLength(4);
    const health = (await adminCall(url, 'GET', `${path}/health`)).body;
    expect([health.InFlight, health.Waiting]).toEqual([1, 4]);
    const metrics = await (
      await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer in-flight-metrics-token' } })
    ).text();
    expect(metrics).toMatch(/gateway_deliveries_waiting\{state="pending"\} 4/);
    // A queued one is sent next already: redeliver answers with it and adds no attempt; the hanging one is
    // an attempt in flight.
    const queued = deliveries.find((d) => d.Queued) as { DeliveryId: number };
    const again = await adminCall(url, 'POST', `/v1/admin/deliveries/${queued.DeliveryId}/redeliver`, {
      body: {},
    });
    expect([again.status, again.body.Queued, again.body.State]).toEqual([202, true, 'in_flight']);
    const attempting = deliveries.find((d) => !d.Queued) as { DeliveryId: number };
    expect(
      (await adminCall(url, 'POST', `/v1/admin/deliveries/${attempting.DeliveryId}/redeliver`, { body: {} }))
        .status,
    ).toBe(409);
    expect(hanging.requests).toHaveLength(1);
  });
});
