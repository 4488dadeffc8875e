import { afterEach, describe, expect, it } from 'vitest';
import { parseConfigDocument } from '../../src/config/index.js';
import type { RunningPgGateway } from '../../src/service/pg-gateway.js';
import { prunePass } from '../../src/store/pg/pruner.js';
import { traceEventPg } from '../../src/store/pg/trace.js';
import { ADMIN, adminCall, VIEWER } from '../support/admin.js';
import { specEvent } from '../support/events.js';
import { ORG, organization, TOKEN, testDocument } from '../support/gateway.js';
import { usePgGateways } from '../support/pg-gateways.js';
import { postgresAvailable } from '../support/postgres.js';
import { type Receiver, startReceiver } from '../support/receiver.js';
import { waitFor } from '../support/wait.js';

/** The real gateway on a real PostgreSQL, receiving over HTTP and delivering to a loopback receiver. */
describe.skipIf(!postgresAvailable())('the gateway on PostgreSQL', () => {
  let receiver: Receiver;
  // (Registered first, so it runs after the gateways have stopped.)
  afterEach(async () => {
    await receiver?.close();
  });
  const pg = usePgGateways();

  const start = (document: Record<string, unknown>) => pg.start(document);

  const publish = (gateway: RunningPgGateway, body: unknown) =>
    fetch(`${gateway.url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('selects PostgreSQL for a postgres:// Database, accepts an event over HTTP and delivers it', async () => {
    receiver = await startReceiver();
    const url = await pg.server().createDatabase();
    const gateway = await start(
      testDocument(url, {
        organizations: [organization(ORG, [{ endpoint: `${receiver.url}/hook`, webhook: { Secret: 's3' } }])],
      }),
    );
    expect(gateway.store).toBeDefined();
    const event = specEvent('UserStatus', ORG);
    const response = await publish(gateway, event);
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ Results: [{ Id: event.Id, Matched: 1, Duplicate: false }] });
    const [request] = await receiver.waitFor(1);
    expect(JSON.parse(request?.body ?? '')).toEqual(event);
    expect(request?.headers['x-benemen-token']).toBe('s3');
    expect(request?.headers['x-benemen-event']).toBe('UserStatus');
    await waitFor(
      async () => (await traceEventPg(gateway.database.pool, event.Id)).deliveries[0]?.state === 'delivered',
      'the delivery recorded as delivered',
    );
    // The same Id again is a duplicate, and nothing more is sent.
    expect(await (await publish(gateway, event)).json()).toEqual({
      Results: [{ Id: event.Id, Matched: 1, Duplicate: true }],
    });
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200);
  });

  it('serves the whole admin API: the bearer check first, then every route answers (none is left unimplemented)', async () => {
    const url = await pg.server().createDatabase();
    const gateway = await start(
      testDocument(url, { adminTokens: [ADMIN, VIEWER], organizations: [organization(ORG, [])] }),
    );
    const base = gateway.url as string;
    expect((await adminCall(base, 'GET', '/v1/admin/organizations', { token: null })).status).toBe(401);
    expect((await adminCall(base, 'GET', '/v1/admin/token')).body).toMatchObject({ Name: ADMIN.Name });
    const tokens = await adminCall(base, 'GET', '/v1/admin/tokens');
    expect(tokens.status).toBe(200);
    expect(JSON.stringify(tokens.body)).not.toContain(ADMIN.Token);
    const answered: [string, string, number][] = [
      ['GET', '/v1/admin/gateway', 200],
      ['GET', '/v1/admin/organizations', 200],
      ['GET', `/v1/admin/organizations/${ORG}`, 200],
      ['GET', '/v1/admin/config', 200],
      ['GET', '/v1/admin/audit', 200],
      ['GET', `/v1/admin/events?OrganizationId=${ORG}`, 200],
      ['GET', '/v1/admin/events/00000000-0000-4000-8000-000000000000', 404],
      ['GET', '/v1/admin/deliveries/1', 404],
    ];
    for (const [method, path, status] of answered)
      expect({ path, status: (await adminCall(base, method, path)).status }).toEqual({ path, status });
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });
  it('audits configuration changes in the transaction that makes them, and nothing for a refused one', async () => {
    const url = await pg.server().createDatabase();
    const document = (endpoint: string) =>
      testDocument(url, {
        organizations: [organization(ORG, [{ endpoint, webhook: { Secret: 'hidden-secret' } }])],
      });
    const gateway = await start(document('http://127.0.0.1:9/a'));
    const audit = async () =>
      (
        await gateway.database.pool.query<{
          actor: string;
          resource: string;
          action: string;
          after: unknown;
        }>('SELECT actor, resource, action, before, after FROM audit_log ORDER BY seq')
      ).rows;
    const atStart = await audit();
    expect(atStart.map((r) => `${r.actor} ${r.resource} ${r.action}`)).toContain('document webhook create');
    await gateway.reload(parseConfigDocument(document('http://127.0.0.1:9/b')));
    const after = await audit();
    expect(after.length).toBeGreaterThan(atStart.length);
    expect(after.slice(atStart.length).every((r) => r.actor === 'document')).toBe(true);
    expect(JSON.stringify(after)).not.toContain('hidden-secret');
    // A refused change writes no audit entry.
    const other = organization(`${ORG.slice(0, -1)}0`, [{ endpoint: 'http://127.0.0.1:9/c' }]);
    const moved = testDocument(url, { organizations: [other] }) as {
      Organizations: { Webhooks: { Webhook: Record<string, unknown> }[] }[];
    };
    const stolen = (
      await gateway.database.pool.query<{ webhook_id: string }>('SELECT webhook_id FROM webhooks')
    ).rows[0];
    (moved.Organizations[0]?.Webhooks[0]?.Webhook as Record<string, unknown>).WebhookId = stolen?.webhook_id;
    await expect(gateway.reload(parseConfigDocument(moved))).rejects.toThrow(/WebhookId/);
    expect(await audit()).toHaveLength(after.length);
    // Retention removes entries older than AuditDays, and only those.
    const policy = { deliveredDays: 1, failedDays: 1, attemptsPerDelivery: 20, auditDays: 1 };
    expect((await prunePass(gateway.database.pool, policy)).removed.audit).toBe(0);
    const later = await prunePass(gateway.database.pool, policy, { now: () => Date.now() + 2 * 86_400_000 });
    expect(later.removed.audit).toBe(after.length);
    expect(await audit()).toEqual([]);
  });

  it('applies a configuration change made through one instance to the routing of another within a second', async () => {
    receiver = await startReceiver();
    const url = await pg.server().createDatabase();
    const first = organization(ORG, [{ endpoint: `${receiver.url}/first` }]);
    const a = await start(testDocument(url, { organizations: [first] }));
    const b = await start(testDocument(url, { organizations: [first] }));
    await a.reload(
      parseConfigDocument(
        testDocument(url, { organizations: [organization(ORG, [{ endpoint: `${receiver.url}/second` }])] }),
      ),
    );
    const changedAt = Date.now();
    await waitFor(
      () => b.router.webhookIds().some((id) => b.router.webhook(id)?.endpoint.endsWith('/second')),
      'the other instance routing to the new endpoint',
      1000,
    );
    expect(Date.now() - changedAt).toBeLessThan(1000);
    const response = await publish(b, specEvent('UserStatus', ORG));
    expect(response.status).toBe(202);
    const [request] = await receiver.waitFor(1);
    expect(request?.url).toBe('/second');
  });
});
