import { createRoute } from '@hono/zod-openapi';
import type { SecurityGroupDocument } from '../../../config/index.js';
import { ApiError } from '../../errors.js';
import type { ConfigurationAdmin } from '../config-port.js';
import { json, resourceRoutes } from '../crud.js';
import { etagOf, requireIfMatch } from '../etag.js';
import { ADMIN_SECURITY, adminRouter, errorResponses } from '../openapi.js';
import { organizationParams } from '../organizations/schema.js';
import type { AdminPrincipal } from '../principal.js';
import {
  decode,
  ETAG_HEADER,
  editOrganization,
  encode,
  listQuery,
  page,
  readOrganization,
  readOrganizationGroups,
  withEtag,
} from '../resource.js';
import {
  createSecurityGroupBody,
  membersPageSchema,
  patchSecurityGroupBody,
  securityGroupIndex,
  securityGroupParams,
  securityGroupView,
  securityGroupViewSchema,
} from './schema.js';

const { list, get, post, patch, remove } = resourceRoutes({
  tag: 'security-groups',
  base: '/organizations/{OrganizationId}/security-groups',
  item: '/organizations/{OrganizationId}/security-groups/{SecurityGroupId}',
  listParams: organizationParams,
  itemParams: securityGroupParams,
  view: securityGroupViewSchema,
  createBody: createSecurityGroupBody,
  patchBody: patchSecurityGroupBody,
  summaries: {
    list: "The organization's security groups the configuration declares",
    get: 'One security group',
    post: 'Declares a security group (editor); a group producers made is taken over, its members kept unless EntityIds is given',
    patch: "Sets a group's members, or hands them to producers (editor)",
    delete: 'Deletes a security group no subscription uses (editor)',
  },
});

/** Members a group's answer holds; the rest are paged at .../members. */
const FIRST_PAGE = 100;

/**
 * A group's answer: its first page of members and their count. The version (ETag) is the whole group's,
 * every member included, so any change of the members changes it.
 */
async function paged(port: ConfigurationAdmin, organizationId: string, group: SecurityGroupDocument) {
  const version = securityGroupView(group);
  const first = await port.members(organizationId, group.SecurityGroupId, null, FIRST_PAGE);
  const last = first.entityIds.at(-1);
  const owned = version.EntityIds !== null;
  return {
    view: {
      SecurityGroupId: group.SecurityGroupId,
      EntityIds: owned ? first.entityIds : null,
      MemberCount: first.count,
      NextCursor: owned && first.more && last !== undefined ? encode(last) : null,
    },
    version,
  };
}

async function read(port: ConfigurationAdmin, admin: AdminPrincipal, organizationId: string, id: string) {
  const org = await readOrganization(port, admin, organizationId);
  return paged(
    port,
    organizationId,
    org.SecurityGroups[securityGroupIndex(org, id)] as SecurityGroupDocument,
  );
}

const members = createRoute({
  method: 'get',
  path: '/organizations/{OrganizationId}/security-groups/{SecurityGroupId}/members',
  tags: ['security-groups'],
  summary: "A group's members, paged in EntityId order (whoever maintains them)",
  security: ADMIN_SECURITY,
  request: { params: securityGroupParams, query: listQuery },
  responses: {
    200: {
      description: 'One page; ETag: the whole group',
      headers: ETAG_HEADER,
      content: json(membersPageSchema),
    },
    ...errorResponses(400, 401, 404),
  },
});

