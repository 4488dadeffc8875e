import { createRoute, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../../../errors.js';
import { ADMIN_SECURITY, adminRouter, errorResponses, jsonBody } from '../../openapi.js';
import { type AdminEnv, editorOnly, requireOrganization } from '../../principal.js';
import { strictQuery } from '../../strict-query.js';
import type { SupportOperations } from '../ports.js';
import { FINISHED_STATE_NAMES, jobSchema } from '../schema.js';
import { webhookFound } from '../scope.js';
import { webhookParams } from './health.js';

const bodySchema = z
  .strictObject({
    Since: z.iso.datetime({ offset: true }).openapi({ description: 'deliveries created at or after' }),
    Until: z.iso.datetime({ offset: true }).openapi({ description: 'deliveries created before' }),
    States: z
      .array(z.enum(FINISHED_STATE_NAMES))
      .min(1)
      .openapi({ description: 'finished states to re-queue; expired ones are attempted past their TTL' }),
  })
  .openapi('RecoveryRequest');

/** A dry run changes nothing: every role may count (README: every role reads and explains). */
const editorUnlessDryRun: MiddlewareHandler<AdminEnv> = async (c, next) => {
  if (c.req.query('dryRun') === 'true') await next();
  else await editorOnly(c, next);
};

const route = createRoute({
  method: 'post',
  path: '/organizations/{OrganizationId}/webhooks/{WebhookId}/recover',
  tags: ['support'],
  summary:
    'Re-queues the deliveries of a webhook in these states, created in [Since, Until), for one more attempt each: ?dryRun=true counts them; otherwise a job does it in batches',
  security: ADMIN_SECURITY,
  middleware: [editorUnlessDryRun, jsonBody] as const,
  request: {
    params: webhookParams,
    query: strictQuery({ dryRun: z.enum(['true', 'false']).optional() }),
    body: { required: true, content: { 'application/json': { schema: bodySchema } } },
  },
  responses: {
    200: {
      description: 'Dry run: how many deliveries would be re-queued',
      content: {
        'application/json': { schema: z.object({ Count: z.number().int() }).openapi('RecoveryCount') },
      },
    },
    202: { description: 'The job, started', content: { 'application/json': { schema: jobSchema } } },
    ...errorResponses(400, 401, 403, 404, 409, 415),
  },
});

/** POST .../webhooks/{WebhookId}/recover: editors and up (a dry run: every role), within scope. */
export function postRecover(ops: SupportOperations) {
  return adminRouter().openapi(route, async (c) => {
    const admin = c.get('admin');
    const { OrganizationId, WebhookId } = c.req.valid('param');
    requireOrganization(admin, OrganizationId);
    const body = c.req.valid('json');
    const request = { states: body.States, since: Date.parse(body.Since), until: Date.parse(body.Until) };
    if (request.until <= request.since)
      throw new ApiError('BAD_REQUEST', 'Invalid request', [
        { path: '$.Until', message: 'must be after Since' },
      ]);
    if (c.req.valid('query').dryRun === 'true') {
      const count = webhookFound(
        OrganizationId,
        WebhookId,
        await ops.countRecoverable(OrganizationId, WebhookId, request),
      );
      return c.json({ Count: count }, 200);
    }
    const job = webhookFound(
      OrganizationId,
      WebhookId,
      await ops.startRecovery(OrganizationId, WebhookId, request, admin.name),
    );
    c.header('Location', `/v1/admin/jobs/${job.JobId}`);
    return c.json(job, 202);
  });
}
