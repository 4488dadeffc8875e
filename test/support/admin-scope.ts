import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, adminCall, type ScenarioGateway } from './admin.js';
import { ORG, OTHER_ORG, organization, type TestConfig } from './gateway.js';

const GROUP_B = '5d3a1c2b-0f4e-4a6b-9c8d-7e6f5a4b3c2d';
const SCOPED = { Name: 'tenant-a', Token: 'tenant-a-token-0123456789', Role: 'editor', Organizations: [ORG] };

/** A tiny seeded PRNG, so a failure names the seed that reproduces it. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * The scenario of a token scoped to organization A, on a gateway `start` makes (SQLite or PostgreSQL):
 * in any order of any requests, it never sees or changes anything of organization B.
 */
export function describeScopedToken(
  title: string,
  start: (config: TestConfig) => Promise<ScenarioGateway>,
  options: { skip?: boolean } = {},
): void {
  describe.skipIf(options.skip === true)(title, () => {
    let gateway: ScenarioGateway;
    let url: string;
    let webhookB: string;
    let subscriptionB: string;
    beforeAll(async () => {
      gateway = await start({
        adminTokens: [ADMIN, SCOPED],
        organizations: [
          organization(ORG, [{ endpoint: 'http://127.0.0.1:9/tenant-a' }]),
          organization(
            OTHER_ORG,
            [{ endpoint: 'http://127.0.0.1:9/tenant-b-secret-path', webhook: { Secret: 'tenant-b-secret' } }],
            [{ SecurityGroupId: GROUP_B, EntityIds: [] }],
          ),
        ],
      });
      url = gateway.url as string;
      const hooks = await adminCall(url, 'GET', `/v1/admin/organizations/${OTHER_ORG}/webhooks`);
      webhookB = ((hooks.body.Items as { WebhookId: string }[])[0] as { WebhookId: string }).WebhookId;
      const subs = await adminCall(
        url,
        'GET',
        `/v1/admin/organizations/${OTHER_ORG}/webhooks/${webhookB}/subscriptions`,
      );
      subscriptionB = ((subs.body.Items as { SubscriptionId: string }[])[0] as { SubscriptionId: string })
        .SubscriptionId;
    });
    afterAll(() => gateway?.stop());

    it('never sees or changes anything of organization B, in any order of any requests', async () => {
      const exportBefore = JSON.stringify((await adminCall(url, 'GET', '/v1/admin/config')).body);
      const auditBefore = (await adminCall(url, 'GET', '/v1/admin/audit?Limit=1000')).body.Items as unknown[];
      const seed = Number(process.env.SCOPE_SEED ?? Date.now() % 100_000);
      const next = random(seed);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
      const ghost = randomUUID();
      const hidden = [OTHER_ORG, webhookB, subscriptionB, GROUP_B, 'tenant-b-secret', 'tenant-b-secret-path'];

      const org = (id: string) => `/v1/admin/organizations/${id}`;
      const requests = (o: string): [string, string, unknown?][] => [
        ['GET', org(o)],
        ['DELETE', org(o)],
        ['GET', `${org(o)}/webhooks`],
        ['POST', `${org(o)}/webhooks`, { Endpoint: 'http://127.0.0.1:9/intruder' }],
        ['GET', `${org(o)}/webhooks/${webhookB}`],
        ['PATCH', `${org(o)}/webhooks/${webhookB}`, { Enabled: false }],
        ['DELETE', `${org(o)}/webhooks/${webhookB}`],
        ['POST', `${org(o)}/webhooks/${webhookB}/secret`, { Secret: 'stolen' }],
        ['GET', `${org(o)}/webhooks/${webhookB}/subscriptions`],
        [
          'POST',
          `${org(o)}/webhooks/${webhookB}/subscriptions`,
          { EventType: 'UserStatus', AllEntities: true },
        ],
        ['PATCH', `${org(o)}/webhooks/${webhookB}/subscriptions/${subscriptionB}`, { Enabled: false }],
        ['DELETE', `${org(o)}/webhooks/${webhookB}/subscriptions/${subscriptionB}`],
        ['GET', `${org(o)}/security-groups`],
        ['GET', `${org(o)}/security-groups/${GROUP_B}`],
        ['POST', `${org(o)}/security-groups`, { SecurityGroupId: randomUUID() }],
        ['PATCH', `${org(o)}/security-groups/${GROUP_B}`, { EntityIds: [randomUUID()] }],
        ['DELETE', `${org(o)}/security-groups/${GROUP_B}`],
        ['GET', `/v1/admin/audit?OrganizationId=${o}`],
      ];
      // B's own webhook under A's path must not be reachable either.
      const crossed: [string, string, unknown?][] = [
        ['GET', `${org(ORG)}/webhooks/${webhookB}`],
        ['PATCH', `${org(ORG)}/webhooks/${webhookB}`, { Enabled: false }],
        ['DELETE', `${org(ORG)}/webhooks/${webhookB}/subscriptions/${subscriptionB}`],
      ];
      for (let i = 0; i < 120; i++) {
        const target = next() < 0.5 ? OTHER_ORG : ghost;
        const [method, path, body] = next() < 0.15 ? pick(crossed) : pick(requests(target));
        const headers: Record<string, string> = next() < 0.5 ? { 'if-match': '*' } : {};
        const call = await adminCall(url, method, path, { token: SCOPED.Token, body, headers });
        const text = JSON.stringify(call.body);
        const why = `seed ${seed}, ${method} ${path}: ${call.status} ${text}`;
        expect(call.status, why).toBe(404);
        // Nothing of B that the request did not itself name.
        for (const secret of hidden)
          if (!path.includes(secret)) expect(text.includes(secret), why).toBe(false);
        // B answers word for word as an organization that does not exist.
        if (target === OTHER_ORG && path.includes(OTHER_ORG)) {
          const twin = await adminCall(url, method, path.replaceAll(OTHER_ORG, ghost), {
            token: SCOPED.Token,
            body,
            headers,
          });
          expect([twin.status, text.replaceAll(OTHER_ORG, ghost)], why).toEqual([
            call.status,
            JSON.stringify(twin.body),
          ]);
        }
      }
      const listed = await adminCall(url, 'GET', '/v1/admin/organizations', { token: SCOPED.Token });
      expect((listed.body.Items as { OrganizationId: string }[]).map((o) => o.OrganizationId)).toEqual([ORG]);
      const audit = await adminCall(url, 'GET', '/v1/admin/audit?Limit=1000', { token: SCOPED.Token });
      expect((audit.body.Items as { OrganizationId: string }[]).every((e) => e.OrganizationId === ORG)).toBe(
        true,
      );
      expect(
        (
          await adminCall(url, 'POST', '/v1/admin/organizations', {
            token: SCOPED.Token,
            body: { OrganizationId: ghost },
          })
        ).status,
      ).toBe(403);
      expect((await adminCall(url, 'GET', '/v1/admin/config', { token: SCOPED.Token })).status).toBe(403);
      // Nothing of B changed, and nothing was written to the audit log.
      expect(JSON.stringify((await adminCall(url, 'GET', '/v1/admin/config')).body)).toBe(exportBefore);
      expect((await adminCall(url, 'GET', '/v1/admin/audit?Limit=1000')).body.Items).toEqual(auditBefore);
    });

    it('still manages organization A', async () => {
      const created = await adminCall(url, 'POST', `/v1/admin/organizations/${ORG}/webhooks`, {
        token: SCOPED.Token,
        body: { Endpoint: 'http://127.0.0.1:9/tenant-a-2' },
      });
      expect(created.status).toBe(201);
    });
  });
}
