import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigDocument } from '../../src/config/index.js';
import { startServing } from '../../src/service/gateway.js';
import type { RunningPgGateway } from '../../src/service/pg-gateway.js';
import { ADMIN, adminCall, codeOf, EDITOR, VIEWER } from '../support/admin.js';
import { ORG, OTHER_ORG, organization, TOKEN, testDocument } from '../support/gateway.js';
import { postgresAvailable, startPostgres, type TestPostgres } from '../support/postgres.js';

const GROUP = '9118bef9-fb49-ed11-8713-6c24087ddf1c';
const ENTITY = 'e0072f3a-cc7c-42ee-b0ac-34cd7238150a';
const THIRD_ORG = '5d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const orgPath = `/v1/admin/organizations/${ORG}`;
/** An editor confined to OTHER_ORG. */
const SCOPED = { Name: 'olga', Token: 'scoped-token-0123456789', Role: 'editor', Organizations: [OTHER_ORG] };

type Items = Record<string, unknown>[];
const problemPaths = (body: Record<string, unknown>) =>
  ((body.Error as { Problems?: { Path: string }[] }).Problems ?? []).map((p) => p.Path);
const etag = (call: { headers: Headers }) => call.headers.get('etag') as string;

/**
 * The admin API's configuration resources on a gateway whose Database is PostgreSQL, beyond the shared
 * scenario (admin-shared.test.ts): what the store does under them (secrets, deleted webhooks' history,
 * routing, producers' audit) and roles and scopes, on a real server.
 */
