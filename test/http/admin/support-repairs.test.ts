import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigDocument } from '../../../src/config/index.js';
import { MAX_BODY_BYTES } from '../../../src/http/routes/events/post.js';
import { startGateway } from '../../../src/service/gateway.js';
import { ADMIN, adminCall, codeOf, EDITOR, VIEWER } from '../../support/admin.js';
import { specEvent } from '../../support/events.js';
import {
  ORG,
  OTHER_ORG,
  organization,
  startTestGateway,
  type TestGateway,
  testDocument,
} from '../../support/gateway.js';
import { type Receiver, startReceiver } from '../../support/receiver.js';
import { waitFor } from '../../support/wait.js';

const FLAKY = '44444444-4444-4444-8444-444444444444';
const PAUSED = '55555555-5555-4555-8555-555555555555';
const TARGETED = '66666666-6666-4666-8666-666666666666';
const OTHER_HOOK = '77777777-7777-4777-8777-777777777777';
const ENTITY = 'e0072f3a-cc7c-42ee-b0ac-34cd7238150a';
const SCOPED = {
  Name: 'scoped',
  Token: 'scoped-editor-token-0123',
  Role: 'editor',
  Organizations: [OTHER_ORG],
};

let flaky: Receiver;
let other: Receiver;
let gw: TestGateway;
let url: string;

const organizations = () => [
  organization(ORG, [
    {
      endpoint: `${flaky.url}/flaky`,
      webhook: { WebhookId: FLAKY, RetryScheduleSeconds: [0.05, 0.05], TimeoutSeconds: 1 },
      eventTypes: ['UserStatus'],
    },
    {
      endpoint: `${other.url}/paused`,
      webhook: { WebhookId: PAUSED, Enabled: false },
      eventTypes: ['UserStatus'],
    },
    {
      endpoint: `${other.url}/targeted`,
      webhook: { WebhookId: TARGETED },
      subscriptions: [{ EventType: 'UserStatus', EntityId: randomUUID() }],
    },
  ]),
  organization(OTHER_ORG, [{ endpoint: `${other.url}/other`, webhook: { WebhookId: OTHER_HOOK } }]),
];
const adminTokens = [ADMIN, EDITOR, VIEWER, SCOPED];

beforeAll(async () => {
  flaky = await startReceiver();
  other = await startReceiver();
  gw = await startTestGateway({ adminTokens, organizations: organizations() });
  url = gw.url as string;
});
afterAll(async () => {
  await gw.cleanup();
  await flaky.close();
  await other.close();
});

const post = (path: string, body?: unknown, token: string = EDITOR.Token) =>
  adminCall(url, 'POST', path, { token, ...(body === undefined ? {} : { body }) });
const get = (path: string, token: string = VIEWER.Token) => adminCall(url, 'GET', path, { token });

/** The FLAKY delivery of an event, once it is in one of `states`. */
async function deliveryOf(eventId: string, ...states: string[]) {
  return waitFor(
    () => {
      const [row] = gw.rows<{ id: number; state: string; attempts: number }>(
        `SELECT d.id, d.state, d.attempt_count AS attempts FROM deliveries d JOIN events e ON e.seq = d.event_seq
        JOIN webhooks w ON w.id = d.webhook_id WHERE e.id = ? AND w.webhook_id = ?`,
        eventId.toLowerCase(),
        FLAKY,
      );
      return row !== undefined && states.includes(row.state) ? row : undefined;
    },
    `delivery of ${eventId} in ${states.join('/')}`,
  );
}
const requestsFor = (receiver: Receiver, eventId: string) =>
  receiver.requests.filter((r) => r.body.includes(eventId));

