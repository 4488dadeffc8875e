import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfigDocument } from '../../src/config/index.js';
import { DROPPED_CONNECTION_PACE_MS } from '../../src/delivery/engine/engine.js';
import { createLogger } from '../../src/log/logger.js';
import { specEvent } from '../support/events.js';
import { ORG, organization, startTestGateway, type TestConfig, testDocument } from '../support/gateway.js';
import { startReceiver } from '../support/receiver.js';
import { waitFor } from '../support/wait.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

const ENDLESS = '3b8e3f7c-1d2a-4c5b-9e6f-7a8b9c0d1e2f';
const HEALTHY = '5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f';
const ENTERS = 'endpoint answers with more body than the gateway reads';
const LEAVES = 'endpoint no longer paced for dropped connections';
const CHUNK = Buffer.alloc(64 * 1024, 'x');

/** Writes body chunks for as long as the connection lasts. */
function writeForever(res: ServerResponse): void {
  const next = () => {
    if (res.destroyed) return;
    if (res.write(CHUNK)) setImmediate(next);
    else res.once('drain', next);
  };
  next();
}

/**
 * A node:http receiver that answers 200 with a body that never ends (until told to answer with an empty
 * one), recording which event each request carried and when it arrived.
 */
async function endlessReceiver() {
  const received: { id: string; at: number }[] = [];
  let endless = true;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        id: (JSON.parse(Buffer.concat(chunks).toString()) as { Id: string }).Id,
        at: Date.now(),
      });
      if (!endless) {
        res.writeHead(200, { 'content-length': '0' }).end();
        return;
      }
      res.writeHead(200);
      writeForever(res);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const receiver = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    answerEmpty: () => {
      endless = false;
    },
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
  open.push(receiver);
  return receiver;
}

async function gatewayWithLogs(config: TestConfig) {
  const stream = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line !== '') lines.push(JSON.parse(line));
  });
  const gw = await startTestGateway(config, { logger: createLogger({ level: 'info', destination: stream }) });
  open.push({ close: () => gw.cleanup() });
  const logged = (msg: string) => lines.filter((l) => typeof l.msg === 'string' && l.msg.startsWith(msg));
  return { gw, logged };
}

const METRICS_TOKEN = 'metrics-token-for-the-paced-gauge';

/** The gateway_lanes_paced gauge as /metrics shows it. */
async function pacedGauge(url: string | null): Promise<number | undefined> {
  if (url === null) throw new Error('the test gateway listens on HTTP');
  const text = await (
    await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
  ).text();
  const line = text.split('\n').find((l) => l.startsWith('gateway_lanes_paced '));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
}

const events = (n: number) => Array.from({ length: n }, () => specEvent('UserStatus', ORG));
const ids = (list: readonly { Id: string }[]) => list.map((e) => e.Id.toLowerCase());

describe('an endpoint whose answers make the gateway drop the connection', () => {
  it('is paced in its own lane: every event once, in order, one at a time; its neighbour is not held up', async () => {
    const endless = await endlessReceiver();
    const healthy = await startReceiver();
    open.push(healthy);
    const webhooks = [
      { endpoint: `${endless.url}/hook`, webhook: { WebhookId: ENDLESS } },
      { endpoint: `${healthy.url}/hook`, webhook: { WebhookId: HEALTHY } },
    ];
    const { gw, logged } = await gatewayWithLogs({
      delivery: { MaxInFlightPerEndpoint: 8 },
      metricsToken: METRICS_TOKEN,
      organizations: [organization(ORG, webhooks)],
    });
    // The first answer tells the lane that its endpoint drops connections; until then it sends as any lane.
    await gw.publisher.publish(specEvent('UserStatus', ORG));
    await waitFor(() => gw.engine.pacedLanes() === 1, 'the lane paced');
    await healthy.waitFor(1);
    endless.received.length = 0;
    const burst = events(30);
    await gw.publisher.publishBatch(burst);

    await healthy.waitFor(31);
    const healthyDoneAt = Date.now();
    await waitFor(() => endless.received.length >= 30, 'the endless receiver had every event', 10_000);
    // Its neighbour had the whole burst before the paced lane was a third through it.
    expect(endless.received.filter((r) => r.at <= healthyDoneAt).length).toBeLessThan(10);
    expect(endless.received.map((r) => r.id)).toEqual(ids(burst));
    // One at a time, each waiting its pace after the one before ended (timers may fire up to a
    // millisecond early): in order, and no faster than the pace allows.
    const span = (endless.received[29]?.at ?? 0) - (endless.received[0]?.at ?? 0);
    expect(span).toBeGreaterThanOrEqual(29 * (DROPPED_CONNECTION_PACE_MS - 1));
    await waitFor(
      () =>
        gw.rows<{ n: number }>(`SELECT count(*) AS n FROM deliveries WHERE state = 'delivered'`)[0]?.n === 62,
      'all delivered',
    );
    expect(gw.engine.pacedLanes()).toBe(1);
    expect(await pacedGauge(gw.url)).toBe(1);
    const entered = logged(ENTERS);
    expect(entered).toHaveLength(1);
    expect(entered[0]).toMatchObject({ level: 40, webhookId: ENDLESS, origin: endless.url });
    expect(logged(LEAVES)).toHaveLength(0);

    // Once an answer fits, the lane leaves the pace, and says so once.
    endless.answerEmpty();
    const later = events(5);
    await gw.publisher.publishBatch(later);
    await waitFor(() => endless.received.length >= 35, 'the later events');
    await waitFor(() => logged(LEAVES).length > 0, 'the lane left the pace');
    expect(logged(LEAVES)).toEqual([
      expect.objectContaining({ webhookId: ENDLESS, origin: endless.url, reason: 'an answer fitted' }),
    ]);
    expect(logged(ENTERS)).toHaveLength(1);
    expect(gw.engine.pacedLanes()).toBe(0);
    expect(await pacedGauge(gw.url)).toBe(0);
    // Each once; no longer one at a time, so not necessarily in order.
    expect(
      endless.received
        .slice(30)
        .map((r) => r.id)
        .sort(),
    ).toEqual(ids(later).sort());
  });

  it('is no longer paced once its Endpoint moves to another receiver', async () => {
    const endless = await endlessReceiver();
    const moved = await startReceiver();
    open.push(moved);
    const config = (endpoint: string): TestConfig => ({
      delivery: { MaxInFlightPerEndpoint: 8 },
      organizations: [organization(ORG, [{ endpoint, webhook: { WebhookId: ENDLESS } }])],
    });
    const { gw, logged } = await gatewayWithLogs(config(`${endless.url}/hook`));
    await gw.publisher.publishBatch(events(3));
    await waitFor(() => gw.engine.pacedLanes() === 1, 'the lane paced');

    gw.reload(parseConfigDocument(testDocument(gw.dbFile, config(`${moved.url}/hook`))));
    expect(gw.engine.pacedLanes()).toBe(0);
    expect(logged(LEAVES)).toEqual([
      expect.objectContaining({ webhookId: ENDLESS, origin: endless.url, reason: 'its Endpoint changed' }),
    ]);
    // The new receiver gets the next events, and answers them in full: the lane stays unpaced.
    await gw.publisher.publishBatch(events(10));
    await moved.waitFor(10);
    await waitFor(
      () =>
        gw.rows<{ n: number }>(`SELECT count(*) AS n FROM deliveries WHERE state = 'delivered'`)[0]?.n === 13,
      'all delivered',
    );
    expect(gw.engine.pacedLanes()).toBe(0);
    expect(logged(ENTERS)).toHaveLength(1);
  });
});
