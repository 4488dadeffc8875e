import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, adminCall, codeOf, EDITOR, VIEWER } from '../../support/admin.js';
import { ORG, organization, startTestGateway, type TestGateway, TOKEN } from '../../support/gateway.js';

const GROUP = '9118bef9-fb49-ed11-8713-6c24087ddf1c';

describe('every admin route, by role', () => {
  let gateway: TestGateway;
  let url: string;
  const ids: Record<string, string> = { OrganizationId: ORG, SecurityGroupId: GROUP };
  let routes: { method: string; path: string; tags: string[] }[] = [];
  // The configuration's routes; other admin routes (support operations) have their own role tests.
  const CONFIGURATION_TAGS = [
    'admin',
    'organizations',
    'webhooks',
    'subscriptions',
    'security-groups',
    'config',
    'audit',
  ];
  beforeAll(async () => {
    gateway = await startTestGateway({
      adminTokens: [ADMIN, EDITOR, VIEWER],
      organizations: [
        organization(
          ORG,
          [{ endpoint: 'http://127.0.0.1:9/hook' }],
          [{ SecurityGroupId: GROUP, EntityIds: [] }],
        ),
      ],
    });
    url = gateway.url as string;
    const hooks = await adminCall(url, 'GET', `/v1/admin/organizations/${ORG}/webhooks`);
    ids.WebhookId = (hooks.body.Items as { WebhookId: string }[])[0]?.WebhookId as string;
    const subs = await adminCall(
      url,
      'GET',
      `/v1/admin/organizations/${ORG}/webhooks/${ids.WebhookId}/subscriptions`,
    );
    ids.SubscriptionId = (subs.body.Items as { SubscriptionId: string }[])[0]?.SubscriptionId as string;
    const document = (await (await fetch(`${url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { tags?: string[] }>>;
    };
    routes = Object.entries(document.paths)
      .filter(([path]) => path.startsWith('/v1/admin/'))
      .flatMap(([path, item]) =>
        Object.entries(item).map(([method, operation]) => ({
          method: method.toUpperCase(),
          path,
          tags: operation.tags ?? [],
        })),
      );
  });
  afterAll(() => gateway.cleanup());

  const fill = (path: string) => path.replace(/\{(\w+)\}/g, (_, name: string) => ids[name] ?? name);

  it('answers 401 to no token, a producer token and a wrong one, on every declared admin route', async () => {
    expect(routes.length).toBeGreaterThan(20);
    for (const { method, path } of routes) {
      for (const token of [null, TOKEN, 'not-a-token']) {
        const call = await adminCall(url, method, fill(path), {
          token,
          body: method === 'GET' || method === 'DELETE' ? undefined : {},
        });
        expect([`${method} ${path}`, call.status, codeOf(call)]).toEqual([
          `${method} ${path}`,
          401,
          'UNAUTHORIZED',
        ]);
      }
    }
  });

  it('lets a viewer read every resource and change none (403), and an editor not touch the whole document', async () => {
    const configuration = routes.filter((r) => r.tags.some((tag) => CONFIGURATION_TAGS.includes(tag)));
    expect(configuration.length).toBeGreaterThan(20);
    for (const { method, path } of configuration) {
      const changes = method !== 'GET';
      const call = await adminCall(url, method, fill(path), {
        token: VIEWER.Token,
        body: changes && method !== 'DELETE' ? {} : undefined,
        headers: { 'if-match': '*' },
      });
      // The whole document, the tokens and the Gateway section are the admin role's alone.
      const wholeDocument =
        ['/v1/admin/config', '/v1/admin/gateway'].includes(path) || path.startsWith('/v1/admin/tokens');
      const expected = changes || wholeDocument ? 403 : 200;
      expect([`${method} ${path}`, call.status]).toEqual([`${method} ${path}`, expected]);
      if (wholeDocument) {
        const editor = await adminCall(url, method, fill(path), {
          token: EDITOR.Token,
          body: method === 'PUT' || method === 'POST' ? {} : undefined,
        });
        expect([`${method} ${path}`, editor.status]).toEqual([`${method} ${path}`, 403]);
      }
    }
    // Nothing was changed by any of it.
    const audit = (await adminCall(url, 'GET', '/v1/admin/audit?Limit=1000')).body.Items as {
      Actor: string;
    }[];
    expect(audit.filter((e) => e.Actor !== 'document')).toEqual([]);
  });
});
