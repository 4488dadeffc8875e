import { createRoute, z } from '@hono/zod-openapi';
import { limitBody } from '../../../body-limit.js';
import { MAX_BODY_BYTES } from '../../../routes/events/post.js';
import { ADMIN_SECURITY, adminRouter, errorResponses, jsonBody } from '../../openapi.js';
import { requireOrganization } from '../../principal.js';
import type { SupportOperations } from '../ports.js';
import { explainSchema } from '../schema.js';

const route = createRoute({
  method: 'post',
  path: '/organizations/{OrganizationId}/explain',
  tags: ['support'],
  summary:
    'Validates an event and tells which webhooks would receive it and, for every other subscription of its type, why not; stores and sends nothing',
  security: ADMIN_SECURITY,
  // The producer API's limit: an event explained is one that could be published.
  middleware: [limitBody(MAX_BODY_BYTES, 'Body'), jsonBody],
  request: {
    params: z.object({ OrganizationId: z.guid() }),
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.looseObject({}).openapi({ description: 'an event, as producers publish it' }),
        },
      },
    },
  },
  responses: {
    200: { description: 'Where it would go', content: { 'application/json': { schema: explainSchema } } },
    ...errorResponses(400, 401, 404, 413, 415),
  },
});

/** POST /v1/admin/organizations/{OrganizationId}/explain: viewers and up (it changes nothing), within scope. */
export function postExplain(ops: SupportOperations) {
  return adminRouter().openapi(route, async (c) => {
    const { OrganizationId } = c.req.valid('param');
    requireOrganization(c.get('admin'), OrganizationId);
    return c.json(await ops.explain(OrganizationId, await c.req.json()), 200);
  });
}
