import { createRoute } from '@hono/zod-openapi';
import { ApiError } from '../../errors.js';
import type { ConfigurationAdmin } from '../config-port.js';
import { etagOf, requireIfMatch } from '../etag.js';
import { ADMIN_SECURITY, adminRouter, errorResponses, jsonBody } from '../openapi.js';
import { canSee, organizationNotFound, requireRole } from '../principal.js';
import { ETAG_HEADER, IF_MATCH, listQuery, page, pageOf, readOrganization, withEtag } from '../resource.js';
import {
  createOrganizationBody,
  organizationParams,
  organizationSchema,
  organizationVersion,
  organizationView,
} from './schema.js';

const json = <T>(schema: T) => ({ 'application/json': { schema } });
const tags = ['organizations'];

const list = createRoute({
  method: 'get',
  path: '/organizations',
  tags,
  summary: 'The organizations the token may see',
  security: ADMIN_SECURITY,
  request: { query: listQuery },
  responses: {
    200: { description: 'One page', content: json(pageOf(organizationSchema)) },
    ...errorResponses(400, 401),
  },
});

const get = createRoute({
  method: 'get',
  path: '/organizations/{OrganizationId}',
  tags,
  summary: 'One organization',
  security: ADMIN_SECURITY,
  request: { params: organizationParams },
  responses: {
    200: { description: 'The organization', headers: ETAG_HEADER, content: json(organizationSchema) },
    ...errorResponses(401, 404),
  },
});

const post = createRoute({
  method: 'post',
  path: '/organizations',
  tags,
  summary: 'Creates an organization (editor)',
  security: ADMIN_SECURITY,
  middleware: [jsonBody],
  request: { body: { required: true, content: json(createOrganizationBody) } },
  responses: {
    201: { description: 'Created', headers: ETAG_HEADER, content: json(organizationSchema) },
    ...errorResponses(400, 401, 403, 409, 415),
  },
});

const remove = createRoute({
  method: 'delete',
  path: '/organizations/{OrganizationId}',
  tags,
  summary: 'Deletes an organization that holds nothing any more (editor)',
  security: ADMIN_SECURITY,
  request: { params: organizationParams, headers: IF_MATCH },
  responses: { 204: { description: 'Deleted' }, ...errorResponses(401, 403, 404, 409, 412, 428) },
});

/** /v1/admin/organizations: list, get, create, delete. */
export function organizationRoutes(port: ConfigurationAdmin) {
  return adminRouter()
    .openapi(list, (c) => {
      const admin = c.get('admin');
      const visible = port.organizations().filter((o) => canSee(admin, o.OrganizationId));
      return c.json(
        page(visible.map(organizationView), (o) => o.OrganizationId, c.req.valid('query')),
        200,
      );
    })
    .openapi(get, (c) => {
      const org = readOrganization(port, c.get('admin'), c.req.valid('param').OrganizationId);
      return c.json(withEtag(c, organizationView(org), organizationVersion(org)), 200);
    })
    .openapi(post, (c) => {
      const admin = c.get('admin');
      const { OrganizationId } = c.req.valid('json');
      requireRole(admin, 'editor');
      if (!canSee(admin, OrganizationId))
        throw new ApiError(
          'FORBIDDEN',
          `Organization ${OrganizationId} is outside this token's Organizations`,
        );
      port.edit(admin.name, OrganizationId, (current) => {
        if (current !== undefined) throw new ApiError('CONFLICT', `Organization ${OrganizationId} exists`);
        return { document: { OrganizationId, SecurityGroups: [], Webhooks: [] } };
      });
      const org = readOrganization(port, admin, OrganizationId);
      return c.json(withEtag(c, organizationView(org), organizationVersion(org)), 201);
    })
    .openapi(remove, (c) => {
      const admin = c.get('admin');
      const { OrganizationId } = c.req.valid('param');
      readOrganization(port, admin, OrganizationId);
      requireRole(admin, 'editor');
      port.edit(admin.name, OrganizationId, (current) => {
        if (current === undefined) throw organizationNotFound(OrganizationId);
        requireIfMatch(c, etagOf(organizationVersion(current)));
        if (current.Webhooks.length > 0)
          throw new ApiError(
            'CONFLICT',
            `Organization ${OrganizationId} has ${current.Webhooks.length} webhook(s): delete them first`,
          );
        return { document: null };
      });
      return c.body(null, 204);
    });
}
