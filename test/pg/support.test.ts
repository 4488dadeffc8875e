import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigDocument } from '../../src/config/index.js';
import { startServing } from '../../src/service/gateway.js';
import type { RunningPgGateway } from '../../src/service/pg-gateway.js';
import { PgListener } from '../../src/store/pg/listener.js';
import { takeJobPg } from '../../src/store/pg/support/jobs.js';
import { ADMIN, adminCall, codeOf, EDITOR, VIEWER } from '../support/admin.js';
import { specEvent } from '../support/events.js';
import {
  ORG,
  OTHER_ORG,
  organization,
  spawnGateway,
  TOKEN,
  tempDir,
  testDocument,
  writeConfig,
} from '../support/gateway.js';
import { postgresAvailable, startPostgres, type TestPostgres } from '../support/postgres.js';
import { type Receiver, startReceiver } from '../support/receiver.js';
import { waitFor } from '../support/wait.js';

const GOOD = '11111111-1111-4111-8111-111111111111';
const FLAKY = '22222222-2222-4222-8222-222222222222';
const OTHER_HOOK = '33333333-3333-4333-8333-333333333333';
const ENTITY = 'e0072f3a-cc7c-42ee-b0ac-34cd7238150a';
const METRICS_TOKEN = 'metrics-token-0123456789';
const SCOPED = {
  Name: 'scoped',
  Token: 'scoped-editor-token-0123',
  Role: 'editor',
  Organizations: [OTHER_ORG],
};