describe.skipIf(!postgresAvailable())('admin API on PostgreSQL: configuration resources', () => {
  let server: TestPostgres;
  let gateway: RunningPgGateway;
  let url: string;
  let webhookId: string;
  const rows = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    (await gateway.database.pool.query(sql, params)).rows as T[];
  const audit = async (query: string) =>
    ((await adminCall(url, 'GET', `/v1/admin/audit?${query}`)).body.Items as Items).map(
      (e) => `${e.Actor} ${e.Action} ${e.Resource}`,
    );

  beforeAll(async () => {
    server = await startPostgres();
    gateway = (await startServing({
      config: parseConfigDocument(
        testDocument(await server.createDatabase(), {
          adminTokens: [ADMIN, EDITOR, VIEWER, SCOPED],
          organizations: [organization(ORG, [{ endpoint: 'http://127.0.0.1:9/hook', eventTypes: [] }])],
        }),
      ),
    })) as RunningPgGateway;
    url = gateway.url as string;
    const list = await adminCall(url, 'GET', `${orgPath}/webhooks`);
    webhookId = ((list.body.Items as Items)[0] as { WebhookId: string }).WebhookId;
  });
  afterAll(async () => {
    await gateway?.stop();
    await server?.stop();
  });

  it("organizations: one that kept a deleted webhook's history is not deleted (409, as on SQLite)", async () => {
    const orgs = '/v1/admin/organizations';
    await adminCall(url, 'POST', orgs, { token: EDITOR.Token, body: { OrganizationId: THIRD_ORG } });
    const hook = await adminCall(url, 'POST', `${orgs}/${THIRD_ORG}/webhooks`, {
      token: EDITOR.Token,
      body: { Endpoint: 'http://127.0.0.1:9/gone' },
    });
    expect(hook.status).toBe(201);
    const removed = await adminCall(url, 'DELETE', `${orgs}/${THIRD_ORG}/webhooks/${hook.body.WebhookId}`, {
      token: EDITOR.Token,
      headers: { 'if-match': etag(hook) },
    });
    expect(removed.status).toBe(204);
    const read = await adminCall(url, 'GET', `${orgs}/${THIRD_ORG}`);
    expect(read.body).toMatchObject({ WebhookCount: 0 });
    const kept = await adminCall(url, 'DELETE', `${orgs}/${THIRD_ORG}`, {
      token: EDITOR.Token,
      headers: { 'if-match': etag(read) },
    });
    expect([kept.status, codeOf(kept)]).toEqual([409, 'CONFLICT']);
    expect(JSON.stringify(kept.body)).toContain('delivery history of 1 webhook(s)');
    expect(await rows('SELECT id FROM organizations WHERE id = $1', [THIRD_ORG])).toHaveLength(1);
  });

  it('webhooks: the Secret is write-only (HasSecret), PATCH by If-Match (428, 412), POST .../secret rotates it, 400 with paths', async () => {
    const base = `${orgPath}/webhooks`;
    const badEndpoint = await adminCall(url, 'POST', base, {
      token: EDITOR.Token,
      body: { Endpoint: 'ftp://127.0.0.1/x' },
    });
    expect([badEndpoint.status, problemPaths(badEndpoint.body)]).toEqual([400, ['$.Endpoint']]);
    const duplicate = await adminCall(url, 'POST', base, {
      token: EDITOR.Token,
      body: { Endpoint: 'HTTP://127.0.0.1:9/hook' },
    });
    expect([duplicate.status, problemPaths(duplicate.body)]).toEqual([400, ['$.Endpoint']]);
    const created = await adminCall(url, 'POST', base, {
      token: EDITOR.Token,
      body: { Endpoint: 'http://127.0.0.1:9/second', Secret: 'first-secret', TimeoutSeconds: 5 },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ Endpoint: 'http://127.0.0.1:9/second', HasSecret: true });
    expect(JSON.stringify(created.body)).not.toContain('first-secret');
    const id = created.body.WebhookId as string;
    expect(created.headers.get('location')).toBe(`${base}/${id}`);
    expect(await rows('SELECT secret FROM webhooks WHERE webhook_id = $1', [id])).toEqual([
      { secret: 'first-secret' },
    ]);

    const read = await adminCall(url, 'GET', `${base}/${id}`, { token: VIEWER.Token });
    expect([read.status, etag(read)]).toEqual([200, etag(created)]);
    const noMatch = await adminCall(url, 'PATCH', `${base}/${id}`, {
      token: EDITOR.Token,
      body: { Enabled: false },
    });
    expect(noMatch.status).toBe(428);
    const paused = await adminCall(url, 'PATCH', `${base}/${id}`, {
      token: EDITOR.Token,
      body: { Enabled: false, Description: 'paused for maintenance' },
      headers: { 'if-match': etag(read) },
    });
    expect([paused.status, paused.body.Enabled, paused.body.Description]).toEqual([
      200,
      false,
      'paused for maintenance',
    ]);
    const stale = await adminCall(url, 'PATCH', `${base}/${id}`, {
      token: EDITOR.Token,
      body: { Enabled: true },
      headers: { 'if-match': etag(read) },
    });
    expect([stale.status, codeOf(stale)]).toEqual([412, 'PRECONDITION_FAILED']);
    const badTimeout = await adminCall(url, 'PATCH', `${base}/${id}`, {
      token: EDITOR.Token,
      body: { TimeoutSeconds: 0 },
      headers: { 'if-match': etag(paused) },
    });
    expect([badTimeout.status, problemPaths(badTimeout.body)]).toEqual([400, ['$.TimeoutSeconds']]);

    const rotated = await adminCall(url, 'POST', `${base}/${id}/secret`, {
      token: EDITOR.Token,
      body: { Secret: 'second-secret' },
    });
    expect([rotated.status, rotated.body.HasSecret]).toEqual([200, true]);
    expect(etag(rotated)).not.toBe(etag(paused));
    expect(await rows('SELECT secret FROM webhooks WHERE webhook_id = $1', [id])).toEqual([
      { secret: 'second-secret' },
    ]);
    const webhookAudit = await adminCall(url, 'GET', '/v1/admin/audit?Resource=webhook&Limit=1000');
    expect(JSON.stringify(webhookAudit.body)).not.toMatch(/first-secret|second-secret/);
    expect((webhookAudit.body.Items as Items).slice(0, 3).map((e) => `${e.Actor} ${e.Action}`)).toEqual([
      'eddie update',
      'eddie update',
      'eddie create',
    ]);

    const gone = await adminCall(url, 'DELETE', `${base}/${id}`, {
      token: EDITOR.Token,
      headers: { 'if-match': etag(rotated) },
    });
    expect(gone.status).toBe(204);
    expect((await adminCall(url, 'GET', `${base}/${id}`)).status).toBe(404);
    // Its row stays, deleted, with the deliveries' history; routing no longer has it.
    expect(
      await rows('SELECT deleted_at IS NOT NULL AS deleted FROM webhooks WHERE webhook_id = $1', [id]),
    ).toEqual([{ deleted: true }]);
    expect(gateway.router.webhookIds().map((w) => gateway.router.webhook(w)?.endpoint)).not.toContain(
      'http://127.0.0.1:9/second',
    );
  });

  it('security groups: 409 while in use, one ETag over every member, handed to producers (whose PUT is audited), deleted', async () => {
    const base = `${orgPath}/security-groups`;
    const ids = Array.from({ length: 250 }, () => randomUUID()).sort();
    const created = await adminCall(url, 'POST', base, {
      token: EDITOR.Token,
      body: { SecurityGroupId: GROUP, EntityIds: ids },
    });
    expect([created.status, created.body.MemberCount]).toEqual([201, 250]);
    const sub = await adminCall(url, 'POST', `${orgPath}/webhooks/${webhookId}/subscriptions`, {
      token: EDITOR.Token,
      body: { EventType: 'UserStatus', SecurityGroupId: GROUP },
    });
    expect(sub.status).toBe(201);
    const inUse = await adminCall(url, 'DELETE', `${base}/${GROUP}`, {
      token: EDITOR.Token,
      headers: { 'if-match': etag(created) },
    });
    expect([inUse.status, codeOf(inUse)]).toEqual([409, 'CONFLICT']);
    // A member changed beyond the first page changes the ETag.
    const changed = await adminCall(url, 'PATCH', `${base}/${GROUP}`, {
      token: EDITOR.Token,
      body: { EntityIds: [...ids.slice(0, 249), 'ffffffff-ffff-4fff-bfff-ffffffffffff'] },
      headers: { 'if-match': etag(created) },
    });
    expect(changed.status).toBe(200);
    expect(etag(changed)).not.toBe(etag(created));
    const stale = await adminCall(url, 'PATCH', `${base}/${GROUP}`, {
      token: EDITOR.Token,
      body: { EntityIds: null },
      headers: { 'if-match': etag(created) },
    });
    expect(stale.status).toBe(412);
    const handed = await adminCall(url, 'PATCH', `${base}/${GROUP}`, {
      token: EDITOR.Token,
      body: { EntityIds: null },
      headers: { 'if-match': etag(changed) },
    });
    expect([handed.status, handed.body.EntityIds, handed.body.MemberCount]).toEqual([200, null, 250]);
    // Now a producer may set them: audited as `producer`, by counts (as on SQLite).
    const put = await fetch(`${url}/v1/organizations/${ORG}/security-groups/${GROUP}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ EntityIds: [ENTITY] }),
    });
    expect(put.status).toBeLessThan(300);
    const members = await adminCall(url, 'GET', `${base}/${GROUP}/members`);
    expect([members.body.Items, members.body.MemberCount]).toEqual([[ENTITY], 1]);
    const [entry] = (await adminCall(url, 'GET', '/v1/admin/audit?Limit=1')).body.Items as Items;
    expect(entry).toMatchObject({
      Actor: 'producer',
      Action: 'update',
      Resource: 'security-group',
      ResourceId: GROUP,
      Before: { MemberCount: 250 },
      After: { MemberCount: 1, Added: 1, Removed: 250 },
    });
    // The same members again change nothing and record nothing.
    const same = await fetch(`${url}/v1/organizations/${ORG}/security-groups/${GROUP}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ EntityIds: [ENTITY] }),
    });
    expect(same.status).toBeLessThan(300);
    expect(((await adminCall(url, 'GET', '/v1/admin/audit?Limit=1')).body.Items as Items)[0]?.Seq).toBe(
      entry?.Seq,
    );

    await adminCall(
      url,
      'DELETE',
      `${orgPath}/webhooks/${webhookId}/subscriptions/${sub.body.SubscriptionId}`,
      {
        token: EDITOR.Token,
        headers: { 'if-match': etag(sub) },
      },
    );
    const group = await adminCall(url, 'GET', `${base}/${GROUP}`);
    const deleted = await adminCall(url, 'DELETE', `${base}/${GROUP}`, {
      token: EDITOR.Token,
      headers: { 'if-match': etag(group) },
    });
    expect(deleted.status).toBe(204);
    expect((await adminCall(url, 'GET', `${base}/${GROUP}`)).status).toBe(404);
    // The audit shows a group's MemberCount and how many members came and went, not the members
    // (src/config/audit.ts, shared with SQLite): the PATCH that swapped one member is an update too.
    expect(await audit('Resource=security-group&Limit=5')).toEqual([
      'eddie delete security-group',
      'producer update security-group',
      'eddie update security-group',
      'eddie update security-group',
      'eddie create security-group',
    ]);
  });

  it('roles and scopes: 401 without a token, 403 for a viewer, 404 outside a scoped token, its own audit only', async () => {
    expect((await adminCall(url, 'GET', orgPath, { token: null })).status).toBe(401);
    expect((await adminCall(url, 'GET', orgPath, { token: TOKEN })).status).toBe(401);
    const viewerPatch = await adminCall(url, 'POST', `${orgPath}/webhooks`, {
      token: VIEWER.Token,
      body: { Endpoint: 'http://127.0.0.1:9/viewer' },
    });
    expect(viewerPatch.status).toBe(403);
    const scoped = { token: SCOPED.Token };
    const outside = await adminCall(url, 'GET', orgPath, scoped);
    // The same answer as for an organization that does not exist: never a hint that it does.
    expect([outside.status, outside.body]).toEqual([
      404,
      { Error: { Code: 'NOT_FOUND', Message: `Organization ${ORG} not found` } },
    ]);
    expect((await adminCall(url, 'GET', `${orgPath}/webhooks/${webhookId}`, scoped)).status).toBe(404);
    const write = await adminCall(url, 'POST', `${orgPath}/webhooks`, {
      ...scoped,
      body: { Endpoint: 'http://127.0.0.1:9/sneaky' },
    });
    expect(write.status).toBe(404);
    expect(await rows('SELECT endpoint FROM webhooks WHERE endpoint LIKE $1', ['%sneaky'])).toEqual([]);
    expect((await adminCall(url, 'GET', '/v1/admin/config', scoped)).status).toBe(403);
    expect((await adminCall(url, 'GET', `/v1/admin/audit?OrganizationId=${ORG}`, scoped)).status).toBe(404);

    const own = await adminCall(url, 'POST', '/v1/admin/organizations', {
      ...scoped,
      body: { OrganizationId: OTHER_ORG },
    });
    expect(own.status).toBe(201);
    const listed = await adminCall(url, 'GET', '/v1/admin/organizations', scoped);
    expect((listed.body.Items as Items).map((o) => o.OrganizationId)).toEqual([OTHER_ORG]);
    const seen = await adminCall(url, 'GET', '/v1/admin/audit?Limit=1000', scoped);
    const orgsSeen = new Set((seen.body.Items as Items).map((e) => e.OrganizationId));
    expect([...orgsSeen]).toEqual([OTHER_ORG]);
  });
});
