import { createRoute, z } from '@hono/zod-openapi';
import { ADMIN_SECURITY, adminRouter, errorResponses } from '../../openapi.js';
import { requireOrganization } from '../../principal.js';
import type { SupportOperations } from '../ports.js';
import { healthSchema } from '../schema.js';
import { webhookFound } from '../scope.js';

export const webhookParams = z.object({ OrganizationId: z.guid(), WebhookId: z.guid() });

const route = createRoute({
  method: 'get',
  path: '/organizations/{OrganizationId}/webhooks/{WebhookId}/health',
  tags: ['support'],
  summary:
    'Breaker state, deliveries waiting and the age of the oldest, success rate and p50/p99 attempt duration over the last 5 minutes and hour, last success, last failure',
  security: ADMIN_SECURITY,
  request: { params: webhookParams },
  responses: {
    200: { description: "The webhook's health", content: { 'application/json': { schema: healthSchema } } },
    ...errorResponses(400, 401, 404),
  },
});

/** GET .../webhooks/{WebhookId}/health: viewers and up, within scope. */
export function getHealth(ops: SupportOperations) {
  return adminRouter().openapi(route, async (c) => {
    const { OrganizationId, WebhookId } = c.req.valid('param');
    requireOrganization(c.get('admin'), OrganizationId);
    return c.json(webhookFound(OrganizationId, WebhookId, await ops.health(OrganizationId, WebhookId)), 200);
  });
}