/** /v1/admin/organizations/{OrganizationId}/security-groups: list, get, create, patch, delete. */
export function securityGroupRoutes(port: ConfigurationAdmin) {
  return adminRouter()
    .openapi(list, async (c) => {
      // The groups without their members: each view's first page and count come from the members' index.
      const org = await readOrganizationGroups(port, c.get('admin'), c.req.valid('param').OrganizationId);
      const views = [];
      for (const g of org.SecurityGroups) views.push((await paged(port, org.OrganizationId, g)).view);
      return c.json(
        page(views, (g) => g.SecurityGroupId, c.req.valid('query')),
        200,
      );
    })
    .openapi(get, async (c) => {
      const { OrganizationId, SecurityGroupId } = c.req.valid('param');
      const { view, version } = await read(port, c.get('admin'), OrganizationId, SecurityGroupId);
      return c.json(withEtag(c, view, version), 200);
    })
    .openapi(members, async (c) => {
      const { OrganizationId, SecurityGroupId } = c.req.valid('param');
      const { Cursor, Limit } = c.req.valid('query');
      const { version } = await read(port, c.get('admin'), OrganizationId, SecurityGroupId);
      const limit = Limit ?? 100;
      const found = await port.members(
        OrganizationId,
        SecurityGroupId,
        Cursor === undefined ? null : decode(Cursor),
        limit,
      );
      const last = found.entityIds.at(-1);
      return c.json(
        withEtag(
          c,
          {
            Items: found.entityIds,
            NextCursor: found.more && last !== undefined ? encode(last) : null,
            MemberCount: found.count,
          },
          version,
        ),
        200,
      );
    })
    .openapi(post, async (c) => {
      const { OrganizationId } = c.req.valid('param');
      const body = c.req.valid('json');
      const id = body.SecurityGroupId.toLowerCase();
      await editOrganization(port, c.get('admin'), OrganizationId, (current) => {
        if (current.SecurityGroups.some((g) => g.SecurityGroupId === id))
          throw new ApiError('CONFLICT', `Security group ${id} exists`);
        return {
          document: { ...current, SecurityGroups: [...current.SecurityGroups, body] },
          focus: ['SecurityGroups', current.SecurityGroups.length],
        };
      });
      c.header('Location', `/v1/admin/organizations/${OrganizationId}/security-groups/${id}`);
      const { view, version } = await read(port, c.get('admin'), OrganizationId, id);
      return c.json(withEtag(c, view, version), 201);
    })
    .openapi(patch, async (c) => {
      const { OrganizationId, SecurityGroupId } = c.req.valid('param');
      const { EntityIds } = c.req.valid('json');
      await editOrganization(port, c.get('admin'), OrganizationId, (current) => {
        const index = securityGroupIndex(current, SecurityGroupId);
        const group = current.SecurityGroups[index] as SecurityGroupDocument;
        requireIfMatch(c, etagOf(securityGroupView(group)));
        const next: SecurityGroupDocument =
          EntityIds === null
            ? { SecurityGroupId: group.SecurityGroupId }
            : { SecurityGroupId: group.SecurityGroupId, EntityIds };
        const SecurityGroups = current.SecurityGroups.map((g, i) => (i === index ? next : g));
        return { document: { ...current, SecurityGroups }, focus: ['SecurityGroups', index] };
      });
      const { view, version } = await read(port, c.get('admin'), OrganizationId, SecurityGroupId);
      return c.json(withEtag(c, view, version), 200);
    })
    .openapi(remove, async (c) => {
      const { OrganizationId, SecurityGroupId } = c.req.valid('param');
      await editOrganization(port, c.get('admin'), OrganizationId, (current) => {
        const index = securityGroupIndex(current, SecurityGroupId);
        requireIfMatch(c, etagOf(securityGroupView(current.SecurityGroups[index] as SecurityGroupDocument)));
        const id = SecurityGroupId.toLowerCase();
        const users = current.Webhooks.flatMap((e) =>
          e.Subscriptions.filter((s) => s.SecurityGroupId?.toLowerCase() === id).map(
            (s) => `${e.Webhook.WebhookId} ${s.EventType}`,
          ),
        );
        if (users.length > 0)
          throw new ApiError(
            'CONFLICT',
            `Security group ${id} is used by ${users.length} subscription(s) (${users.slice(0, 5).join(', ')}): delete them first`,
          );
        return {
          document: { ...current, SecurityGroups: current.SecurityGroups.filter((_, i) => i !== index) },
        };
      });
      return c.body(null, 204);
    });
}