/** Support's API on a gateway whose Database is PostgreSQL: real gateways, real receivers on loopback. */
describe.skipIf(!postgresAvailable())('support on PostgreSQL', () => {
  let server: TestPostgres;
  let good: Receiver;
  let flaky: Receiver;
  const running: RunningPgGateway[] = [];
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(() => server?.stop());
  afterEach(async () => {
    await Promise.all(running.splice(0).map((g) => g.stop()));
    await good?.close();
    await flaky?.close();
  });

  const organizations = () => [
    organization(ORG, [
      {
        endpoint: `${good.url}/good`,
        webhook: { WebhookId: GOOD },
        eventTypes: ['UserStatus', 'QueueStatus'],
      },
      {
        endpoint: `${flaky.url}/flaky`,
        webhook: { WebhookId: FLAKY, RetryScheduleSeconds: [0.05], TimeoutSeconds: 1 },
        eventTypes: ['UserStatus'],
      },
    ]),
    organization(OTHER_ORG, [{ endpoint: `${good.url}/other`, webhook: { WebhookId: OTHER_HOOK } }]),
  ];

  async function start(url: string, delivery: Record<string, unknown> = {}): Promise<RunningPgGateway> {
    const document = testDocument(url, {
      adminTokens: [ADMIN, EDITOR, VIEWER, SCOPED],
      metricsToken: METRICS_TOKEN,
      organizations: organizations(),
      delivery,
    });
    const gateway = (await startServing({ config: parseConfigDocument(document) })) as RunningPgGateway;
    running.push(gateway);
    return gateway;
  }

  async function setUp(delivery: Record<string, unknown> = {}) {
    good = await startReceiver();
    flaky = await startReceiver({ status: 500 });
    const url = await server.createDatabase();
    return { url, gateway: await start(url, delivery) };
  }

  const publish = async (g: RunningPgGateway, events: unknown[]) => {
    const response = await fetch(`${g.url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(events),
    });
    expect(response.status).toBe(202);
  };
  const get = (g: RunningPgGateway, path: string, token: string = VIEWER.Token) =>
    adminCall(g.url as string, 'GET', path, { token });
  const post = (g: RunningPgGateway, path: string, body?: unknown, token: string = EDITOR.Token) =>
    adminCall(g.url as string, 'POST', path, { token, ...(body === undefined ? {} : { body }) });
  const rows = async <T>(g: RunningPgGateway, text: string, values: unknown[] = []) =>
    (await g.database.pool.query(text, values)).rows as T[];
  const stateCount = async (g: RunningPgGateway, webhookId: string, state: string) =>
    (
      await rows<{ n: number }>(
        g,
        `SELECT count(*)::int AS n FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id
          WHERE w.webhook_id = $1 AND d.state = $2`,
        [webhookId, state],
      )
    )[0]?.n ?? 0;
  const deliveryOf = async (g: RunningPgGateway, eventId: string, webhookId: string) =>
    (
      await rows<{ id: number; state: string }>(
        g,
        `SELECT d.id, d.state FROM deliveries d JOIN events e ON e.seq = d.event_seq
           JOIN webhooks w ON w.id = d.webhook_id WHERE e.id = $1 AND w.webhook_id = $2`,
        [eventId, webhookId],
      )
    )[0] as { id: number; state: string };
  /**
   * Once all `n` are delivered to FLAKY, marks them discarded, as a failing endpoint would have left them
   * (its breaker would take minutes to let 2 attempts each through).
   */
  const discardAll = async (g: RunningPgGateway, n: number) => {
    await waitFor(async () => (await stateCount(g, FLAKY, 'delivered')) === n, 'all delivered', 20_000);
    flaky.requests.length = 0;
    await g.database.pool.query(
      `UPDATE deliveries SET state = 'discarded' WHERE webhook_id = (SELECT id FROM webhooks WHERE webhook_id = $1)`,
      [FLAKY],
    );
  };
  /** The job, once done, read through this instance. */
  const jobDone = (g: RunningPgGateway, job: string) =>
    waitFor(
      async () => {
        const j = await get(g, job);
        return j.body.State === 'done' ? j.body : undefined;
      },
      `${job} done`,
      20_000,
    );
  /** Stands for another instance: the webhook row ids its deliveries listener was woken for. */
  const wakeProbe = async (url: string) => {
    const woken: number[] = [];
    const listener = await PgListener.start(url, 'probe', {
      deliveries: (ids) => woken.push(...ids),
      config: () => {},
      reconnected: () => {},
    });
    return { woken, close: () => listener.close() };
  };
  const events = `/v1/admin/events?OrganizationId=${ORG}`;
  const hook = (id: string) => `/v1/admin/organizations/${ORG}/webhooks/${id}`;

  it('lists events with filters and pages, and answers an event with its attempts and the trace', async () => {
    const { gateway } = await setUp();
    const sent = [
      specEvent('UserStatus', ORG, ENTITY),
      specEvent('QueueStatus', ORG),
      specEvent('UserStatus', ORG),
      specEvent('UserStatus', ORG),
    ];
    for (const e of sent) await publish(gateway, [e]);
    await publish(gateway, [specEvent('UserStatus', OTHER_ORG)]);
    await good.waitFor(5);
    await waitFor(
      async () => (await stateCount(gateway, FLAKY, 'discarded')) === 3,
      'the flaky ones discarded',
    );
    const all = await get(gateway, events);
    expect(all.status).toBe(200);
    const newestFirst = [...sent].reverse().map((e) => e.Id);
    expect((all.body.Items as { Id: string }[]).map((e) => e.Id)).toEqual(newestFirst);
    expect(all.body.NextCursor).toBeNull();
    expect((all.body.Items as Record<string, unknown>[])[0]).toMatchObject({
      OrganizationId: ORG,
      EventType: 'UserStatus',
      Matched: 2,
      Deliveries: { delivered: 1, discarded: 1 },
    });
    // Paging: two at a time, stable, ending with a null cursor.
    const first = await get(gateway, `${events}&Limit=2`);
    expect((first.body.Items as { Id: string }[]).map((e) => e.Id)).toEqual(newestFirst.slice(0, 2));
    const second = await get(gateway, `${events}&Limit=2&Cursor=${first.body.NextCursor}`);
    expect((second.body.Items as { Id: string }[]).map((e) => e.Id)).toEqual(newestFirst.slice(2));
    const third = await get(gateway, `${events}&Limit=2&Cursor=${second.body.NextCursor}`);
    expect(second.body.NextCursor === null || (third.body.Items as unknown[]).length === 0).toBe(true);
    const ids = async (query: string) =>
      ((await get(gateway, `${events}&${query}`)).body.Items as { Id: string }[]).map((e) => e.Id);
    expect(await ids('EventType=QueueStatus')).toEqual([sent[1]?.Id]);
    expect(await ids(`EntityId=${ENTITY}`)).toEqual([sent[0]?.Id]);
    expect(await ids(`EntityId=${ENTITY}&EventType=QueueStatus`)).toEqual([]);
    const accepted = await rows<{ id: string; at: number }>(
      gateway,
      'SELECT id, accepted_at AS at FROM events WHERE id = $1',
      [sent[2]?.Id],
    );
    const at = accepted[0]?.at as number;
    const iso = (ms: number) => new Date(ms).toISOString();
    expect(await ids(`From=${iso(at)}&To=${iso(at + 1)}`)).toEqual([sent[2]?.Id]);
    expect(codeOf(await get(gateway, `${events}&Cursor=bm9wZQ`))).toBe('BAD_REQUEST');

    const detail = await get(gateway, `/v1/admin/events/${sent[0]?.Id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.Event).toMatchObject({ Id: sent[0]?.Id, EntityId: ENTITY, Matched: 2 });
    const deliveries = detail.body.Deliveries as {
      WebhookId: string;
      State: string;
      Attempts: { StatusCode: number }[];
    }[];
    expect(deliveries.map((d) => [d.WebhookId, d.State, d.Attempts.map((a) => a.StatusCode)])).toEqual(
      expect.arrayContaining([
        [GOOD, 'delivered', [200]],
        [FLAKY, 'discarded', [500, 500]],
      ]),
    );
    expect((detail.body.Subscriptions as { Matches: boolean }[]).every((s) => s.Matches)).toBe(true);
    expect((detail.body.Text as string[]).join('\n')).toContain('/good');
    expect((await get(gateway, `/v1/admin/events/${randomUUID()}`)).status).toBe(404);
  });

  it('lists a webhook’s deliveries by state, answers one with its attempts, and the webhook’s health', async () => {
    const { gateway } = await setUp();
    const sent = [specEvent('UserStatus', ORG), specEvent('UserStatus', ORG), specEvent('UserStatus', ORG)];
    await publish(gateway, sent);
    await waitFor(
      async () => (await stateCount(gateway, FLAKY, 'discarded')) === 3,
      'the flaky ones discarded',
    );
    await good.waitFor(3);
    const list = await get(gateway, `${hook(FLAKY)}/deliveries?State=discarded&Limit=2`);
    expect(list.status).toBe(200);
    const items = list.body.Items as { DeliveryId: number; State: string; AttemptCount: number }[];
    expect(items).toHaveLength(2);
    expect(items.every((d) => d.State === 'discarded' && d.AttemptCount === 2)).toBe(true);
    const rest = await get(
      gateway,
      `${hook(FLAKY)}/deliveries?State=discarded&Cursor=${list.body.NextCursor}`,
    );
    expect(rest.body.Items as unknown[]).toHaveLength(1);
    expect(rest.body.NextCursor).toBeNull();
    expect((await get(gateway, `${hook(FLAKY)}/deliveries?State=delivered`)).body.Items).toEqual([]);
    const one = await get(gateway, `/v1/admin/deliveries/${items[0]?.DeliveryId}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ WebhookId: FLAKY, OrganizationId: ORG, State: 'discarded' });
    expect((one.body.Attempts as { StatusCode: number }[]).map((a) => a.StatusCode)).toEqual([500, 500]);
    expect((await get(gateway, '/v1/admin/deliveries/999999')).status).toBe(404);

    const healthy = await get(gateway, `${hook(GOOD)}/health`);
    expect(healthy.status).toBe(200);
    expect(healthy.body).toMatchObject({ WebhookId: GOOD, Waiting: 0, Deleted: false });
    expect(healthy.body.LastSuccessAt).not.toBeNull();
    expect(healthy.body.LastHour).toMatchObject({ Attempts: 3, SuccessRate: 1 });
    const failing = await get(gateway, `${hook(FLAKY)}/health`);
    expect(failing.body.LastFailure).toMatchObject({ StatusCode: 500, ErrorClass: 'http-status' });
    expect(failing.body.LastHour).toMatchObject({ Attempts: 6, SuccessRate: 0 });
    expect(failing.body.LastSuccessAt).toBeNull();
  });

  it('redelivers on one instance what another instance sends, and an expired delivery only with Force', async () => {
    const { url, gateway: a } = await setUp();
    const b = await start(url);
    const event = specEvent('UserStatus', ORG);
    await publish(a, [event]);
    await waitFor(async () => (await deliveryOf(a, event.Id, FLAKY)).state === 'discarded', 'discarded');
    const { id } = await deliveryOf(a, event.Id, FLAKY);
    flaky.setStatus(200);
    expect((await post(b, `/v1/admin/deliveries/${id}/redeliver`, {}, VIEWER.Token)).status).toBe(403);
    // The other instances are woken for the webhook (here a listener of its own stands for one).
    const probe = await wakeProbe(url);
    const redelivered = await post(b, `/v1/admin/deliveries/${id}/redeliver`, {});
    expect(redelivered.status).toBe(202);
    const [{ webhook_id: flakyRow }] = (await rows<{ webhook_id: number }>(
      a,
      'SELECT webhook_id FROM deliveries WHERE id = $1',
      [id],
    )) as [{ webhook_id: number }];
    await waitFor(() => probe.woken.includes(flakyRow), 'the other instances woken');
    await probe.close();
    expect(redelivered.body).toMatchObject({ DeliveryId: id, RequeuedFrom: 'discarded' });
    const requests = await flaky.waitFor(3);
    expect(JSON.parse(requests[2]?.body ?? '')).toEqual(event);
    await waitFor(async () => (await deliveryOf(a, event.Id, FLAKY)).state === 'delivered', 'delivered');
    const audit = await rows<{ actor: string; resource: string; after: Record<string, unknown> }>(
      a,
      `SELECT actor, resource, after FROM audit_log WHERE resource = 'delivery'`,
    );
    expect(audit).toEqual([
      {
        actor: EDITOR.Name,
        resource: 'delivery',
        after: { State: 'retrying', Redeliver: true, Force: false },
      },
    ]);

    // One more attempt that fails ends discarded, not in a new retry schedule.
    flaky.setStatus(500);
    expect((await post(a, `/v1/admin/deliveries/${id}/redeliver`, {})).status).toBe(202);
    await waitFor(
      async () => (await deliveryOf(a, event.Id, FLAKY)).state === 'discarded',
      'discarded again',
    );
    expect(flaky.requests).toHaveLength(4);

    // A delivered one whose one more attempt fails (its retry schedule not used up) ends discarded too.
    const goodOne = await deliveryOf(a, event.Id, GOOD);
    expect(goodOne.state).toBe('delivered');
    good.setStatus(500);
    expect((await post(a, `/v1/admin/deliveries/${goodOne.id}/redeliver`, {})).status).toBe(202);
    await waitFor(
      async () => (await deliveryOf(a, event.Id, GOOD)).state === 'discarded',
      'good one discarded',
    );
    expect(good.requests).toHaveLength(2);
    good.setStatus(200);

    // Expired (its event's TTL passed): 409 without Force, attempted past the TTL with it.
    flaky.setStatus(200);
    await a.database.pool.query(`UPDATE deliveries SET state = 'expired' WHERE id = $1`, [id]);
    await a.database.pool.query(
      'UPDATE events SET expires_at = 1 WHERE seq = (SELECT event_seq FROM deliveries WHERE id = $1)',
      [id],
    );
    const refused = await post(a, `/v1/admin/deliveries/${id}/redeliver`, {});
    expect(refused.status).toBe(409);
    expect(codeOf(refused)).toBe('CONFLICT');
    expect((await post(b, `/v1/admin/deliveries/${id}/redeliver`, { Force: true })).status).toBe(202);
    await waitFor(
      async () => (await deliveryOf(a, event.Id, FLAKY)).state === 'delivered',
      'delivered past TTL',
    );
    expect(flaky.requests).toHaveLength(5);
  });

  it('counts a recovery, runs it as a job with progress, and cancels one', async () => {
    const { url, gateway } = await setUp({ MaxInFlightPerEndpoint: 2 });
    const probe = await wakeProbe(url);
    const sent = Array.from({ length: 150 }, () => specEvent('UserStatus', ORG));
    flaky.setStatus(200);
    await publish(gateway, sent);
    await discardAll(gateway, 150);
    const body = {
      Since: new Date(Date.now() - 3_600_000).toISOString(),
      Until: new Date(Date.now() + 60_000).toISOString(),
      States: ['discarded'],
    };
    const dry = await post(gateway, `${hook(FLAKY)}/recover?dryRun=true`, body, VIEWER.Token);
    expect(dry).toMatchObject({ status: 200, body: { Count: 150 } });
    expect(await stateCount(gateway, FLAKY, 'discarded')).toBe(150);

    const before = flaky.requests.length;
    const started = await post(gateway, `${hook(FLAKY)}/recover`, body);
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ State: 'running', Total: 150, WebhookId: FLAKY });
    const job = `/v1/admin/jobs/${started.body.JobId}`;
    expect(started.headers.get('location')).toBe(job);
    expect((await post(gateway, `${hook(FLAKY)}/recover`, body)).status).toBe(409);
    const done = await jobDone(gateway, job);
    expect(done).toMatchObject({ Done: 150, Total: 150 });
    // The webhook's jobs list finds it (its JobId lost).
    const listed = await get(gateway, `${hook(FLAKY)}/jobs`);
    expect((listed.body.Items as { JobId: string }[]).map((j) => j.JobId)).toEqual([started.body.JobId]);
    // Each batch woke the other instances for the webhook.
    const [flakyRow] = await rows<{ id: number }>(gateway, 'SELECT id FROM webhooks WHERE webhook_id = $1', [
      FLAKY,
    ]);
    expect(probe.woken.filter((w) => w === flakyRow?.id).length).toBeGreaterThanOrEqual(2);
    await probe.close();
    await waitFor(async () => (await stateCount(gateway, FLAKY, 'delivered')) === 150, 'all re-sent', 30_000);
    const resent = new Set(
      flaky.requests.slice(before).map((r) => (JSON.parse(r.body) as { Id: string }).Id),
    );
    expect(resent).toEqual(new Set(sent.map((e) => e.Id)));

    // A second job, cancelled while its first batch drains: it re-queues nothing more.
    flaky.setHang(true);
    const sentBefore = flaky.requests.length;
    const again = await post(gateway, `${hook(FLAKY)}/recover`, { ...body, States: ['delivered'] });
    expect(again.status).toBe(202);
    const second = `/v1/admin/jobs/${again.body.JobId}`;
    await waitFor(async () => (await get(gateway, second)).body.Done === 100, 'the first batch');
    // Cancelled through another instance: the one running it stops at its next batch.
    const other = await start(url, { MaxInFlightPerEndpoint: 2 });
    const cancelled = await post(other, `${second}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ State: 'cancelled', Done: 100, Total: 150 });
    flaky.setHang(false);
    // The batch's two hung attempts time out and end discarded (one more attempt each); the rest go out.
    await waitFor(
      async () =>
        (await stateCount(gateway, FLAKY, 'delivered')) + (await stateCount(gateway, FLAKY, 'discarded')) ===
        150,
      'the batch attempted',
      20_000,
    );
    expect(flaky.requests.length - sentBefore).toBe(100);
    expect((await get(gateway, second)).body).toMatchObject({ State: 'cancelled', Done: 100 });
  });

  /** 250 of FLAKY's deliveries discarded, as a failing endpoint would have left them. */
  const discarded250 = async (g: RunningPgGateway) => {
    flaky.setStatus(200);
    await publish(
      g,
      Array.from({ length: 250 }, () => specEvent('UserStatus', ORG)),
    );
    await discardAll(g, 250);
  };

  /**
   * Starts the recovery of FLAKY's discarded deliveries through `baseUrl` and lets its first batch out to a
   * receiver that holds the requests, so the job waits between batches; `b` sees the progress and cannot
   * take the job while its instance runs it. Answers the job's path.
   */
  const firstBatchHeld = async (baseUrl: string, b: RunningPgGateway) => {
    flaky.setHang(true);
    const started = await adminCall(baseUrl, 'POST', `${hook(FLAKY)}/recover`, {
      token: EDITOR.Token,
      body: {
        Since: new Date(Date.now() - 3_600_000).toISOString(),
        Until: new Date(Date.now() + 60_000).toISOString(),
        States: ['discarded'],
      },
    });
    expect(started.status).toBe(202);
    const job = `/v1/admin/jobs/${started.body.JobId}`;
    await waitFor(async () => (await get(b, job)).body.Done === 100, 'the first batch, seen from b');
    // Only the instance holding the job runs it.
    expect(await takeJobPg(b.database.pool, 'probe', started.body.JobId as string)).toBeNull();
    flaky.setHang(false);
    return job;
  };

  /** The job finished through `b`, and every one of the 250 sent again. */
  const finishedBy = async (b: RunningPgGateway, job: string) => {
    expect(await jobDone(b, job)).toMatchObject({ Done: 250, Total: 250 });
    // The attempts held when the first instance went timed out and ended discarded; the rest were delivered.
    await waitFor(
      async () =>
        (await stateCount(b, FLAKY, 'delivered')) + (await stateCount(b, FLAKY, 'discarded')) === 250,
      'all re-sent',
      20_000,
    );
    const resent = new Set(flaky.requests.map((r) => (JSON.parse(r.body) as { Id: string }).Id));
    expect(resent.size).toBe(250);
  };

  it('resumes a job on another instance when the instance running it stops mid-job', async () => {
    const { url, gateway: a } = await setUp({ MaxInFlightPerEndpoint: 2 });
    await discarded250(a);
    const b = await start(url, { MaxInFlightPerEndpoint: 2 });
    const job = await firstBatchHeld(a.url as string, b);
    await a.stop();
    running.splice(running.indexOf(a), 1);
    await finishedBy(b, job);
  });

  it('resumes a job on another instance when the process running it is killed (SIGKILL) mid-job', async () => {
    const { url, gateway: b } = await setUp({ MaxInFlightPerEndpoint: 2 });
    await discarded250(b);
    const document = testDocument(url, {
      adminTokens: [ADMIN, EDITOR, VIEWER, SCOPED],
      organizations: organizations(),
      delivery: { MaxInFlightPerEndpoint: 2 },
    }) as { Gateway: Record<string, unknown> };
    // Short leases, so the deliveries the killed process held are taken over within the test.
    document.Gateway.Postgres = { LeaseSeconds: 2 };
    const victim = await spawnGateway(writeConfig(tempDir(), document));
    try {
      const job = await firstBatchHeld(victim.url, b);
      victim.child.kill('SIGKILL');
      await victim.exited;
      await finishedBy(b, job);
    } finally {
      victim.child.kill('SIGKILL');
    }
  });

  it('sends a test event now, records it as a test attempt, and explains routing without storing', async () => {
    const { gateway } = await setUp();
    const sent = await post(gateway, `${hook(GOOD)}/test`, { EventType: 'QueueStatus' });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ EventType: 'QueueStatus', Ok: true, StatusCode: 200 });
    const [request] = await good.waitFor(1);
    expect(JSON.parse(request?.body ?? '')).toMatchObject({
      Id: sent.body.EventId,
      EventType: 'QueueStatus',
    });
    const failing = await post(gateway, `${hook(FLAKY)}/test`, { EventType: 'UserStatus' });
    expect(failing.body).toMatchObject({ Ok: false, StatusCode: 500, ErrorClass: 'http-status' });
    const tests = await get(gateway, `${hook(GOOD)}/tests`);
    expect(tests.body.Items).toMatchObject([{ EventId: sent.body.EventId, SentBy: EDITOR.Name, Ok: true }]);
    expect(await rows(gateway, 'SELECT event_id FROM test_attempts ORDER BY id')).toEqual([
      { event_id: sent.body.EventId },
      { event_id: failing.body.EventId },
    ]);
    expect(await rows(gateway, 'SELECT id FROM events')).toEqual([]);

    const event = specEvent('UserStatus', ORG);
    const explained = await post(gateway, `/v1/admin/organizations/${ORG}/explain`, event, VIEWER.Token);
    expect(explained.status).toBe(200);
    expect(explained.body).toMatchObject({ Duplicate: false, EventType: 'UserStatus' });
    expect((explained.body.WouldReceive as { WebhookId: string }[]).map((w) => w.WebhookId).sort()).toEqual(
      [GOOD, FLAKY].sort(),
    );
    expect((explained.body.Subscriptions as unknown[]).length).toBe(2);
    expect(await rows(gateway, 'SELECT id FROM events')).toEqual([]);
    await publish(gateway, [event]);
    const duplicate = await post(gateway, `/v1/admin/organizations/${ORG}/explain`, event, VIEWER.Token);
    expect(duplicate.body).toMatchObject({ Duplicate: true, WouldReceive: [] });
    const invalid = await post(gateway, `/v1/admin/organizations/${ORG}/explain`, {
      ...event,
      Timestamp: 'x',
    });
    expect(invalid.status).toBe(400);
    expect(codeOf(invalid)).toBe('INVALID_EVENT');
  });

  it("confines a scoped token to its organization: another's events, deliveries, webhooks and jobs are 404", async () => {
    const { gateway } = await setUp();
    const event = specEvent('UserStatus', ORG);
    await publish(gateway, [event]);
    await waitFor(
      async () => (await deliveryOf(gateway, event.Id, FLAKY)).state === 'discarded',
      'discarded',
    );
    const { id } = await deliveryOf(gateway, event.Id, FLAKY);
    const job = await post(gateway, `${hook(FLAKY)}/recover`, {
      Since: new Date(Date.now() - 60_000).toISOString(),
      Until: new Date(Date.now() + 60_000).toISOString(),
      States: ['discarded'],
    });
    const t = SCOPED.Token;
    for (const path of [
      `/v1/admin/events/${event.Id}`,
      `/v1/admin/deliveries/${id}`,
      `${hook(FLAKY)}/deliveries`,
      `${hook(FLAKY)}/health`,
      `/v1/admin/jobs/${job.body.JobId}`,
    ])
      expect({ path, status: (await get(gateway, path, t)).status }).toEqual({ path, status: 404 });
    expect((await post(gateway, `/v1/admin/deliveries/${id}/redeliver`, {}, t)).status).toBe(404);
    expect((await post(gateway, `${hook(FLAKY)}/test`, { EventType: 'UserStatus' }, t)).status).toBe(404);
    expect((await get(gateway, events, t)).status).toBe(404);
    // Its own organization answers.
    const own = await get(gateway, `/v1/admin/organizations/${OTHER_ORG}/webhooks/${OTHER_HOOK}/health`, t);
    expect(own.status).toBe(200);
  });

  it('serves /metrics behind its token: this instance’s counters and what waits in the shared database', async () => {
    const { gateway } = await setUp();
    await publish(gateway, [specEvent('UserStatus', ORG), specEvent('QueueStatus', ORG)]);
    await waitFor(async () => (await stateCount(gateway, FLAKY, 'discarded')) === 1, 'discarded');
    await good.waitFor(2);
    expect((await fetch(`${gateway.url}/metrics`)).status).toBe(401);
    const scrape = async () => {
      const response = await fetch(`${gateway.url}/metrics`, {
        headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      });
      expect(response.status).toBe(200);
      return response.text();
    };
    const sample = (text: string, name: string) =>
      Number(
        text
          .split('\n')
          .find((l) => l.startsWith(`${name} `))
          ?.split(' ')[1] ?? Number.NaN,
      );
    const text = await waitFor(async () => {
      const t = await scrape();
      return sample(t, 'gateway_deliveries_finished_total{state="delivered"}') === 2 ? t : undefined;
    }, 'the deliveries counted');
    expect(sample(text, 'gateway_events_total{event_type="UserStatus",outcome="accepted"}')).toBe(1);
    expect(sample(text, 'gateway_events_total{event_type="QueueStatus",outcome="accepted"}')).toBe(1);
    expect(sample(text, 'gateway_attempts_total{outcome="http-status"}')).toBe(2);
    expect(sample(text, 'gateway_deliveries_waiting{state="pending"}')).toBe(0);
    // What waits is read from the database at each scrape.
    await gateway.database.pool.query(
      `UPDATE deliveries SET state = 'paused' WHERE webhook_id = (SELECT id FROM webhooks WHERE webhook_id = $1)`,
      [FLAKY],
    );
    expect(sample(await scrape(), 'gateway_deliveries_waiting{state="paused"}')).toBe(1);
  });
});
