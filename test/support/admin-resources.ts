import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, adminCall, codeOf, EDITOR, type ScenarioGateway, VIEWER } from './admin.js';
import { ORG, OTHER_ORG, organization, type TestConfig, TOKEN } from './gateway.js';

const GROUP = '9118bef9-fb49-ed11-8713-6c24087ddf1c';
const ENTITY = 'e0072f3a-cc7c-42ee-b0ac-34cd7238150a';
const orgPath = `/v1/admin/organizations/${ORG}`;

type Items = Record<string, unknown>[];
const problemPaths = (body: Record<string, unknown>) =>
  ((body.Error as { Problems?: { Path: string }[] }).Problems ?? []).map((p) => p.Path);

/**
 * The admin API's configuration resources, end to end, on a gateway `start` makes (SQLite or
 * PostgreSQL): the same routes, answers, validation messages, ETags and audit on either store.
 */
export function describeAdminResources(
  title: string,
  start: (config: TestConfig) => Promise<ScenarioGateway>,
  options: { skip?: boolean } = {},
): void {
  describe.skipIf(options.skip === true)(title, () => {
    let gateway: ScenarioGateway;
    let url: string;
    let webhookId: string;
    beforeAll(async () => {
      gateway = await start({
        adminTokens: [ADMIN, EDITOR, VIEWER],
        organizations: [organization(ORG, [{ endpoint: 'http://127.0.0.1:9/hook', eventTypes: [] }])],
      });
      url = gateway.url as string;
      const list = await adminCall(url, 'GET', `${orgPath}/webhooks`);
      webhookId = ((list.body.Items as Items)[0] as { WebhookId: string }).WebhookId;
    });
    afterAll(() => gateway?.stop());

    it('organizations: create (409 when it exists), list with cursor paging, get, delete only when empty', async () => {
      expect(
        (
          await adminCall(url, 'POST', '/v1/admin/organizations', {
            token: VIEWER.Token,
            body: { OrganizationId: OTHER_ORG },
          })
        ).status,
      ).toBe(403);
      const bad = await adminCall(url, 'POST', '/v1/admin/organizations', {
        token: EDITOR.Token,
        body: { OrganizationId: 'x' },
      });
      expect([bad.status, problemPaths(bad.body)]).toEqual([400, ['$.OrganizationId']]);
      const created = await adminCall(url, 'POST', '/v1/admin/organizations', {
        token: EDITOR.Token,
        body: { OrganizationId: OTHER_ORG },
      });
      expect([created.status, created.body]).toEqual([
        201,
        { OrganizationId: OTHER_ORG, WebhookCount: 0, SecurityGroupCount: 0 },
      ]);
      const again = await adminCall(url, 'POST', '/v1/admin/organizations', {
        token: EDITOR.Token,
        body: { OrganizationId: OTHER_ORG },
      });
      expect([again.status, codeOf(again)]).toEqual([409, 'CONFLICT']);

      const first = await adminCall(url, 'GET', '/v1/admin/organizations?Limit=1', { token: VIEWER.Token });
      expect((first.body.Items as Items).map((o) => o.OrganizationId)).toEqual([OTHER_ORG]);
      const second = await adminCall(
        url,
        'GET',
        `/v1/admin/organizations?Limit=1&Cursor=${first.body.NextCursor}`,
      );
      expect([(second.body.Items as Items).map((o) => o.OrganizationId), second.body.NextCursor]).toEqual([
        [ORG],
        null,
      ]);
      const badCursor = await adminCall(url, 'GET', '/v1/admin/organizations?Cursor=%25%25');
      expect([badCursor.status, problemPaths(badCursor.body)]).toEqual([400, ['$.Cursor']]);
      const badLimit = await adminCall(url, 'GET', '/v1/admin/organizations?Limit=0');
      expect([badLimit.status, problemPaths(badLimit.body)]).toEqual([400, ['$.Limit']]);

      const busy = await adminCall(url, 'GET', orgPath);
      const refused = await adminCall(url, 'DELETE', orgPath, {
        token: EDITOR.Token,
        headers: { 'if-match': busy.headers.get('etag') as string },
      });
      expect([refused.status, codeOf(refused)]).toEqual([409, 'CONFLICT']);
      const empty = await adminCall(url, 'GET', `/v1/admin/organizations/${OTHER_ORG}`);
      expect(
        (await adminCall(url, 'DELETE', `/v1/admin/organizations/${OTHER_ORG}`, { token: EDITOR.Token }))
          .status,
      ).toBe(428);
      const deleted = await adminCall(url, 'DELETE', `/v1/admin/organizations/${OTHER_ORG}`, {
        token: EDITOR.Token,
        headers: { 'if-match': empty.headers.get('etag') as string },
      });
      expect(deleted.status).toBe(204);
      expect((await adminCall(url, 'GET', `/v1/admin/organizations/${OTHER_ORG}`)).status).toBe(404);
      const audit = await adminCall(url, 'GET', `/v1/admin/audit?OrganizationId=${OTHER_ORG}`);
      expect((audit.body.Items as Items).map((e) => `${e.Actor} ${e.Action} ${e.Resource}`)).toEqual([
        'eddie delete organization',
        'eddie create organization',
      ]);
    });

    it("subscriptions: the document's validation and messages, 409 for a duplicate, patch and delete by If-Match", async () => {
      const base = `${orgPath}/webhooks/${webhookId}/subscriptions`;
      const typo = await adminCall(url, 'POST', base, {
        token: EDITOR.Token,
        body: { EventType: 'UserStatuss', AllEntities: true },
      });
      expect(typo.status).toBe(400);
      expect(
        (typo.body.Error as { Problems: { Path: string; Message: string }[] }).Problems[0],
      ).toMatchObject({
        Path: '$.EventType',
        Message: expect.stringContaining('UserStatus'),
      });
      const twoTargets = await adminCall(url, 'POST', base, {
        token: EDITOR.Token,
        body: { EventType: 'UserStatus', AllEntities: true, EntityId: ENTITY },
      });
      expect([twoTargets.status, problemPaths(twoTargets.body)]).toEqual([400, ['$']]);
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
      expect(await gateway.rows('SELECT entity_id FROM subscriptions')).toEqual([{ entity_id: ENTITY }]);

      const read = await adminCall(url, 'GET', `${base}/${id}`, { token: VIEWER.Token });
      const disabled = await adminCall(url, 'PATCH', `${base}/${id}`, {
        token: EDITOR.Token,
        body: { Enabled: false },
        headers: { 'if-match': read.headers.get('etag') as string },
      });
      expect([disabled.status, disabled.body.SubscriptionId, disabled.body.Enabled]).toEqual([
        200,
        id,
        false,
      ]);
      const stale = await adminCall(url, 'DELETE', `${base}/${id}`, {
        token: EDITOR.Token,
        headers: { 'if-match': read.headers.get('etag') as string },
      });
      expect(stale.status).toBe(412);
      const retarget = await adminCall(url, 'PATCH', `${base}/${id}`, {
        token: EDITOR.Token,
        body: { AllEntities: true },
        headers: { 'if-match': disabled.headers.get('etag') as string },
      });
      expect(retarget.status).toBe(200);
      expect(retarget.body).toEqual({
        SubscriptionId: expect.any(String),
        EventType: 'UserStatus',
        AllEntities: true,
        Enabled: false,
      });
      expect(retarget.body.SubscriptionId).not.toBe(id);
      const gone = await adminCall(url, 'DELETE', `${base}/${retarget.body.SubscriptionId}`, {
        token: EDITOR.Token,
        headers: { 'if-match': retarget.headers.get('etag') as string },
      });
      expect(gone.status).toBe(204);
      expect((await adminCall(url, 'GET', base)).body.Items).toEqual([]);
      const audit = await adminCall(url, 'GET', `/v1/admin/audit?Resource=subscription&Limit=2`);
      expect((audit.body.Items as Items).map((e) => e.Action)).toEqual(['delete', 'create']);
    });

    it('security groups: create with members, 409 when it exists or is in use, patch members, delete', async () => {
      const base = `${orgPath}/security-groups`;
      const badMember = await adminCall(url, 'POST', base, {
        token: EDITOR.Token,
        body: { SecurityGroupId: GROUP, EntityIds: ['nope'] },
      });
      expect([badMember.status, problemPaths(badMember.body)]).toEqual([400, ['$.EntityIds[0]']]);
      const created = await adminCall(url, 'POST', base, {
        token: EDITOR.Token,
        body: { SecurityGroupId: GROUP, EntityIds: [ENTITY] },
      });
      expect([created.status, created.body]).toEqual([
        201,
        { SecurityGroupId: GROUP, EntityIds: [ENTITY], MemberCount: 1, NextCursor: null },
      ]);
      expect(
        (await adminCall(url, 'POST', base, { token: EDITOR.Token, body: { SecurityGroupId: GROUP } }))
          .status,
      ).toBe(409);
      expect(await gateway.rows('SELECT entity_id FROM security_group_members')).toEqual([
        { entity_id: ENTITY },
      ]);

      const sub = await adminCall(url, 'POST', `${orgPath}/webhooks/${webhookId}/subscriptions`, {
        token: EDITOR.Token,
        body: { EventType: 'UserStatus', SecurityGroupId: GROUP },
      });
      expect(sub.status).toBe(201);
      const inUse = await adminCall(url, 'DELETE', `${base}/${GROUP}`, {
        token: EDITOR.Token,
        headers: { 'if-match': created.headers.get('etag') as string },
      });
      expect([inUse.status, codeOf(inUse)]).toEqual([409, 'CONFLICT']);

      const patched = await adminCall(url, 'PATCH', `${base}/${GROUP}`, {
        token: EDITOR.Token,
        body: { EntityIds: null },
        headers: { 'if-match': created.headers.get('etag') as string },
      });
      // Handed to producers, the members stay until a producer's PUT replaces them.
      expect([patched.status, patched.body]).toEqual([
        200,
        { SecurityGroupId: GROUP, EntityIds: null, MemberCount: 1, NextCursor: null },
      ]);
      await adminCall(
        url,
        'DELETE',
        `${orgPath}/webhooks/${webhookId}/subscriptions/${sub.body.SubscriptionId}`,
        {
          token: EDITOR.Token,
          headers: { 'if-match': sub.headers.get('etag') as string },
        },
      );
      const deleted = await adminCall(url, 'DELETE', `${base}/${GROUP}`, {
        token: EDITOR.Token,
        headers: { 'if-match': patched.headers.get('etag') as string },
      });
      expect(deleted.status).toBe(204);
      expect((await adminCall(url, 'GET', `${base}/${GROUP}`)).status).toBe(404);
    });

    it("security groups' members: the count and a first page, the rest paged, one ETag over them all", async () => {
      const big = randomUUID();
      const ids = Array.from({ length: 250 }, () => randomUUID()).sort();
      const base = `${orgPath}/security-groups`;
      const created = await adminCall(url, 'POST', base, {
        token: EDITOR.Token,
        body: { SecurityGroupId: big, EntityIds: [...ids].reverse() },
      });
      expect(created.status).toBe(201);
      const group = await adminCall(url, 'GET', `${base}/${big}`);
      expect(group.body.MemberCount).toBe(250);
      expect(group.body.EntityIds).toEqual(ids.slice(0, 100));
      const etag = group.headers.get('etag');
      // The list shows each group as its own answer does: the first page and the count, not every member.
      const listed = await adminCall(url, 'GET', base);
      const inList = (listed.body.Items as Items).find((g) => g.SecurityGroupId === big);
      expect(inList).toEqual({
        SecurityGroupId: big,
        EntityIds: ids.slice(0, 100),
        MemberCount: 250,
        NextCursor: group.body.NextCursor,
      });

      const seen = [...(group.body.EntityIds as string[])];
      let cursor = group.body.NextCursor as string | null;
      while (cursor !== null) {
        const next = await adminCall(url, 'GET', `${base}/${big}/members?Limit=60&Cursor=${cursor}`);
        expect([next.status, next.body.MemberCount, next.headers.get('etag')]).toEqual([200, 250, etag]);
        seen.push(...(next.body.Items as string[]));
        cursor = next.body.NextCursor as string | null;
      }
      expect(seen).toEqual(ids);
      const all = await adminCall(url, 'GET', `${base}/${big}/members?Limit=1000`);
      expect([all.body.Items, all.body.NextCursor]).toEqual([ids, null]);
      const bad = await adminCall(url, 'GET', `${base}/${big}/members?Cursor=nope`);
      expect([bad.status, problemPaths(bad.body)]).toEqual([400, ['$.Cursor']]);

      // A member changed beyond the first page changes the ETag: it covers every member.
      const changed = [...ids.slice(0, 249), 'ffffffff-ffff-4fff-bfff-ffffffffffff'];
      const stale = await adminCall(url, 'PATCH', `${base}/${big}`, {
        token: EDITOR.Token,
        body: { EntityIds: changed },
        headers: { 'if-match': etag as string },
      });
      expect(stale.status).toBe(200);
      expect(stale.headers.get('etag')).not.toBe(etag);
      expect(stale.body.EntityIds).toEqual(group.body.EntityIds);
      const again = await adminCall(url, 'PATCH', `${base}/${big}`, {
        token: EDITOR.Token,
        body: { EntityIds: ids },
        headers: { 'if-match': etag as string },
      });
      expect([again.status, codeOf(again)]).toEqual([412, 'PRECONDITION_FAILED']);
      const missing = await adminCall(url, 'GET', `${base}/${randomUUID()}/members`);
      expect(missing.status).toBe(404);
      const gone = await adminCall(url, 'DELETE', `${base}/${big}`, {
        token: EDITOR.Token,
        headers: { 'if-match': stale.headers.get('etag') as string },
      });
      expect(gone.status).toBe(204);
    });

    it('bodies: 415 for another media type, 400 for broken JSON or an unknown key, never a stack trace', async () => {
      const base = `${orgPath}/webhooks`;
      const text = await adminCall(url, 'POST', base, {
        token: EDITOR.Token,
        body: '{}',
        headers: { 'content-type': 'text/plain' },
      });
      expect([text.status, codeOf(text)]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
      const broken = await adminCall(url, 'POST', base, { token: EDITOR.Token, body: '{"Endpoint":' });
      expect([broken.status, codeOf(broken)]).toEqual([400, 'BAD_REQUEST']);
      const unknown = await adminCall(url, 'POST', base, {
        token: EDITOR.Token,
        body: { Endpoint: 'http://127.0.0.1:9/x', Colour: 'red' },
      });
      expect(unknown.status).toBe(400);
      const dupEndpoint = await adminCall(url, 'POST', base, {
        token: EDITOR.Token,
        body: { Endpoint: 'HTTP://127.0.0.1:9/hook' },
      });
      expect([dupEndpoint.status, problemPaths(dupEndpoint.body)]).toEqual([400, ['$.Endpoint']]);
      expect(JSON.stringify(dupEndpoint.body)).not.toMatch(/at .*\.ts:/);
      const huge = await adminCall(url, 'PUT', '/v1/admin/config', {
        body: `[${'0,'.repeat(17 * 1024 * 1024)}0]`,
      });
      expect([huge.status, codeOf(huge)]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    });

    it('config: export (admin only), dry run returns the plan and changes nothing, PUT applies and audits', async () => {
      expect((await adminCall(url, 'GET', '/v1/admin/config', { token: EDITOR.Token })).status).toBe(403);
      expect((await adminCall(url, 'GET', '/v1/admin/config', { token: VIEWER.Token })).status).toBe(403);
      const exported = await adminCall(url, 'GET', '/v1/admin/config');
      expect(exported.status).toBe(200);
      // No token of the API's users or of producers is handed out: the Gateway section is not exported.
      expect(Object.keys(exported.body)).toEqual(['Organizations']);
      for (const token of [ADMIN.Token, EDITOR.Token, VIEWER.Token, TOKEN])
        expect(JSON.stringify(exported.body)).not.toContain(token);
      const document = exported.body as { Organizations: { Webhooks: unknown[] }[] };
      const org = document.Organizations.find(
        (o) => (o as unknown as { OrganizationId: string }).OrganizationId === ORG,
      );
      (org as { Webhooks: unknown[] }).Webhooks.push({
        Webhook: { Endpoint: 'http://127.0.0.1:9/second' },
        Subscriptions: [],
      });

      const plan = await adminCall(url, 'PUT', '/v1/admin/config?dryRun=true', { body: document });
      expect(plan.status).toBe(200);
      expect((plan.body.Changes as Items).map((c) => c.Text)).toEqual([
        expect.stringMatching(/^create webhook [0-9a-f-]{36} http:\/\/127\.0\.0\.1:9\/second$/),
      ]);
      expect((plan.body.Changes as Items).map((c) => `${c.Op} ${c.Kind}`)).toEqual(['create webhook']);
      expect(await gateway.rows('SELECT endpoint FROM webhooks WHERE deleted_at IS NULL')).toHaveLength(1);

      const applied = await adminCall(url, 'PUT', '/v1/admin/config', { body: document });
      expect([applied.status, applied.body.DryRun]).toEqual([200, false]);
      expect(await gateway.rows('SELECT endpoint FROM webhooks WHERE deleted_at IS NULL')).toHaveLength(2);
      const audit = await adminCall(url, 'GET', '/v1/admin/audit?Limit=1');
      expect((audit.body.Items as Items)[0]).toMatchObject({
        Actor: 'ada',
        Action: 'create',
        Resource: 'webhook',
      });

      const invalid = await adminCall(url, 'PUT', '/v1/admin/config', {
        body: { Organizations: [{ OrganizationId: 'x' }] },
      });
      expect([invalid.status, problemPaths(invalid.body)]).toEqual([
        400,
        ['$.Organizations[0].OrganizationId'],
      ]);
      const gatewayChanged = await adminCall(url, 'PUT', '/v1/admin/config', {
        body: {
          ...document,
          Gateway: { ProducerTokens: ['other'] },
        },
      });
      expect([gatewayChanged.status, problemPaths(gatewayChanged.body)]).toEqual([400, ['$.Gateway']]);
    });

    it('audit: filters by time and resource, pages with a cursor', async () => {
      const all = await adminCall(url, 'GET', '/v1/admin/audit?Limit=1000');
      const items = all.body.Items as Items;
      expect(items.length).toBeGreaterThan(5);
      const seqs = items.map((e) => e.Seq as number);
      expect([...seqs].sort((a, b) => b - a)).toEqual(seqs);
      let cursor: string | null = null;
      const paged: unknown[] = [];
      do {
        const call = await adminCall(
          url,
          'GET',
          `/v1/admin/audit?Limit=3${cursor === null ? '' : `&Cursor=${cursor}`}`,
        );
        paged.push(...(call.body.Items as Items).map((e) => e.Seq));
        cursor = call.body.NextCursor as string | null;
      } while (cursor !== null);
      expect(paged).toEqual(seqs);
      const future = new Date(Date.now() + 60_000).toISOString();
      expect((await adminCall(url, 'GET', `/v1/admin/audit?From=${future}`)).body.Items).toEqual([]);
      expect(
        (await adminCall(url, 'GET', `/v1/admin/audit?To=${future}&Limit=1000`)).body.Items,
      ).toHaveLength(items.length);
      // To is exclusive, as the events' and deliveries': the newest entry's own time leaves it out.
      const newest = items[0] as { At: string; Seq: number };
      const before = await adminCall(url, 'GET', `/v1/admin/audit?To=${newest.At}&Limit=1000`);
      expect((before.body.Items as Items).map((e) => e.Seq)).not.toContain(newest.Seq);
      for (const bad of ['From=yesterday', 'From=2026-12-01', 'From=2026-02-30T00:00:00Z']) {
        const badTime = await adminCall(url, 'GET', `/v1/admin/audit?${bad}`);
        expect([bad, badTime.status, problemPaths(badTime.body)]).toEqual([bad, 400, ['$.From']]);
      }
      const reversed = await adminCall(
        url,
        'GET',
        '/v1/admin/audit?From=2027-01-01T00:00:00Z&To=2026-01-01T00:00:00Z',
      );
      expect([reversed.status, problemPaths(reversed.body)]).toEqual([400, ['$.To']]);
      // A misspelt parameter would widen the answer: it is refused by name, on the audit and on every list.
      for (const path of [
        '/v1/admin/audit?resource=webhook',
        '/v1/admin/organizations?Limit=1&Foo=2',
        `${orgPath}/webhooks?cursor=x`,
      ]) {
        const unknown = await adminCall(url, 'GET', path);
        expect([path, unknown.status]).toEqual([path, 400]);
        expect(problemPaths(unknown.body)).toHaveLength(1);
      }
      const typo = await adminCall(url, 'GET', '/v1/admin/audit?resource=webhook');
      expect(JSON.stringify(typo.body)).toContain('did you mean Resource');
      const dry = await adminCall(url, 'PUT', '/v1/admin/config?dryrun=true', {
        body: { Organizations: [] },
      });
      expect([dry.status, problemPaths(dry.body)]).toEqual([400, ['$.dryrun']]);
      expect(
        (await adminCall(url, 'GET', `/v1/admin/audit?OrganizationId=${randomUUID()}`)).body.Items,
      ).toEqual([]);
    });
  });
}