describe('redeliver', () => {
  it('makes one more attempt of a discarded delivery, with the same body and Id, and it is delivered', async () => {
    flaky.setStatus(500);
    const event = specEvent('UserStatus', ORG, ENTITY);
    await gw.publisher.publish(event);
    const { id } = await deliveryOf(event.Id, 'discarded');
    expect(requestsFor(flaky, event.Id)).toHaveLength(3);
    flaky.setStatus(200);
    const answer = await post(`/v1/admin/deliveries/${id}/redeliver`);
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ DeliveryId: id, RequeuedFrom: 'discarded' });
    expect(['retrying', 'in_flight', 'delivered']).toContain(answer.body.State);
    await deliveryOf(event.Id, 'delivered');
    const sent = requestsFor(flaky, event.Id);
    expect(sent).toHaveLength(4);
    expect(sent[3]?.bodyBytes.equals(sent[0]?.bodyBytes as Buffer)).toBe(true);
    const after = (await get(`/v1/admin/deliveries/${id}`)).body;
    expect(after).toMatchObject({ State: 'delivered', AttemptCount: 4, RequeuedFrom: null });
    expect((after.Attempts as { StatusCode: number }[]).map((a) => a.StatusCode)).toEqual([
      500, 500, 500, 200,
    ]);
    // Who asked for the extra attempt is in the audit log.
    const audit = await get(`/v1/admin/audit?Resource=delivery&OrganizationId=${ORG}`);
    expect(audit.status).toBe(200);
    expect(
      (audit.body.Items as Record<string, unknown>[]).find((e) => e.ResourceId === String(id)),
    ).toMatchObject({
      Actor: EDITOR.Name,
      Resource: 'delivery',
      Action: 'update',
      Before: { State: 'discarded' },
      After: { Redeliver: true, Force: false },
    });
  });

  it('gives a delivery that fails again one attempt, not the rest of its retry schedule', async () => {
    flaky.setStatus(200);
    const event = specEvent('UserStatus', ORG, ENTITY);
    await gw.publisher.publish(event);
    const { id } = await deliveryOf(event.Id, 'delivered');
    flaky.setStatus(503);
    expect((await post(`/v1/admin/deliveries/${id}/redeliver`, {})).status).toBe(202);
    await deliveryOf(event.Id, 'discarded');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(requestsFor(flaky, event.Id)).toHaveLength(2);
    flaky.setStatus(200);
  });

  it('attempts an expired delivery only with "Force": true', async () => {
    const stale = specEvent('UserStatus', ORG, ENTITY, {
      Timestamp: new Date(Date.now() - 120_000).toISOString(),
      MessageTTLSeconds: 60,
    });
    await gw.publisher.publish(stale);
    const { id } = await deliveryOf(stale.Id, 'expired');
    const refused = await post(`/v1/admin/deliveries/${id}/redeliver`, {});
    expect([refused.status, codeOf(refused)]).toEqual([409, 'CONFLICT']);
    expect((refused.body.Error as { Message: string }).Message).toContain('"Force": true');
    expect((await post(`/v1/admin/deliveries/${id}/redeliver`, { Force: true })).status).toBe(202);
    await deliveryOf(stale.Id, 'delivered');
    expect(requestsFor(flaky, stale.Id)).toHaveLength(1);
  });

  it('sends a delivered delivery whose TTL passed since only with "Force": true, never expiring it unsent', async () => {
    flaky.setStatus(200);
    const timestamp = Date.now() - 56_000;
    const event = specEvent('UserStatus', ORG, ENTITY, {
      Timestamp: new Date(timestamp).toISOString(),
      MessageTTLSeconds: 60,
    });
    await gw.publisher.publish(event);
    const { id } = await deliveryOf(event.Id, 'delivered');
    await waitFor(() => Date.now() > timestamp + 60_500, 'the TTL passed');
    const refused = await post(`/v1/admin/deliveries/${id}/redeliver`, {});
    expect([refused.status, (refused.body.Error as { Message: string }).Message]).toEqual([
      409,
      expect.stringContaining('past its MessageTTLSeconds'),
    ]);
    expect((await get(`/v1/admin/deliveries/${id}`)).body.State).toBe('delivered');
    expect((await post(`/v1/admin/deliveries/${id}/redeliver`, { Force: true })).status).toBe(202);
    await waitFor(() => requestsFor(flaky, event.Id).length === 2, 'sent again');
    await deliveryOf(event.Id, 'delivered');
  });

  it('refuses a paused webhook, a viewer, another tenant, bad bodies and unknown deliveries', async () => {
    const event = specEvent('UserStatus', ORG, ENTITY);
    await gw.publisher.publish(event);
    const [paused] = gw.rows<{ id: number }>(
      `SELECT d.id FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id JOIN events e ON e.seq = d.event_seq
        WHERE e.id = ? AND w.webhook_id = ?`,
      event.Id.toLowerCase(),
      PAUSED,
    );
    const held = await post(`/v1/admin/deliveries/${paused?.id}/redeliver`);
    expect([held.status, codeOf(held)]).toEqual([409, 'CONFLICT']);
    expect((held.body.Error as { Message: string }).Message).toContain('paused');
    const { id } = await deliveryOf(event.Id, 'delivered');
    expect((await post(`/v1/admin/deliveries/${id}/redeliver`, {}, VIEWER.Token)).status).toBe(403);
    expect((await post(`/v1/admin/deliveries/${id}/redeliver`, {}, SCOPED.Token)).status).toBe(404);
    expect(
      (await adminCall(url, 'POST', `/v1/admin/deliveries/${id}/redeliver`, { token: null })).status,
    ).toBe(401);
    const badBody = await post(`/v1/admin/deliveries/${id}/redeliver`, { Force: 'yes' });
    expect([
      badBody.status,
      (badBody.body.Error as { Problems: { Path: string }[] }).Problems[0]?.Path,
    ]).toEqual([400, '$.Force']);
    const text = await adminCall(url, 'POST', `/v1/admin/deliveries/${id}/redeliver`, {
      token: EDITOR.Token,
      body: 'Force',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.status).toBe(415);
    expect((await post('/v1/admin/deliveries/987654/redeliver')).status).toBe(404);
  });

  it('refuses a delivery with an attempt in flight, which then goes on to its own outcome', async () => {
    flaky.setHang(true);
    const event = specEvent('UserStatus', ORG, ENTITY);
    await gw.publisher.publish(event);
    await flaky.waitFor(flaky.requests.length + 1);
    const { id } = await deliveryOf(event.Id, 'in_flight');
    const busy = await post(`/v1/admin/deliveries/${id}/redeliver`);
    expect([busy.status, codeOf(busy)]).toEqual([409, 'CONFLICT']);
    expect((busy.body.Error as { Message: string }).Message).toContain('in flight');
    flaky.setHang(false);
    // The hung attempt times out (TimeoutSeconds 1) and its retry is delivered.
    await deliveryOf(event.Id, 'delivered');
  });
});

