import { OpenAPIHono } from '@hono/zod-openapi';
import { describe, expect, it } from 'vitest';
import type { OrganizationDocument } from '../../../config/index.js';
import type { ConfigurationAdmin } from '../config-port.js';
import type { AdminEnv } from '../principal.js';
import { securityGroupRoutes } from './routes.js';

const ORG = '0f0f0f0f-0000-4000-8000-000000000001';
const OWNED = '0f0f0f0f-0000-4000-8000-000000000002';
const PRODUCERS = '0f0f0f0f-0000-4000-8000-000000000003';

describe('GET .../security-groups (the list)', () => {
  it('reads the groups without their members: each first page and count comes from the members page', async () => {
    const members = Array.from({ length: 250 }, (_, i) => `e${String(i).padStart(4, '0')}`);
    const outline: OrganizationDocument = {
      OrganizationId: ORG,
      SecurityGroups: [{ SecurityGroupId: OWNED, EntityIds: [] }, { SecurityGroupId: PRODUCERS }],
      Webhooks: [],
    };
    const port = {
      organization: () => {
        throw new Error('the list read every member of the organization');
      },
      organizationGroups: (id: string) => (id === ORG ? outline : undefined),
      members: (_org: string, _group: string, after: string | null, limit: number) => {
        const from = after === null ? 0 : members.indexOf(after) + 1;
        return {
          entityIds: members.slice(from, from + limit),
          count: members.length,
          more: from + limit < members.length,
        };
      },
    } as unknown as ConfigurationAdmin;
    const app = new OpenAPIHono<AdminEnv>()
      .use(async (c, next) => {
        c.set('admin', { name: 'vera', role: 'viewer', organizations: null });
        await next();
      })
      .route('/', securityGroupRoutes(port));

    const answer = await app.request(`/organizations/${ORG}/security-groups`);
    expect(answer.status).toBe(200);
    const { Items } = (await answer.json()) as { Items: Record<string, unknown>[] };
    expect(
      Items.map((g) => [g.SecurityGroupId, (g.EntityIds as string[] | null)?.length, g.MemberCount]),
    ).toEqual([
      [OWNED, 100, 250],
      [PRODUCERS, undefined, 250],
    ]);
    expect(Items[0]?.NextCursor).not.toBeNull();
  });
});
