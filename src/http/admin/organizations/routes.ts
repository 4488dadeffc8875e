import { z } from '@hono/zod-openapi';
import { ApiError } from '../../errors.js';
import type { ConfigurationAdmin } from '../config-port.js';
import { resourceRoutes } from '../crud.js';
import { etagOf, requireIfMatch } from '../etag.js';
import { adminRouter } from '../openapi.js';
import { canSee, organizationNotFound, requireRole } from '../principal.js';
import { page, readOrganization, withEtag } from '../resource.js';
import {
  createOrganizationBody,
  organizationParams,
  organizationSchema,
  organizationVersion,
  organizationView,
} from './schema.js';

const { list, get, post, remove } = resourceRoutes({
  tag: 'organizations',
  base: '/organizations',
  item: '/organizations/{OrganizationId}',
  listParams: z.object({}),
  itemParams: organizationParams,
  view: organizationSchema,
  createBody: createOrganizationBody,
  patchBody: z.object({}),
  summaries: {
    list: 'The organizations the token may see',
    get: 'One organization',
    post: 'Creates an organization (editor)',
    patch: '',
    delete: 'Deletes an organization that holds nothing any more (editor)',
  },
});

/** /v1/admin/organizations: list, get, create, delete. */
export function organizationRoutes(port: ConfigurationAdmin) {
  return adminRouter()
    .openapi(list, async (c) => {
      const admin = c.get('admin');
      const visible = (await port.organizations()).filter((o) => canSee(admin, o.OrganizationId));
      return c.json(
        page(visible.map(organizationView), (o) => o.OrganizationId, c.req.valid('query')),
        200,
      );
    })
    .openapi(get, async (c) => {
      const org = await readOrganization(port, c.get('admin'), c.req.valid('param').OrganizationId);
      return c.json(withEtag(c, organizationView(org), organizationVersion(org)), 200);
    })
    .openapi(post, async (c) => {
      const admin = c.get('admin');
      const { OrganizationId } = c.req.valid('json');
      requireRole(admin, 'editor');
      if (!canSee(admin, OrganizationId))
        throw new ApiError(
          'FORBIDDEN',
          `Organization ${OrganizationId} is outside this token's Organizations`,
        );
      await port.edit(admin.name, OrganizationId, (current) => {
        if (current !== undefined) throw new ApiError('CONFLICT', `Organization ${OrganizationId} exists`);
        return { document: { OrganizationId, SecurityGroups: [], Webhooks: [] } };
      });
      const org = await readOrganization(port, admin, OrganizationId);
      return c.json(withEtag(c, organizationView(org), organizationVersion(org)), 201);
    })
    .openapi(remove, async (c) => {
      const admin = c.get('admin');
      const { OrganizationId } = c.req.valid('param');
      await readOrganization(port, admin, OrganizationId);
      requireRole(admin, 'editor');
      await port.edit(admin.name, OrganizationId, (current) => {
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