describe('test send', () => {
  const testPath = (webhook: string) => `/v1/admin/organizations/${ORG}/webhooks/${webhook}/test`;
  const eventRows = () => gw.rows<{ n: number }>('SELECT count(*) AS n FROM events')[0]?.n;

  it("POSTs the spec's example with fresh ids now and answers with the attempt, recording no event", async () => {
    flaky.setStatus(200);
    const events = eventRows();
    const answer = await post(testPath(FLAKY), { EventType: 'QueueCallInArrived' });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      EventType: 'QueueCallInArrived',
      Ok: true,
      StatusCode: 200,
      ErrorClass: null,
    });
    const received = flaky.requests.find((r) => r.body.includes(answer.body.EventId as string));
    expect(received?.headers['x-benemen-event']).toBe('QueueCallInArrived');
    const sent = JSON.parse(received?.body as string) as Record<string, unknown>;
    expect(sent).toMatchObject({
      Id: answer.body.EventId,
      RootEntityId: ORG,
      EventType: 'QueueCallInArrived',
    });
    expect(eventRows()).toBe(events);
    expect(
      gw.rows(
        'SELECT event_type, status_code, sent_by FROM test_attempts WHERE event_id = ?',
        answer.body.EventId,
      ),
    ).toEqual([{ event_type: 'QueueCallInArrived', status_code: 200, sent_by: EDITOR.Name }]);
    const again = await post(testPath(FLAKY), { EventType: 'QueueCallInArrived' });
    expect(again.body.EventId).not.toBe(answer.body.EventId);
    // Readable afterwards, newest first, with who sent each (a viewer may read them).
    const kept = await adminCall(url, 'GET', `${testPath(FLAKY).slice(0, -'/test'.length)}/tests`, {
      token: VIEWER.Token,
    });
    expect(kept.status).toBe(200);
    expect((kept.body.Items as Record<string, unknown>[]).slice(0, 2)).toMatchObject([
      { EventId: again.body.EventId, EventType: 'QueueCallInArrived', Ok: true, SentBy: EDITOR.Name },
      { EventId: answer.body.EventId, StatusCode: 200, SentBy: EDITOR.Name },
    ]);
  });

  it('answers a failed attempt with its status and snippet, and refuses bad requests', async () => {
    flaky.setStatus(503);
    const failed = await post(testPath(FLAKY), { EventType: 'UserStatus' });
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({ Ok: false, StatusCode: 503, ErrorClass: 'http-status' });
    flaky.setStatus(200);
    const unknown = await post(testPath(FLAKY), { EventType: 'QueueCallInConnected' });
    expect([
      unknown.status,
      (unknown.body.Error as { Problems: { Path: string }[] }).Problems[0]?.Path,
    ]).toEqual([400, '$.EventType']);
    expect((unknown.body.Error as { Problems: { Message: string }[] }).Problems[0]?.Message).toBe(
      'Unknown EventType "QueueCallInConnected". Did you mean "QueueCallInUserConnected"?',
    );
    expect((await post(testPath(FLAKY), { EventType: 'UserStatus' }, VIEWER.Token)).status).toBe(403);
    expect((await post(testPath(FLAKY), { EventType: 'UserStatus' }, SCOPED.Token)).status).toBe(404);
    expect((await post(testPath(OTHER_HOOK), { EventType: 'UserStatus' })).status).toBe(404);
    // A paused webhook can be tried before it is enabled again.
    expect((await post(testPath(PAUSED), { EventType: 'UserStatus' })).body).toMatchObject({
      Ok: true,
      StatusCode: 200,
    });
  });
});

