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
 * The admin API's configuration resources on a gateway whose Database is PostgreSQL: the same routes,
 * answers, validation, ETags, roles, scopes and audit as on SQLite (test/http/admin/*), on a real server.
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

  it('organizations: create (403 viewer, 400 with its path, 409 when it exists), list paged, delete by If-Match only when empty', async () => {
    const orgs = '/v1/admin/organizations';
    const body = { OrganizationId: OTHER_ORG };
    expect((await adminCall(url, 'POST', orgs, { token: VIEWER.Token, body })).status).toBe(403);
    const bad = await adminCall(url, 'POST', orgs, { token: EDITOR.Token, body: { OrganizationId: 'x' } });
    expect([bad.status, problemPaths(bad.body)]).toEqual([400, ['$.OrganizationId']]);
    const created = await adminCall(url, 'POST', orgs, { token: EDITOR.Token, body });
    expect([created.status, created.body]).toEqual([
      201,
      { OrganizationId: OTHER_ORG, WebhookCount: 0, SecurityGroupCount: 0 },
    ]);
    const again = await adminCall(url, 'POST', orgs, { token: EDITOR.Token, body });
    expect([again.status, codeOf(again)]).toEqual([409, 'CONFLICT']);
    expect(await rows('SELECT id FROM organizations ORDER BY id')).toEqual([{ id: OTHER_ORG }, { id: ORG }]);

    const first = await adminCall(url, 'GET', `${orgs}?Limit=1`, { token: VIEWER.Token });
    expect((first.body.Items as Items).map((o) => o.OrganizationId)).toEqual([OTHER_ORG]);
    const second = await adminCall(url, 'GET', `${orgs}?Limit=1&Cursor=${first.body.NextCursor}`);
    expect([(second.body.Items as Items).map((o) => o.OrganizationId), second.body.NextCursor]).toEqual([
      [ORG],
      null,
    ]);

    const busy = await adminCall(url, 'GET', orgPath);
    const refused = await adminCall(url, 'DELETE', orgPath, {
      token: EDITOR.Token,
      headers: { 'if-match': etag(busy) },
    });
    expect([refused.status, codeOf(refused)]).toEqual([409, 'CONFLICT']);
    const empty = await adminCall(url, 'GET', `${orgs}/${OTHER_ORG}`);
    expect((await adminCall(url, 'DELETE', `${orgs}/${OTHER_ORG}`, { token: EDITOR.Token })).status).toBe(
      428,
    );
    const stale = await adminCall(url, 'DELETE', `${orgs}/${OTHER_ORG}`, {
      token: EDITOR.Token,
      headers: { 'if-match': '"stale"' },
    });
    expect([stale.status, codeOf(stale)]).toEqual([412, 'PRECONDITION_FAILED']);
    const deleted = await adminCall(url, 'DELETE', `${orgs}/${OTHER_ORG}`, {
      token: EDITOR.Token,
      headers: { 'if-match': etag(empty) },
    });
    expect(deleted.status).toBe(204);
    expect((await adminCall(url, 'GET', `${orgs}/${OTHER_ORG}`)).status).toBe(404);
    expect(await audit(`OrganizationId=${OTHER_ORG}`)).toEqual([
      'eddie delete organization',
      'eddie create organization',
    ]);
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

  it("subscriptions: the document's validation and messages, 409 for a duplicate, patch and delete by If-Match", async () => {
    const base = `${orgPath}/webhooks/${webhookId}/subscriptions`;
    const typo = await adminCall(url, 'POST', base, {
      token: EDITOR.Token,
      body: { EventType: 'UserStatuss', AllEntities: true },
    });
    expect(typo.status).toBe(400);
    expect((typo.body.Error as { Problems: { Path: string; Message: string }[] }).Problems[0]).toMatchObject({
      Path: '$.EventType',
      Message: expect.stringContaining('UserStatus'),
    });
    const undeclared = await adminCall(url, 'POST', base, {
      token: EDITOR.Token,
      body: { EventType: 'UserStatus', SecurityGroupId: GROUP },
    });
    expect([undeclared.status, problemPaths(undeclared.body)]).toEqual([400, ['$.SecurityGroupId']]);
    const created = await adminCall(url, 'POST', base, {
      token: EDITOR.Token,
      body: { EventType: 'UserStatus', EntityId: ENTITY.toUpperCase() },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ EventType: 'UserStatus', EntityId: ENTITY, Enabled: true });
    const id = created.body.SubscriptionId as string;
    const dup = await adminCall(url, 'POST', base, {
      token: EDITOR.Token,
      body: { EventType: 'UserStatus', EntityId: ENTITY },
    });
    expect([dup.status, codeOf(dup)]).toEqual([409, 'CONFLICT']);
    expect(await rows('SELECT entity_id FROM subscriptions')).toEqual([{ entity_id: ENTITY }]);

    const read = await adminCall(url, 'GET', `${base}/${id}`, { token: VIEWER.Token });
    const disabled = await adminCall(url, 'PATCH', `${base}/${id}`, {
      token: EDITOR.Token,
      body: { Enabled: false },
      headers: { 'if-match': etag(read) },
    });
    expect([disabled.status, disabled.body.SubscriptionId, disabled.body.Enabled]).toEqual([200, id, false]);
    const stale = await adminCall(url, 'DELETE', `${base}/${id}`, {
      token: EDITOR.Token,
      headers: { 'if-match': etag(read) },
    });
    expect(stale.status).toBe(412);
    const gone = await adminCall(url, 'DELETE', `${base}/${id}`, {
      token: EDITOR.Token,
      headers: { 'if-match': etag(disabled) },
    });
    expect(gone.status).toBe(204);
    expect((await adminCall(url, 'GET', base)).body.Items).toEqual([]);
    expect(await audit('Resource=subscription&Limit=3')).toEqual([
      'eddie delete subscription',
      'eddie update subscription',
      'eddie create subscription',
    ]);
  });

  it('security groups: members paged with one ETag over them all, 409 while in use, handed to producers, deleted', async () => {
    const base = `${orgPath}/security-groups`;
    const badMember = await adminCall(url, 'POST', base, {
      token: EDITOR.Token,
      body: { SecurityGroupId: GROUP, EntityIds: ['nope'] },
    });
    expect([badMember.status, problemPaths(badMember.body)]).toEqual([400, ['$.EntityIds[0]']]);
    const ids = Array.from({ length: 250 }, () => randomUUID()).sort();
    const created = await adminCall(url, 'POST', base, {
      token: EDITOR.Token,
      body: { SecurityGroupId: GROUP, EntityIds: [...ids].reverse() },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ EntityIds: ids.slice(0, 100), MemberCount: 250 });
    const listed = await adminCall(url, 'GET', base);
    expect((listed.body.Items as Items)[0]).toEqual(created.body);
    const seen = [...(created.body.EntityIds as string[])];
    let cursor = created.body.NextCursor as string | null;
    while (cursor !== null) {
      const next = await adminCall(url, 'GET', `${base}/${GROUP}/members?Limit=60&Cursor=${cursor}`);
      expect([next.status, next.body.MemberCount, etag(next)]).toEqual([200, 250, etag(created)]);
      seen.push(...(next.body.Items as string[]));
      cursor = next.body.NextCursor as string | null;
    }
    expect(seen).toEqual(ids);

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
    // The audit shows a group's MemberCount, not its members (src/config/audit.ts, shared with SQLite):
    // the PATCH that swapped one member kept the count, so only the hand-over is an update.
    expect(await audit('Resource=security-group&Limit=4')).toEqual([
      'eddie delete security-group',
      'producer update security-group',
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

  it('config: export (admin only, no Gateway), dry run returns the plan and changes nothing, PUT applies and audits', async () => {
    expect((await adminCall(url, 'GET', '/v1/admin/config', { token: EDITOR.Token })).status).toBe(403);
    const exported = await adminCall(url, 'GET', '/v1/admin/config');
    expect([exported.status, Object.keys(exported.body)]).toEqual([200, ['Organizations']]);
    for (const token of [ADMIN.Token, EDITOR.Token, VIEWER.Token, TOKEN])
      expect(JSON.stringify(exported.body)).not.toContain(token);
    const document = exported.body as { Organizations: { OrganizationId: string; Webhooks: unknown[] }[] };
    document.Organizations.find((o) => o.OrganizationId === ORG)?.Webhooks.push({
      Webhook: { Endpoint: 'http://127.0.0.1:9/third' },
      Subscriptions: [],
    });
    const live = 'SELECT endpoint FROM webhooks WHERE deleted_at IS NULL AND organization_id = $1';
    const before = await rows(live, [ORG]);

    const plan = await adminCall(url, 'PUT', '/v1/admin/config?dryRun=true', { body: document });
    expect([plan.status, plan.body.DryRun]).toEqual([200, true]);
    expect((plan.body.Changes as Items).map((c) => c.Text)).toEqual([
      expect.stringMatching(/^create webhook [0-9a-f-]{36} http:\/\/127\.0\.0\.1:9\/third$/),
    ]);
    expect(await rows(live, [ORG])).toEqual(before);

    const applied = await adminCall(url, 'PUT', '/v1/admin/config', { body: document });
    expect([applied.status, applied.body.DryRun, (applied.body.Changes as Items).length]).toEqual([
      200,
      false,
      1,
    ]);
    expect(await rows(live, [ORG])).toHaveLength(before.length + 1);
    expect(await audit('Limit=1')).toEqual(['ada create webhook']);
    const again = await adminCall(url, 'PUT', '/v1/admin/config', { body: document });
    expect(again.body.Changes).toEqual([]);

    const invalid = await adminCall(url, 'PUT', '/v1/admin/config', {
      body: { Organizations: [{ OrganizationId: 'x' }] },
    });
    expect([invalid.status, problemPaths(invalid.body)]).toEqual([
      400,
      ['$.Organizations[0].OrganizationId'],
    ]);
    const gatewayChanged = await adminCall(url, 'PUT', '/v1/admin/config', {
      body: { ...document, Gateway: { ProducerTokens: ['other'] } },
    });
    expect([gatewayChanged.status, problemPaths(gatewayChanged.body)]).toEqual([400, ['$.Gateway']]);
  });

  it('audit: newest first, paged with a cursor, filtered by time and resource, bad filters named', async () => {
    const all = await adminCall(url, 'GET', '/v1/admin/audit?Limit=1000');
    const items = all.body.Items as Items;
    expect(items.length).toBeGreaterThan(10);
    const seqs = items.map((e) => e.Seq as number);
    expect([...seqs].sort((a, b) => b - a)).toEqual(seqs);
    expect(items.at(-1)).toMatchObject({ Actor: 'document', Action: 'create', Resource: 'organization' });
    const paged: unknown[] = [];
    let cursor: string | null = null;
    do {
      const call = await adminCall(
        url,
        'GET',
        `/v1/admin/audit?Limit=7${cursor === null ? '' : `&Cursor=${cursor}`}`,
      );
      paged.push(...(call.body.Items as Items).map((e) => e.Seq));
      cursor = call.body.NextCursor as string | null;
    } while (cursor !== null);
    expect(paged).toEqual(seqs);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await adminCall(url, 'GET', `/v1/admin/audit?From=${future}`)).body.Items).toEqual([]);
    const newest = items[0] as { At: string; Seq: number };
    const before = await adminCall(url, 'GET', `/v1/admin/audit?To=${newest.At}&Limit=1000`);
    expect((before.body.Items as Items).map((e) => e.Seq)).not.toContain(newest.Seq);
    const since = await adminCall(url, 'GET', `/v1/admin/audit?From=${newest.At}&Limit=1000`);
    expect((since.body.Items as Items).map((e) => e.Seq)).toContain(newest.Seq);
    const webhooks = await adminCall(url, 'GET', '/v1/admin/audit?Resource=webhook&Limit=1000');
    expect(new Set((webhooks.body.Items as Items).map((e) => e.Resource))).toEqual(new Set(['webhook']));
    const badTime = await adminCall(url, 'GET', '/v1/admin/audit?From=2026-12-01');
    expect([badTime.status, problemPaths(badTime.body)]).toEqual([400, ['$.From']]);
    const badCursor = await adminCall(url, 'GET', '/v1/admin/audit?Cursor=abc');
    expect([badCursor.status, problemPaths(badCursor.body)]).toEqual([400, ['$.Cursor']]);
  });
});
