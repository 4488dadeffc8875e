import { createRoute, z } from '@hono/zod-openapi';
import { formatChange } from '../../../config/index.js';
import { readJsonBody } from '../../json-body.js';
import type { ConfigurationAdmin } from '../config-port.js';
import { ADMIN_SECURITY, adminRouter, errorResponses, jsonBody } from '../openapi.js';
import { wholeGatewayAdmin } from '../principal.js';
import { strictQuery } from '../strict-query.js';

const json = <T>(schema: T) => ({ 'application/json': { schema } });
const tags = ['config'];

const documentSchema = z.record(z.string(), z.unknown()).openapi('ConfigDocument', {
  description: 'The configuration document (see config.schema.json and the README)',
});
const planSchema = z
  .object({
    DryRun: z.boolean(),
    Changes: z.array(
      z.object({
        Op: z.string(),
        Kind: z.string(),
        OrganizationId: z.string(),
        Key: z.string(),
        WebhookId: z.string().optional(),
        Detail: z.string().optional(),
        Text: z.string(),
      }),
    ),
  })
  .openapi('ConfigPlan');

const get = createRoute({
  method: 'get',
  path: '/config',
  tags,
  summary:
    "The configuration document's Organizations, webhook secrets included (admin, every organization); the Gateway section and its tokens are never exported here",
  security: ADMIN_SECURITY,
  middleware: [wholeGatewayAdmin],
  responses: {
    200: { description: 'The document', content: json(documentSchema) },
    ...errorResponses(401, 403),
  },
});
const put = createRoute({
  method: 'put',
  path: '/config',
  tags,
  summary:
    "Applies a document's Organizations as desired state (admin, every organization); ?dryRun=true only plans",
  security: ADMIN_SECURITY,
  middleware: [wholeGatewayAdmin, jsonBody],
  request: {
    query: strictQuery({ dryRun: z.enum(['true', 'false']).optional() }),
    body: { required: true, content: json(documentSchema) },
  },
  responses: {
    200: { description: 'The changes', content: json(planSchema) },
    ...errorResponses(400, 401, 403, 415),
  },
});

/** GET and PUT /v1/admin/config: export and import over HTTP, as `gateway export` and `gateway import` do. */
export function configRoutes(port: ConfigurationAdmin) {
  return adminRouter()
    .openapi(get, async (c) => {
      c.header('Cache-Control', 'no-store');
      return c.json((await port.exportDocument()) as unknown as Record<string, unknown>, 200);
    })
    .openapi(put, async (c) => {
      const admin = c.get('admin');
      const dryRun = c.req.valid('query').dryRun === 'true';
      const changes = await port.applyDocument(admin.name, await readJsonBody(c), dryRun);
      return c.json(
        {
          DryRun: dryRun,
          Changes: changes.map((change) => ({
            Op: change.op,
            Kind: change.kind,
            OrganizationId: change.organizationId,
            Key: change.key,
            ...(change.webhookId === undefined ? {} : { WebhookId: change.webhookId }),
            ...(change.detail === undefined ? {} : { Detail: change.detail }),
            Text: formatChange(change),
          })),
        },
        200,
      );
    });
}
