import { afterEach, describe, expect, it } from 'vitest';
import { specEvent } from '../support/events.js';
import { ORG, organization, startTestGateway, type TestGateway } from '../support/gateway.js';
import { type Receiver, startReceiver } from '../support/receiver.js';
import { waitFor } from '../support/wait.js';
import { attemptsOf, deliveryOf, finished } from './support.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function receiver(options: Parameters<typeof startReceiver>[0] = {}): Promise<Receiver> {
  const r = await startReceiver(options);
  open.push(r);
  return r;
}

async function gatewayFor(
  webhooks: Parameters<typeof organization>[1],
  delivery: Record<string, unknown> = {},
) {
  const gw: TestGateway = await startTestGateway({ organizations: [organization(ORG, webhooks)], delivery });
  open.push({ close: () => gw.cleanup() });
  return gw;
}

describe('the request', () => {
  it('POSTs the exact accepted bytes with the contract headers, the token only with a Secret', async () => {
    const withSecret = await receiver();
    const withoutSecret = await receiver();
    const gw = await gatewayFor([
      { endpoint: `${withSecret.url}/webhook/?tenant=1`, webhook: { Secret: 'MySecretString' } },
      { endpoint: `${withoutSecret.url}/plain` },
    ]);
    const event = { ...specEvent('UserStatus', ORG), Extra: 'kept' };
    await gw.publisher.publish(event);
    const [signed] = await withSecret.waitFor(1);
    const [plain] = await withoutSecret.waitFor(1);
    expect(signed?.method).toBe('POST');
    expect(signed?.url).toBe('/webhook/?tenant=1');
    expect(signed?.headers['x-benemen-event']).toBe('UserStatus');
    expect(signed?.headers['x-benemen-token']).toBe('MySecretString');
    expect(signed?.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(signed?.headers['user-agent']).toMatch(/^enreach-webhook-gateway\/\d+\.\d+\.\d+/);
    expect(signed?.body).toBe(JSON.stringify(event));
    expect(plain?.headers['x-benemen-token']).toBeUndefined();
    expect(plain?.body).toBe(signed?.body);
    await waitFor(() => finished(gw, event.Id), 'delivered');
    expect(deliveryOf(gw, event.Id)?.state).toBe('delivered');
  });
});

describe('retries', () => {
  it.each([
    ['a 201', { status: 201 }, 'http-status'],
    ['a 500', { status: 500, body: 'database down' }, 'http-status'],
    ['a timeout', { hang: true }, 'timeout'],
  ] as const)(
    'retries after %s and discards once the schedule is used up',
    async (_, behaviour, errorClass) => {
      const r = await receiver(behaviour);
      const gw = await gatewayFor(
        [{ endpoint: `${r.url}/hook`, eventTypes: ['UserCallInArrived'], webhook: { TimeoutSeconds: 0.3 } }],
        {
          RetryScheduleSeconds: [0.05, 0.05],
        },
      );
      const event = specEvent('UserCallInArrived', ORG);
      await gw.publisher.publish(event);
      const done = await waitFor(() => finished(gw, event.Id), 'discarded');
      expect(done.state).toBe('discarded');
      expect(r.requests).toHaveLength(3);
      expect(new Set(r.requests.map((q) => q.body))).toEqual(new Set([JSON.stringify(event)]));
      const attempts = attemptsOf(gw, event.Id);
      expect(attempts.map((a) => a.attempt_no)).toEqual([1, 2, 3]);
      expect(attempts.every((a) => a.error_class === errorClass)).toBe(true);
      if ('status' in behaviour) expect(attempts[0]?.status_code).toBe(behaviour.status);
      if ('body' in behaviour) expect(attempts[0]?.response_snippet).toBe('database down');
    },
  );

  it('delivers on a retry once the endpoint answers 200', async () => {
    const r = await receiver({ status: 503 });
    const gw = await gatewayFor([{ endpoint: `${r.url}/hook`, eventTypes: ['UserCallInArrived'] }], {
      RetryScheduleSeconds: [0.05, 0.05, 0.05],
    });
    const event = specEvent('UserCallInArrived', ORG);
    await gw.publisher.publish(event);
    await r.waitFor(1);
    r.setStatus(200);
    expect((await waitFor(() => finished(gw, event.Id), 'delivered')).state).toBe('delivered');
    expect(attemptsOf(gw, event.Id).at(-1)?.status_code).toBe(200);
  });
});

describe('expiry', () => {
  it('does not send an event whose MessageTTLSeconds has passed', async () => {
    const r = await receiver();
    const gw = await gatewayFor([{ endpoint: `${r.url}/hook`, eventTypes: ['UserStatus'] }]);
    const stale = specEvent('UserStatus', ORG, undefined, {
      Timestamp: new Date(Date.now() - 120_000).toISOString(),
    });
    const fresh = specEvent('UserStatus', ORG);
    await gw.publisher.publish(stale);
    await gw.publisher.publish(fresh);
    await r.waitFor(1);
    expect((await waitFor(() => finished(gw, stale.Id), 'expired')).state).toBe('expired');
    expect(r.requests.map((q) => JSON.parse(q.body).Id)).toEqual([fresh.Id]);
    expect(attemptsOf(gw, stale.Id)).toEqual([]);
  });
});
