import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { traceEvent } from '../../../src/store/trace.js';
import { formatTrace } from '../../../src/support/format-trace.js';
import { ADMIN, adminCall, codeOf, VIEWER } from '../../support/admin.js';
import { specEvent } from '../../support/events.js';
import {
  ORG,
  OTHER_ORG,
  organization,
  startTestGateway,
  type TestGateway,
  testDocument,
  writeConfig,
} from '../../support/gateway.js';
import { type Receiver, startReceiver } from '../../support/receiver.js';
import { waitFor } from '../../support/wait.js';

const OK_HOOK = '11111111-1111-4111-8111-111111111111';
const FAILING_HOOK = '22222222-2222-4222-8222-222222222222';
const OTHER_HOOK = '33333333-3333-4333-8333-333333333333';
const ENTITY = 'e0072f3a-cc7c-42ee-b0ac-34cd7238150a';
const SCOPED = {
  Name: 'scoped',
  Token: 'scoped-viewer-token-0123',
  Role: 'viewer',
  Organizations: [OTHER_ORG],
};

let gw: TestGateway;
let url: string;
let ok: Receiver;
let failing: Receiver;
const get = (path: string, token: string = ADMIN.Token) => adminCall(url, 'GET', path, { token });
type Page = { Items: Record<string, unknown>[]; NextCursor: string | null };

beforeAll(async () => {
  ok = await startReceiver();
  failing = await startReceiver({ status: 500, body: 'down for maintenance' });
  gw = await startTestGateway({
    adminTokens: [ADMIN, VIEWER, SCOPED],
    organizations: [
      organization(ORG, [
        {
          endpoint: `${ok.url}/ok`,
          webhook: { WebhookId: OK_HOOK },
          eventTypes: ['UserStatus', 'QueueStatus'],
        },
        {
          endpoint: `${failing.url}/failing`,
          webhook: { WebhookId: FAILING_HOOK, RetryScheduleSeconds: [0.05] },
          subscriptions: [
            { EventType: 'UserStatus', AllEntities: true },
            { EventType: 'QueueStatus', EntityId: ENTITY },
          ],
        },
      ]),
      organization(OTHER_ORG, [{ endpoint: `${ok.url}/other`, webhook: { WebhookId: OTHER_HOOK } }]),
    ],
  });
  url = gw.url as string;
});
afterAll(async () => {
  await gw.cleanup();
  await ok.close();
  await failing.close();
});

/** Publishes and waits until every delivery of the event finished. */
async function settled(event: { Id: string }) {
  await gw.publisher.publish(event as never);
  await waitFor(() => {
    const t = traceEvent(gw.database.sqlite, event.Id);
    return t.deliveries.every((d) => ['delivered', 'discarded'].includes(d.state));
  }, 'deliveries finished');
}