describe('explain', () => {
  const explainPath = `/v1/admin/organizations/${ORG}/explain`;

  it('tells which webhooks would receive an event and why every other subscription would not, storing and sending nothing', async () => {
    const events = gw.rows<{ n: number }>('SELECT count(*) AS n FROM events')[0]?.n;
    const event = specEvent('UserStatus', ORG, ENTITY);
    const answer = await post(explainPath, event, VIEWER.Token);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ OrganizationId: ORG, EventType: 'UserStatus', EntityId: ENTITY });
    expect(answer.body.WouldReceive).toHaveLength(2);
    expect(answer.body.WouldReceive).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ WebhookId: FLAKY, Held: false }),
        expect.objectContaining({ WebhookId: PAUSED, Held: true }),
      ]),
    );
    expect(answer.body.Subscriptions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ WebhookId: TARGETED, Matches: false, Reasons: ['targets another entity'] }),
        expect.objectContaining({
          WebhookId: PAUSED,
          Matches: true,
          Note: expect.stringContaining('paused'),
        }),
      ]),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(gw.rows<{ n: number }>('SELECT count(*) AS n FROM events')[0]?.n).toBe(events);
    expect([...flaky.requests, ...other.requests].filter((r) => r.body.includes(event.Id))).toEqual([]);
    expect(answer.body.Duplicate).toBe(false);
    // Once accepted, the same Id would be acknowledged as a duplicate and sent to no one.
    await gw.publisher.publish(event);
    const again = await post(explainPath, event, VIEWER.Token);
    expect(again.body).toMatchObject({ Duplicate: true, WouldReceive: [] });
    expect(again.body.Subscriptions).toEqual(answer.body.Subscriptions);
  });

  it('refuses an invalid event naming every problem, another organization, and other tenants', async () => {
    const invalid = await post(explainPath, {
      ...specEvent('UserStatus', ORG),
      Talking: 'yes',
      Timestamp: 'now',
    });
    expect([invalid.status, codeOf(invalid)]).toEqual([400, 'INVALID_EVENT']);
    expect((invalid.body.Error as { Problems: { Path: string }[] }).Problems.map((p) => p.Path)).toEqual(
      expect.arrayContaining(['$.Talking', '$.Timestamp']),
    );
    const elsewhere = await post(explainPath, specEvent('UserStatus', OTHER_ORG));
    expect((elsewhere.body.Error as { Problems: { Path: string }[] }).Problems[0]?.Path).toBe(
      '$.RootEntityId',
    );
    expect((await post(explainPath, specEvent('UserStatus', ORG), SCOPED.Token)).status).toBe(404);
    expect((await adminCall(url, 'POST', explainPath, { token: null, body: {} })).status).toBe(401);
  });

  it("refuses an event over the producer API's size limit with 413, as publishing would", async () => {
    const big = { ...specEvent('UserStatus', ORG, ENTITY), Pad: 'x'.repeat(MAX_BODY_BYTES) };
    const answer = await post(explainPath, big, VIEWER.Token);
    expect([answer.status, codeOf(answer)]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
  });
});

