import { createRoute, z } from '@hono/zod-openapi';
import { ADMIN_SECURITY, adminRouter, errorResponses } from '../../openapi.js';
import { requireOrganization } from '../../principal.js';
import type { SupportOperations } from '../ports.js';
import {
  DELIVERY_STATE_NAMES,
  deliveryDetailSchema,
  deliverySummarySchema,
  listQueryOf,
  oneOrMore,
  pageOf,
} from '../schema.js';
import { ms, visible, webhookFound } from '../scope.js';

export const deliveryIdParam = z.object({ DeliveryId: z.coerce.number().int().positive() });

const one = createRoute({
  method: 'get',
  path: '/deliveries/{DeliveryId}',
  tags: ['support'],
  summary: 'One delivery with every attempt kept of it',
  security: ADMIN_SECURITY,
  request: { params: deliveryIdParam },
  responses: {
    200: { description: 'The delivery', content: { 'application/json': { schema: deliveryDetailSchema } } },
    ...errorResponses(400, 401, 404),
  },
});

const ofWebhook = createRoute({
  method: 'get',
  path: '/organizations/{OrganizationId}/webhooks/{WebhookId}/deliveries',
  tags: ['support'],
  summary: "A webhook's deliveries, newest first, by state and creation time",
  security: ADMIN_SECURITY,
  request: {
    params: z.object({ OrganizationId: z.guid(), WebhookId: z.guid() }),
    query: listQueryOf({
      State: oneOrMore(
        DELIVERY_STATE_NAMES,
        `one or more of ${DELIVERY_STATE_NAMES.join(', ')}, comma-separated or repeated`,
      ),
    }),
  },
  responses: {
    200: {
      description: 'A page of deliveries',
      content: { 'application/json': { schema: pageOf(deliverySummarySchema, 'DeliveryPage') } },
    },
    ...errorResponses(400, 401, 404),
  },
});

/** GET /v1/admin/deliveries/{DeliveryId} and a webhook's deliveries: viewers and up, within scope. */
export function getDeliveries(ops: SupportOperations) {
  return adminRouter()
    .openapi(one, async (c) => {
      const { DeliveryId } = c.req.valid('param');
      return c.json(
        visible(c.get('admin'), await ops.getDelivery(DeliveryId), `Delivery ${DeliveryId} not found`),
        200,
      );
    })
    .openapi(ofWebhook, async (c) => {
      const { OrganizationId, WebhookId } = c.req.valid('param');
      const q = c.req.valid('query');
      requireOrganization(c.get('admin'), OrganizationId);
      const page = webhookFound(
        OrganizationId,
        WebhookId,
        await ops.listDeliveries(OrganizationId, WebhookId, {
          states: q.State,
          from: ms(q.From),
          to: ms(q.To),
          cursor: q.Cursor,
          limit: q.Limit ?? 50,
        }),
      );
      return c.json(page, 200);
    });
}
