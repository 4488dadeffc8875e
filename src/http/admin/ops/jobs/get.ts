import { createRoute, z } from '@hono/zod-openapi';
import { ADMIN_SECURITY, adminRouter, errorResponses } from '../../openapi.js';
import { editorOnly, requireOrganization } from '../../principal.js';
import { strictQuery } from '../../strict-query.js';
import type { SupportOperations } from '../ports.js';
import { jobSchema } from '../schema.js';
import { visible, webhookFound } from '../scope.js';
import { webhookParams } from '../webhooks/health.js';

const params = z.object({ JobId: z.guid() });

const one = createRoute({
  method: 'get',
  path: '/jobs/{JobId}',
  tags: ['support'],
  summary: 'A recovery job: Done of Total, and its State',
  security: ADMIN_SECURITY,
  request: { params },
  responses: {
    200: { description: 'The job', content: { 'application/json': { schema: jobSchema } } },
    ...errorResponses(400, 401, 404),
  },
});

const cancel = createRoute({
  method: 'post',
  path: '/jobs/{JobId}/cancel',
  tags: ['support'],
  summary:
    'Cancels a running job between batches: what it re-queued stays queued, nothing more is; a job that already ended is answered as it is',
  security: ADMIN_SECURITY,
  middleware: [editorOnly] as const,
  request: { params },
  responses: {
    200: {
      description: 'The job, cancelled (or as it ended)',
      content: { 'application/json': { schema: jobSchema } },
    },
    ...errorResponses(400, 401, 403, 404),
  },
});

const ofWebhook = createRoute({
  method: 'get',
  path: '/organizations/{OrganizationId}/webhooks/{WebhookId}/jobs',
  tags: ['support'],
  summary:
    "The webhook's recovery jobs, newest first (a running one included): how to find a job whose JobId was lost",
  security: ADMIN_SECURITY,
  request: {
    params: webhookParams,
    query: strictQuery({ Limit: z.coerce.number().int().min(1).max(100).default(20) }),
  },
  responses: {
    200: {
      description: 'Jobs',
      content: { 'application/json': { schema: z.object({ Items: z.array(jobSchema) }) } },
    },
    ...errorResponses(400, 401, 404),
  },
});

/**
 * GET /v1/admin/jobs/{JobId} and a webhook's jobs (viewers and up), and a job's cancel (editors and up),
 * within scope.
 */
export function jobRoutes(ops: SupportOperations) {
  return adminRouter()
    .openapi(one, async (c) => {
      const { JobId } = c.req.valid('param');
      return c.json(visible(c.get('admin'), await ops.getJob(JobId), `Job ${JobId} not found`), 200);
    })
    .openapi(ofWebhook, async (c) => {
      const { OrganizationId, WebhookId } = c.req.valid('param');
      requireOrganization(c.get('admin'), OrganizationId);
      const { Limit } = c.req.valid('query');
      return c.json(
        {
          Items: webhookFound(OrganizationId, WebhookId, await ops.jobsOf(OrganizationId, WebhookId, Limit)),
        },
        200,
      );
    })
    .openapi(cancel, async (c) => {
      const admin = c.get('admin');
      const { JobId } = c.req.valid('param');
      visible(admin, await ops.getJob(JobId), `Job ${JobId} not found`);
      return c.json(visible(admin, await ops.cancelJob(JobId), `Job ${JobId} not found`), 200);
    });
}