// Last: its restart test stops the shared gateway.
describe('recover', () => {
  const recoverPath = `/v1/admin/organizations/${ORG}/webhooks/${FLAKY}/recover`;
  const window = () => ({
    Since: new Date(Date.now() - 600_000).toISOString(),
    Until: new Date(Date.now() + 1000).toISOString(),
  });

  it('counts on a dry run, refuses bad requests, and re-queues as a job whose progress it reports', async () => {
    flaky.setStatus(200);
    const events = Array.from({ length: 30 }, () => specEvent('UserStatus', ORG, ENTITY));
    await gw.publisher.publishBatch(events);
    for (const e of events) await deliveryOf(e.Id, 'delivered');
    const since = new Date(Date.now() - 600_000).toISOString();
    const dry = await post(`${recoverPath}?dryRun=true`, { ...window(), States: ['delivered'] });
    expect(dry.status).toBe(200);
    const count = dry.body.Count as number;
    expect(count).toBeGreaterThanOrEqual(30);
    expect(
      (await post(`${recoverPath}?dryRun=true`, { ...window(), States: ['expired'] })).body.Count,
    ).toBeGreaterThanOrEqual(0);
    const bad = await post(recoverPath, { Since: since, Until: since, States: ['pending'] });
    expect(bad.status).toBe(400);
    expect((bad.body.Error as { Problems: { Path: string }[] }).Problems.map((p) => p.Path)).toContain(
      '$.States[0]',
    );
    const backwards = await post(recoverPath, { Since: since, Until: since, States: ['delivered'] });
    expect((backwards.body.Error as { Problems: { Path: string }[] }).Problems[0]?.Path).toBe('$.Until');
    expect((await post(recoverPath, { ...window(), States: ['delivered'] }, VIEWER.Token)).status).toBe(403);
    // A dry run changes nothing: a viewer may count; it refuses what the run would (a paused webhook).
    const viewerDry = await post(
      `${recoverPath}?dryRun=true`,
      { ...window(), States: ['delivered'] },
      VIEWER.Token,
    );
    expect([viewerDry.status, viewerDry.body.Count]).toEqual([200, count]);
    const pausedDry = `/v1/admin/organizations/${ORG}/webhooks/${PAUSED}/recover?dryRun=true`;
    expect((await post(pausedDry, { ...window(), States: ['delivered'] })).status).toBe(409);
    expect((await post(recoverPath, { ...window(), States: ['delivered'] }, SCOPED.Token)).status).toBe(404);
    expect(
      (
        await post(`/v1/admin/organizations/${ORG}/webhooks/${PAUSED}/recover`, {
          ...window(),
          States: ['delivered'],
        })
      ).status,
    ).toBe(409);

    const before = flaky.requests.length;
    // Two at once (a double click): one runs, the other is 409 naming it, and nothing is sent twice.
    const pair = await Promise.all([
      post(recoverPath, { ...window(), States: ['delivered'] }),
      post(recoverPath, { ...window(), States: ['delivered'] }),
    ]);
    expect(pair.map((p) => p.status).sort()).toEqual([202, 409]);
    const started = pair.find((p) => p.status === 202) as (typeof pair)[number];
    const twin = pair.find((p) => p.status === 409) as (typeof pair)[number];
    expect((twin.body.Error as { Message: string }).Message).toContain(`JobId ${started.body.JobId}`);
    expect(started.headers.get('location')).toBe(`/v1/admin/jobs/${started.body.JobId}`);
    expect(started.body).toMatchObject({
      State: 'running',
      Total: count,
      WebhookId: FLAKY,
      CreatedBy: EDITOR.Name,
    });
    const done = await waitFor(async () => {
      const job = (await get(`/v1/admin/jobs/${started.body.JobId}`)).body;
      return job.State === 'done' ? job : undefined;
    }, 'the job done');
    expect(done).toMatchObject({ Done: count, Total: count });
    // Other tests' deliveries are in the window too (one whose event's TTL passed is expired, not sent).
    await waitFor(() => events.every((e) => requestsFor(flaky, e.Id).length >= 2), 'each event sent again');
    expect(flaky.requests.length - before).toBeGreaterThanOrEqual(events.length);
    for (const e of events) expect(requestsFor(flaky, e.Id)).toHaveLength(2);
    expect((await get(`/v1/admin/jobs/${started.body.JobId}`, SCOPED.Token)).status).toBe(404);
    expect((await get(`/v1/admin/jobs/${randomUUID()}`)).status).toBe(404);
    const late = await post(`/v1/admin/jobs/${started.body.JobId}/cancel`);
    expect([late.status, late.body.State]).toEqual([200, 'done']);
    // A lost JobId is found in the webhook's jobs, newest first; within scope only.
    const jobsPath = `/v1/admin/organizations/${ORG}/webhooks/${FLAKY}/jobs`;
    const jobs = await get(`${jobsPath}?Limit=5`);
    expect(jobs.status).toBe(200);
    expect((jobs.body.Items as { JobId: string; State: string }[])[0]).toMatchObject({
      JobId: started.body.JobId,
      State: 'done',
      WebhookId: FLAKY,
    });
    expect((await get(jobsPath, SCOPED.Token)).status).toBe(404);
    expect((await get(`${jobsPath}?Limit=0`)).status).toBe(400);
    expect((await get(`${jobsPath}?State=done`)).status).toBe(400);
  });

  it('lets fresh events through while it re-queues: they wait behind one batch, not behind the whole recovery', async () => {
    flaky.setStatus(200);
    const since = new Date(Date.now() - 1).toISOString();
    const old = Array.from({ length: 400 }, () => specEvent('UserStatus', ORG, ENTITY));
    await gw.publisher.publishBatch(old);
    for (const e of old) await deliveryOf(e.Id, 'delivered');
    const body = { Since: since, Until: new Date(Date.now() + 1).toISOString(), States: ['delivered'] };
    const before = flaky.requests.length;
    const job = await post(recoverPath, body);
    expect(job.status).toBe(202);
    await flaky.waitFor(before + 20);
    const fresh = specEvent('UserStatus', ORG, ENTITY);
    await gw.publisher.publish(fresh);
    await deliveryOf(fresh.Id, 'delivered');
    const freshAt = flaky.requests.findIndex((r) => r.body.includes(fresh.Id));
    await waitFor(
      async () => (await get(`/v1/admin/jobs/${job.body.JobId}`)).body.State === 'done',
      'the job done',
    );
    // Done means all re-queued, not all sent yet: the last batch goes out at the endpoint's pace.
    await waitFor(() => flaky.requests.length - before >= 401, 'all 400 re-sent and the fresh one');
    // Of the 400 re-sent, about one batch (100) went out before the fresh event, not all of them.
    expect(freshAt - before).toBeLessThanOrEqual(250);
  });

  it('paces itself by what the webhook drains, is cancelled between batches, and a restart resumes a running job', async () => {
    flaky.setStatus(200);
    const events = Array.from({ length: 300 }, () => specEvent('UserStatus', ORG, ENTITY));
    const since = new Date(Date.now() - 1).toISOString();
    await gw.publisher.publishBatch(events);
    for (const e of events) await deliveryOf(e.Id, 'delivered');
    const body = { Since: since, Until: new Date(Date.now() + 1).toISOString(), States: ['delivered'] };
    // An endpoint that stops answering: the first batches go in flight or wait, and the job waits for them.
    flaky.setHang(true);
    const first = await post(recoverPath, body);
    const stalled = await waitFor(async () => {
      const job = (await get(`/v1/admin/jobs/${first.body.JobId}`)).body;
      return (job.Done as number) >= 100 ? job : undefined;
    }, 'a batch re-queued');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const paced = (await get(`/v1/admin/jobs/${first.body.JobId}`)).body;
    expect(paced.State).toBe('running');
    expect(paced.Done).toBeLessThan(300);
    expect(paced.Total).toBe(300);
    expect((await post(`/v1/admin/jobs/${first.body.JobId}/cancel`, undefined, VIEWER.Token)).status).toBe(
      403,
    );
    const cancelled = await post(`/v1/admin/jobs/${first.body.JobId}/cancel`);
    expect(cancelled.body).toMatchObject({ State: 'cancelled' });
    expect((cancelled.body.Done as number) >= (stalled.Done as number)).toBe(true);

    // A second job stalls the same way; the gateway stops with it running, and the next start resumes it.
    const second = await post(recoverPath, { ...body, States: ['delivered', 'discarded'] });
    await waitFor(
      async () => ((await get(`/v1/admin/jobs/${second.body.JobId}`)).body.Done as number) > 0,
      'a batch',
    );
    const jobId = second.body.JobId as string;
    await gw.stop();
    flaky.setHang(false);
    const restarted = await startGateway({
      config: parseConfigDocument(testDocument(gw.dbFile, { adminTokens, organizations: organizations() })),
    });
    try {
      url = restarted.url as string;
      const resumed = await waitFor(
        async () => {
          const job = (await get(`/v1/admin/jobs/${jobId}`)).body;
          return job.State === 'done' ? job : undefined;
        },
        'the resumed job done',
        20_000,
      );
      expect(resumed.Done).toBe(resumed.Total);
    } finally {
      await restarted.stop();
      url = gw.url as string;
    }
  }, 60_000);
});
