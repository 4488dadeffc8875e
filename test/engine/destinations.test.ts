import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { specEvent } from '../support/events.js';
import { ORG, organization, startTestGateway, type TestGateway } from '../support/gateway.js';
import { type Receiver, startReceiver } from '../support/receiver.js';
import { type KeyAndCert, selfSignedCertificate } from '../support/tls.js';
import { waitFor } from '../support/wait.js';
import { attemptsOf } from './support.js';

let cert: KeyAndCert;
beforeAll(async () => {
  cert = await selfSignedCertificate();
});

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function setUp(webhooks: Parameters<typeof organization>[1], delivery: Record<string, unknown>) {
  const gw: TestGateway = await startTestGateway({ organizations: [organization(ORG, webhooks)], delivery });
  open.push({ close: () => gw.cleanup() });
  return gw;
}

async function receiver(options: Parameters<typeof startReceiver>[0] = {}): Promise<Receiver> {
  const r = await startReceiver(options);
  open.push(r);
  return r;
}

describe('certificate policy', () => {
  it('refuses a self-signed receiver with InsecureSSL false and delivers to it with true', async () => {
    const strict = await receiver({ https: cert });
    const lenient = await receiver({ https: cert });
    const gw = await setUp(
      [
        { endpoint: `${strict.url}/hook`, webhook: { InsecureSSL: false } },
        { endpoint: `${lenient.url}/hook`, webhook: { InsecureSSL: true } },
      ],
      { RetryScheduleSeconds: [] },
    );
    const event = specEvent('UserStatus', ORG);
    await gw.publisher.publish(event);
    await lenient.waitFor(1);
    const rows = await waitFor(() => {
      const r = gw.rows<{ endpoint: string; state: string; last_error_class: string }>(
        `SELECT w.endpoint, d.state, d.last_error_class FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id ORDER BY w.id`,
      );
      return r.every((x) => x.state !== 'pending' && x.state !== 'in_flight') ? r : undefined;
    }, 'both deliveries finished');
    const byEndpoint = new Map(rows.map((r) => [r.endpoint, [r.state, r.last_error_class]]));
    expect(byEndpoint.get(`${strict.url}/hook`)).toEqual(['discarded', 'tls']);
    expect(byEndpoint.get(`${lenient.url}/hook`)).toEqual(['delivered', null]);
    expect(strict.requests).toHaveLength(0);
  });
});

describe('destination policy', () => {
  // Literal loopback addresses are refused by the configuration already (test/config/endpoint-policy.test.ts).
  it('refuses names that resolve to loopback addresses without AllowPrivateNetworks, without retrying', async () => {
    const r = await receiver();
    const port = new URL(r.url).port;
    const gw = await setUp([{ endpoint: `http://localhost:${port}/name` }], {
      AllowPrivateNetworks: false,
      RetryScheduleSeconds: [0.05, 0.05],
    });
    const event = specEvent('UserStatus', ORG);
    await gw.publisher.publish(event);
    const rows = await waitFor(() => {
      const all = gw.rows<{
        state: string;
        attempt_count: number;
        last_error_class: string;
        last_error: string;
      }>('SELECT state, attempt_count, last_error_class, last_error FROM deliveries');
      return all.every((x) => x.state === 'discarded') ? all : undefined;
    }, 'all refused');
    expect(rows).toHaveLength(1);
    for (const row of rows) {
      expect(row.attempt_count).toBe(1);
      expect(row.last_error_class).toBe('blocked-by-policy');
      expect(row.last_error).toMatch(/loopback/);
    }
    expect(r.requests).toHaveLength(0);
    expect(attemptsOf(gw, event.Id).every((a) => a.error_class === 'blocked-by-policy')).toBe(true);
  });
});

describe('isolation', () => {
  let dead: Receiver;
  let healthy: Receiver;
  let gw: TestGateway;
  beforeAll(async () => {
    dead = await startReceiver({ hang: true });
    healthy = await startReceiver();
    gw = await startTestGateway({
      organizations: [
        organization(ORG, [
          { endpoint: `${dead.url}/never-answers`, webhook: { TimeoutSeconds: 30 } },
          { endpoint: `${healthy.url}/healthy` },
        ]),
      ],
      delivery: { MaxInFlightPerEndpoint: 2 },
    });
  });
  afterAll(async () => {
    await gw.stop();
    await dead.close();
    await healthy.close();
  });

  it('delivers everything to a healthy endpoint while another never answers', async () => {
    const events = Array.from({ length: 40 }, () => specEvent('UserStatus', ORG));
    await gw.publisher.publishBatch(events);
    const received = await healthy.waitFor(40, 10_000);
    expect(new Set(received.map((q) => JSON.parse(q.body).Id))).toEqual(new Set(events.map((e) => e.Id)));
    // The dead endpoint holds only its own in-flight limit, and none of its 30 s timeouts has run out:
    // the healthy endpoint never waited for them.
    expect(dead.requests.length).toBeLessThanOrEqual(2);
    const deadStates = gw.rows<{ state: string; n: number }>(
      `SELECT d.state, count(*) AS n FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id
        WHERE w.endpoint LIKE '%never-answers' GROUP BY d.state`,
    );
    expect(deadStates.find((s) => s.state === 'delivered')).toBeUndefined();
    expect(deadStates.reduce((n, s) => n + s.n, 0)).toBe(40);
  });
});

describe('isolation on a shared origin', () => {
  it('keeps delivering to a healthy path while another path of the same host and port never answers', async () => {
    // One server, two endpoints: /dead holds every request open, /healthy answers at once.
    const server = createServer((req, res) => {
      req.resume();
      if (req.url === '/healthy') req.on('end', () => res.writeHead(200).end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    let healthy = 0;
    server.on('request', (req) => {
      if (req.url === '/healthy') healthy++;
    });
    const gw = await setUp(
      [{ endpoint: `${base}/dead`, webhook: { TimeoutSeconds: 30 } }, { endpoint: `${base}/healthy` }],
      { MaxInFlightPerEndpoint: 2 },
    );
    open.push({ close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
    await gw.publisher.publishBatch(Array.from({ length: 20 }, () => specEvent('UserStatus', ORG)));
    await waitFor(() => healthy >= 20, 'all 20 delivered to the healthy path', 10_000);
    server.closeAllConnections();
  });
});
