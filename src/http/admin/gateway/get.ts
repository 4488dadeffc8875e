import { createRoute, z } from '@hono/zod-openapi';
import type { GatewaySection } from '../../../config/index.js';
import { ADMIN_SECURITY, adminRouter, errorResponses } from '../openapi.js';
import { wholeGatewayAdmin } from '../principal.js';
import { gatewayView } from './view.js';

const route = createRoute({
  method: 'get',
  path: '/gateway',
  tags: ['config'],
  summary:
    'The Gateway section in force, secrets left out (admin, every organization); it is changed in the configuration file',
  security: ADMIN_SECURITY,
  middleware: [wholeGatewayAdmin],
  responses: {
    200: {
      description:
        'The Gateway section: producer tokens as a count, admin tokens by Name, other secrets <redacted>',
      content: {
        'application/json': { schema: z.record(z.string(), z.unknown()).openapi('GatewaySettings') },
      },
    },
    ...errorResponses(401, 403),
  },
});

/** GET /v1/admin/gateway: what the process runs with, as started or last reloaded. */
export function getGateway(running: () => GatewaySection) {
  return adminRouter().openapi(route, (c) => c.json(gatewayView(running()), 200));
}
