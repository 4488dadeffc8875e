import { createRoute, z } from '@hono/zod-openapi';
import { ADMIN_SECURITY, adminRouter, errorResponses } from '../../openapi.js';
import { editorOnly } from '../../principal.js';
import { optionalJsonBody } from '../body.js';
import type { SupportOperations } from '../ports.js';
import { deliveryDetailSchema } from '../schema.js';
import { visible } from '../scope.js';
import { deliveryIdParam } from './get.js';

const route = createRoute({
  method: 'post',
  path: '/deliveries/{DeliveryId}/redeliver',
  tags: ['support'],
  summary:
    'One more attempt now, whatever its state: the same body and Id, as a new attempt of the same delivery (an expired one only with "Force": true)',
  security: ADMIN_SECURITY,
  middleware: [editorOnly, optionalJsonBody] as const,
  request: {
    params: deliveryIdParam,
    body: {
      required: false,
      content: {
        'application/json': {
          schema: z.strictObject({
            Force: z
              .boolean()
              .optional()
              .openapi({ description: 'attempt an expired delivery past its TTL' }),
          }),
        },
      },
    },
  },
  responses: {
    202: {
      description: 'Due now; the engine attempts it at once (the delivery as it is now)',
      content: { 'application/json': { schema: deliveryDetailSchema } },
    },
    ...errorResponses(400, 401, 403, 404, 409, 415),
  },
});

/** POST /v1/admin/deliveries/{DeliveryId}/redeliver: editors and up, within scope. */
export function postRedeliver(ops: SupportOperations) {
  return adminRouter().openapi(route, async (c) => {
    const admin = c.get('admin');
    const { DeliveryId } = c.req.valid('param');
    visible(admin, await ops.getDelivery(DeliveryId), `Delivery ${DeliveryId} not found`);
    const body = c.req.valid('json') ?? {};
    return c.json(await ops.redeliver(DeliveryId, body.Force === true, admin.name), 202);
  });
}