describe('finding any delivery', () => {
  const published: string[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 3; i++) {
      const e = specEvent('UserStatus', ORG, ENTITY);
      await settled(e);
      published.push(e.Id);
    }
    await settled(specEvent('QueueStatus', ORG));
  });

  it('lists events newest first, page by page, narrowed by type, entity and time', async () => {
    const first = await get(`/v1/admin/events?OrganizationId=${ORG}&EventType=UserStatus&Limit=2`);
    expect(first.status).toBe(200);
    const page = first.body as unknown as Page;
    expect(page.Items.map((e) => e.Id)).toEqual([published[2], published[1]]);
    expect(page.Items[0]).toMatchObject({
      EventType: 'UserStatus',
      EntityId: ENTITY,
      Matched: 2,
      Deliveries: { delivered: 1, discarded: 1 },
    });
    const next = (
      await get(
        `/v1/admin/events?OrganizationId=${ORG}&EventType=UserStatus&Limit=2&Cursor=${page.NextCursor}`,
      )
    ).body as unknown as Page;
    expect(next.Items.map((e) => e.Id)).toEqual([published[0]]);
    expect(next.NextCursor).toBeNull();
    const byEntity = (await get(`/v1/admin/events?OrganizationId=${ORG}&EntityId=${ENTITY}`))
      .body as unknown as Page;
    expect(byEntity.Items).toHaveLength(3);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect(
      ((await get(`/v1/admin/events?OrganizationId=${ORG}&From=${future}`)).body as unknown as Page).Items,
    ).toEqual([]);
  });

  it("refuses bad queries naming each parameter, and is 404 outside the token's organizations", async () => {
    const bad = await get(`/v1/admin/events?OrganizationId=nope&From=yesterday&Cursor=zzz`);
    expect([bad.status, codeOf(bad)]).toEqual([400, 'BAD_REQUEST']);
    const paths = (bad.body.Error as { Problems: { Path: string }[] }).Problems.map((p) => p.Path);
    expect(paths).toEqual(expect.arrayContaining(['$.OrganizationId', '$.From']));
    const cursor = await get(`/v1/admin/events?OrganizationId=${ORG}&Cursor=not-a-cursor`);
    expect([
      cursor.status,
      (cursor.body.Error as { Problems: { Path: string }[] }).Problems[0]?.Path,
    ]).toEqual([400, '$.Cursor']);
    // A misspelt or unknown parameter is refused by name rather than ignored (the answer would widen).
    const problemsOf = (call: Awaited<ReturnType<typeof get>>) =>
      (call.body.Error as { Problems: { Path: string; Message: string }[] }).Problems;
    const typo = await get(`/v1/admin/events?OrganizationId=${ORG}&eventtype=UserStatus&Foo=1`);
    expect(typo.status).toBe(400);
    expect(problemsOf(typo)).toEqual([
      { Path: '$.eventtype', Message: expect.stringContaining('did you mean EventType?') },
      { Path: '$.Foo', Message: expect.stringContaining('unknown query parameter') },
    ]);
    const backwards = await get(
      `/v1/admin/events?OrganizationId=${ORG}&From=2027-01-01T00:00:00Z&To=2026-01-01T00:00:00Z`,
    );
    expect([backwards.status, problemsOf(backwards)]).toEqual([
      400,
      [{ Path: '$.To', Message: 'must be after From' }],
    ]);
    const unknownType = await get(`/v1/admin/events?OrganizationId=${ORG}&EventType=UserStatuss`);
    expect([unknownType.status, problemsOf(unknownType)[0]]).toEqual([
      400,
      { Path: '$.EventType', Message: 'Unknown EventType "UserStatuss". Did you mean "UserStatus"?' },
    ]);
    const scoped = await get(`/v1/admin/events?OrganizationId=${ORG}`, SCOPED.Token);
    expect([scoped.status, codeOf(scoped)]).toEqual([404, 'NOT_FOUND']);
    expect((await get(`/v1/admin/events?OrganizationId=${OTHER_ORG}`, SCOPED.Token)).status).toBe(200);
    expect(
      (await adminCall(url, 'GET', `/v1/admin/events?OrganizationId=${ORG}`, { token: null })).status,
    ).toBe(401);
  });

  it('answers one event with every attempt and why each other subscription did not match, as trace does', async () => {
    const queue = specEvent('QueueStatus', ORG);
    await settled(queue);
    const answer = await get(`/v1/admin/events/${queue.Id}`, VIEWER.Token);
    expect(answer.status).toBe(200);
    const body = answer.body as {
      Deliveries: { WebhookId: string; State: string; Attempts: unknown[] }[];
      Subscriptions: { WebhookId: string; Matches: boolean; Reasons: string[] }[];
      Text: string[];
    };
    expect(body.Deliveries.map((d) => [d.WebhookId, d.State])).toEqual([[OK_HOOK, 'delivered']]);
    expect(body.Deliveries[0]?.Attempts).toMatchObject([{ AttemptNo: 1, StatusCode: 200 }]);
    expect(body.Subscriptions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ WebhookId: OK_HOOK, Matches: true, Reasons: [] }),
        expect.objectContaining({
          WebhookId: FAILING_HOOK,
          Matches: false,
          Reasons: ['targets another entity'],
        }),
      ]),
    );
    // The CLI's trace prints the same lines from the same code.
    expect(body.Text).toEqual(formatTrace(queue.Id, traceEvent(gw.database.sqlite, queue.Id)));
    const failed = (await get(`/v1/admin/events/${published[0]}`)).body as typeof body;
    const discarded = failed.Deliveries.find((d) => d.WebhookId === FAILING_HOOK);
    expect(discarded?.State).toBe('discarded');
    expect(discarded?.Attempts).toHaveLength(2);
    expect(discarded?.Attempts[0]).toMatchObject({
      StatusCode: 500,
      ErrorClass: 'http-status',
      ResponseSnippet: 'down for maintenance',
    });
    expect((await get(`/v1/admin/events/${randomUUID()}`)).status).toBe(404);
    expect((await get(`/v1/admin/events/${queue.Id}`, SCOPED.Token)).status).toBe(404);
    expect((await get(`/v1/admin/events/not-a-guid`)).status).toBe(400);
  });

  it('answers `gateway trace --json` with what the API answers, from the same code', async () => {
    const config = writeConfig(gw.dir, testDocument(gw.dbFile));
    const cli = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'trace', published[0] as string, '--json'],
      {
        env: { ...process.env, GATEWAY_CONFIG: config },
        encoding: 'utf8',
      },
    );
    expect(cli.status, cli.stderr).toBe(0);
    expect(JSON.parse(cli.stdout)).toEqual((await get(`/v1/admin/events/${published[0]}`)).body);
  });

  it("lists a webhook's deliveries by state, and answers one delivery", async () => {
    const all = (await get(`/v1/admin/organizations/${ORG}/webhooks/${FAILING_HOOK}/deliveries`))
      .body as unknown as Page;
    expect(all.Items.length).toBe(3);
    expect(all.Items.every((d) => d.State === 'discarded' && d.AttemptCount === 2)).toBe(true);
    const delivered = (
      await get(
        `/v1/admin/organizations/${ORG}/webhooks/${OK_HOOK}/deliveries?State=delivered,pending&Limit=2`,
      )
    ).body as unknown as Page;
    expect(delivered.Items).toHaveLength(2);
    expect(delivered.NextCursor).not.toBeNull();
    const none = (
      await get(`/v1/admin/organizations/${ORG}/webhooks/${FAILING_HOOK}/deliveries?State=delivered`)
    ).body as unknown as Page;
    expect(none.Items).toEqual([]);
    const badState = await get(`/v1/admin/organizations/${ORG}/webhooks/${OK_HOOK}/deliveries?State=lost`);
    expect(badState.status).toBe(400);
    const deliveries = `/v1/admin/organizations/${ORG}/webhooks/${OK_HOOK}/deliveries`;
    const repeated = (await get(`${deliveries}?State=delivered&State=pending&Limit=2`))
      .body as unknown as Page;
    expect(repeated.Items).toEqual(delivered.Items);
    const lower = await get(`${deliveries}?state=discarded`);
    expect([lower.status, (lower.body.Error as { Problems: { Path: string }[] }).Problems[0]?.Path]).toEqual([
      400,
      '$.state',
    ]);
    expect((await get(`${deliveries}?From=2027-01-01T00:00:00Z&To=2026-01-01T00:00:00Z`)).status).toBe(400);
    expect((await get(`/v1/admin/organizations/${ORG}/webhooks/${OTHER_HOOK}/deliveries`)).status).toBe(404);
    expect(
      (await get(`/v1/admin/organizations/${ORG}/webhooks/${OK_HOOK}/deliveries`, SCOPED.Token)).status,
    ).toBe(404);

    const id = all.Items[0]?.DeliveryId as number;
    const one = await get(`/v1/admin/deliveries/${id}`, VIEWER.Token);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({
      DeliveryId: id,
      OrganizationId: ORG,
      WebhookId: FAILING_HOOK,
      State: 'discarded',
    });
    expect((one.body.Attempts as unknown[]).length).toBe(2);
    expect((await get(`/v1/admin/deliveries/${id}`, SCOPED.Token)).status).toBe(404);
    expect((await get(`/v1/admin/deliveries/999999`)).status).toBe(404);
    expect((await get(`/v1/admin/deliveries/abc`)).status).toBe(400);
  });

  it("answers a webhook's health", async () => {
    const health = await get(`/v1/admin/organizations/${ORG}/webhooks/${FAILING_HOOK}/health`, VIEWER.Token);
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({
      WebhookId: FAILING_HOOK,
      Enabled: true,
      Deleted: false,
      Waiting: 0,
      OldestWaitingAgeSeconds: null,
      LastSuccessAt: null,
      LastFailure: { StatusCode: 500, ErrorClass: 'http-status' },
    });
    expect(['closed', 'open', 'half-open']).toContain(health.body.Breaker);
    expect(health.body.Last5Minutes).toMatchObject({ Attempts: 6, SuccessRate: 0 });
    const good = (await get(`/v1/admin/organizations/${ORG}/webhooks/${OK_HOOK}/health`)).body;
    expect(good.Last5Minutes).toMatchObject({ SuccessRate: 1 });
    expect((good.Last5Minutes as { P50Ms: number }).P50Ms).toBeGreaterThanOrEqual(0);
    expect(good.LastSuccessAt).not.toBeNull();
    expect((await get(`/v1/admin/organizations/${ORG}/webhooks/${OTHER_HOOK}/health`)).status).toBe(404);
    expect(
      (await get(`/v1/admin/organizations/${ORG}/webhooks/${OK_HOOK}/health`, SCOPED.Token)).status,
    ).toBe(404);
  });

  it('is 401 on every support route without an admin token, and with a producer token', async () => {
    const routes: [string, string][] = [
      ['GET', `/v1/admin/events?OrganizationId=${ORG}`],
      ['GET', `/v1/admin/events/${randomUUID()}`],
      ['GET', `/v1/admin/organizations/${ORG}/webhooks/${OK_HOOK}/deliveries`],
      ['GET', '/v1/admin/deliveries/1'],
      ['GET', `/v1/admin/organizations/${ORG}/webhooks/${OK_HOOK}/health`],
      ['POST', '/v1/admin/deliveries/1/redeliver'],
      ['POST', `/v1/admin/organizations/${ORG}/webhooks/${OK_HOOK}/recover`],
      ['POST', `/v1/admin/organizations/${ORG}/webhooks/${OK_HOOK}/test`],
      ['GET', `/v1/admin/jobs/${randomUUID()}`],
      ['POST', `/v1/admin/jobs/${randomUUID()}/cancel`],
      ['POST', `/v1/admin/organizations/${ORG}/explain`],
    ];
    for (const [method, path] of routes) {
      expect((await adminCall(url, method, path, { token: null })).status, path).toBe(401);
      expect((await adminCall(url, method, path, { token: 'test-producer-token' })).status, path).toBe(401);
    }
    const badIds = await get(`/v1/admin/organizations/not-an-org/webhooks/${OK_HOOK}/health`);
    expect([
      badIds.status,
      (badIds.body.Error as { Problems: { Path: string }[] }).Problems[0]?.Path,
    ]).toEqual([400, '$.OrganizationId']);
  });
});
