import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigDocument } from '../../src/config/index.js';
import { specEvent } from '../support/events.js';
import {
  ORG,
  organization,
  startTestGateway,
  type TestGateway,
  TOKEN,
  testDocument,
} from '../support/gateway.js';
import { type Receiver, startReceiver } from '../support/receiver.js';
import { waitFor } from '../support/wait.js';

const METRICS_TOKEN = 'metrics-token-0123456789';
let ok: Receiver;
let failing: Receiver;
let gw: TestGateway;
const organizations = () => [
  organization(ORG, [
    { endpoint: `${ok.url}/ok`, eventTypes: ['UserStatus', 'QueueStatus'] },
    {
      endpoint: `${failing.url}/failing`,
      eventTypes: ['QueueStatus'],
      webhook: { RetryScheduleSeconds: [0.05] },
    },
    { endpoint: `${ok.url}/paused`, eventTypes: ['UserStatus'], webhook: { Enabled: false } },
  ]),
];

beforeAll(async () => {
  ok = await startReceiver();
  failing = await startReceiver({ status: 503 });
  gw = await startTestGateway({ metricsToken: METRICS_TOKEN, organizations: organizations() });
});
afterAll(async () => {
  await gw.cleanup();
  await ok.close();
  await failing.close();
});

const scrape = async (token: string | null = METRICS_TOKEN) =>
  fetch(`${gw.url}/metrics`, token === null ? {} : { headers: { authorization: `Bearer ${token}` } });

/** Every sample line of the exposition as name{labels} -> value. */
function samples(text: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (\S+)$/.exec(line);
    expect(m, line).not.toBeNull();
    found.set(m?.[1] as string, Number(m?.[2]));
  }
  return found;
}

const publish = (body: unknown) =>
  fetch(`${gw.url}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('GET /metrics', () => {
  it('counts events by type and outcome, attempts, finished deliveries, what waits, and the event loop', async () => {
    const user = specEvent('UserStatus', ORG);
    const queue = specEvent('QueueStatus', ORG);
    expect((await publish([user, queue])).status).toBe(202);
    expect((await publish([user])).status).toBe(202); // a duplicate
    expect(
      (await publish([specEvent('UserStatus', ORG), { ...specEvent('QueueStatus', ORG), Timestamp: 'x' }]))
        .status,
    ).toBe(400);
    await waitFor(async () => {
      const m = samples(await (await scrape()).text());
      return m.get('gateway_deliveries_finished_total{state="discarded"}') === 1 ? m : undefined;
    }, 'the failing delivery discarded');
    const response = await scrape();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const m = samples(await response.text());
    expect(m.get('gateway_events_total{event_type="UserStatus",outcome="accepted"}')).toBe(1);
    expect(m.get('gateway_events_total{event_type="QueueStatus",outcome="accepted"}')).toBe(1);
    expect(m.get('gateway_events_total{event_type="UserStatus",outcome="duplicate"}')).toBe(1);
    expect(m.get('gateway_events_total{event_type="UserStatus",outcome="refused"}')).toBe(1);
    expect(m.get('gateway_events_total{event_type="QueueStatus",outcome="refused"}')).toBe(1);
    expect(m.get('gateway_deliveries_finished_total{state="delivered"}')).toBe(2);
    expect(m.get('gateway_attempts_total{outcome="ok"}')).toBe(2);
    expect(m.get('gateway_attempts_total{outcome="http-status"}')).toBe(2);
    expect(m.get('gateway_attempt_duration_seconds_count')).toBe(4);
    expect(m.get('gateway_attempt_duration_seconds_bucket{le="+Inf"}')).toBe(4);
    expect(m.get('gateway_store_commit_duration_seconds_count')).toBeGreaterThanOrEqual(2);
    expect(m.get('gateway_deliveries_waiting{state="paused"}')).toBe(1);
    expect(m.get('gateway_deliveries_waiting{state="pending"}')).toBe(0);
    expect(m.has('gateway_breakers_open')).toBe(true);
    expect(m.has('nodejs_eventloop_lag_p99_seconds')).toBe(true);
    // Bounded labels: no Id, entity or webhook ever becomes one.
    expect([...m.keys()].some((k) => k.includes(user.Id) || k.includes(user.EntityId))).toBe(false);
  });

  it('asks for Gateway.MetricsToken when set, and follows a reload that removes it', async () => {
    expect((await scrape(null)).status).toBe(401);
    expect((await scrape('wrong-token-0123456789')).status).toBe(401);
    gw.reload(parseConfigDocument(testDocument(gw.dbFile, { organizations: organizations() })));
    expect((await scrape(null)).status).toBe(200);
  });
});
