import type { SecurityGroupDocument } from '../../../config/index.js';
import { ApiError } from '../../errors.js';
import type { ConfigurationAdmin } from '../config-port.js';
import { resourceRoutes } from '../crud.js';
import { etagOf, requireIfMatch } from '../etag.js';
import { adminRouter } from '../openapi.js';
import { organizationParams } from '../organizations/schema.js';
import type { AdminPrincipal } from '../principal.js';
import { editOrganization, page, readOrganization, withEtag } from '../resource.js';
import {
  createSecurityGroupBody,
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

function read(port: ConfigurationAdmin, admin: AdminPrincipal, organizationId: string, id: string) {
  const org = readOrganization(port, admin, organizationId);
  return securityGroupView(org.SecurityGroups[securityGroupIndex(org, id)] as SecurityGroupDocument);
}

/** /v1/admin/organizations/{OrganizationId}/security-groups: list, get, create, patch, delete. */
export function securityGroupRoutes(port: ConfigurationAdmin) {
  return adminRouter()
    .openapi(list, (c) => {
      const org = readOrganization(port, c.get('admin'), c.req.valid('param').OrganizationId);
      const views = org.SecurityGroups.map(securityGroupView);
      return c.json(
        page(views, (g) => g.SecurityGroupId, c.req.valid('query')),
        200,
      );
    })
    .openapi(get, (c) => {
      const { OrganizationId, SecurityGroupId } = c.req.valid('param');
      return c.json(withEtag(c, read(port, c.get('admin'), OrganizationId, SecurityGroupId)), 200);
    })
    .openapi(post, (c) => {
      const { OrganizationId } = c.req.valid('param');
      const body = c.req.valid('json');
      const id = body.SecurityGroupId.toLowerCase();
      editOrganization(port, c.get('admin'), OrganizationId, (current) => {
        if (current.SecurityGroups.some((g) => g.SecurityGroupId === id))
          throw new ApiError('CONFLICT', `Security group ${id} exists`);
        return {
          document: { ...current, SecurityGroups: [...current.SecurityGroups, body] },
          focus: ['SecurityGroups', current.SecurityGroups.length],
        };
      });
      c.header('Location', `/v1/admin/organizations/${OrganizationId}/security-groups/${id}`);
      return c.json(withEtag(c, read(port, c.get('admin'), OrganizationId, id)), 201);
    })
    .openapi(patch, (c) => {
      const { OrganizationId, SecurityGroupId } = c.req.valid('param');
      const { EntityIds } = c.req.valid('json');
      editOrganization(port, c.get('admin'), OrganizationId, (current) => {
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
      return c.json(withEtag(c, read(port, c.get('admin'), OrganizationId, SecurityGroupId)), 200);
    })
    .openapi(remove, (c) => {
      const { OrganizationId, SecurityGroupId } = c.req.valid('param');
      editOrganization(port, c.get('admin'), OrganizationId, (current) => {
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
