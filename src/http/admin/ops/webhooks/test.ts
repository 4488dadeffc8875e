import { createRoute, z } from '@hono/zod-openapi';
import { ADMIN_SECURITY, adminRouter, errorResponses, jsonBody } from '../../openapi.js';
import { editorOnly, requireOrganization } from '../../principal.js';
import type { SupportOperations } from '../ports.js';
import { eventTypeName, testAttemptSchema, testRecordSchema } from '../schema.js';
import { webhookFound } from '../scope.js';
import { webhookParams } from './health.js';

const route = createRoute({
  method: 'post',
  path: '/organizations/{OrganizationId}/webhooks/{WebhookId}/test',
  tags: ['support'],
  summary:
    "POSTs a sample event of the type (the spec's example, with fresh ids) to the webhook now and answers with the attempt; recorded as a test attempt, not as an event",
  security: ADMIN_SECURITY,
  middleware: [editorOnly, jsonBody] as const,
  request: {
    params: webhookParams,
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z
            .strictObject({
              EventType: eventTypeName.openapi({ description: 'an EventType of GET /v1/event-types' }),
            })
            .openapi('TestSend'),
        },
      },
    },
  },
  responses: {
    200: {
      description: 'The attempt, whatever its outcome',
      content: { 'application/json': { schema: testAttemptSchema } },
    },
    ...errorResponses(400, 401, 403, 404, 409, 415),
  },
});

/** POST .../webhooks/{WebhookId}/test: editors and up, within scope. */
export function postTest(ops: SupportOperations) {
  return adminRouter().openapi(route, async (c) => {
    const admin = c.get('admin');
    const { OrganizationId, WebhookId } = c.req.valid('param');
    requireOrganization(admin, OrganizationId);
    const { EventType } = c.req.valid('json');
    const attempt = await ops.testSend(OrganizationId, WebhookId, EventType, admin.name);
    return c.json(webhookFound(OrganizationId, WebhookId, attempt), 200);
  });
}

const list = createRoute({
  method: 'get',
  path: '/organizations/{OrganizationId}/webhooks/{WebhookId}/tests',
  tags: ['support'],
  summary: "The webhook's last test sends, newest first (the newest 20 are kept), with who sent each",
  security: ADMIN_SECURITY,
  request: { params: webhookParams },
  responses: {
    200: {
      description: 'Test sends',
      content: { 'application/json': { schema: z.object({ Items: z.array(testRecordSchema) }) } },
    },
    ...errorResponses(400, 401, 404),
  },
});

/** GET .../webhooks/{WebhookId}/tests: viewers and up, within scope. */
export function getTests(ops: SupportOperations) {
  return adminRouter().openapi(list, async (c) => {
    const { OrganizationId, WebhookId } = c.req.valid('param');
    requireOrganization(c.get('admin'), OrganizationId);
    return c.json(
      { Items: webhookFound(OrganizationId, WebhookId, await ops.testsOf(OrganizationId, WebhookId)) },
      200,
    );
  });
}
