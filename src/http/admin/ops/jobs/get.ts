import { createRoute, z } from '@hono/zod-openapi';
import { ADMIN_SECURITY, adminRouter, errorResponses } from '../../openapi.js';
import { editorOnly } from '../../principal.js';
import type { SupportOperations } from '../ports.js';
import { jobSchema } from '../schema.js';
import { visible } from '../scope.js';

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

/** GET /v1/admin/jobs/{JobId} (viewers and up) and its cancel (editors and up), within scope. */
export function jobRoutes(ops: SupportOperations) {
  return adminRouter()
    .openapi(one, async (c) => {
      const { JobId } = c.req.valid('param');
      return c.json(visible(c.get('admin'), await ops.getJob(JobId), `Job ${JobId} not found`), 200);
    })
    .openapi(cancel, async (c) => {
      const admin = c.get('admin');
      const { JobId } = c.req.valid('param');
      visible(admin, await ops.getJob(JobId), `Job ${JobId} not found`);
      return c.json(visible(admin, await ops.cancelJob(JobId), `Job ${JobId} not found`), 200);
    });
}
