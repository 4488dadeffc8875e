import { createRoute, z } from '@hono/zod-openapi';
import { ApiError } from '../../errors.js';
import type { ConfigurationAdmin } from '../config-port.js';
import { ADMIN_SECURITY, adminRouter, errorResponses } from '../openapi.js';
import { requireOrganization } from '../principal.js';
import { strictQuery } from '../strict-query.js';

const json = <T>(schema: T) => ({ 'application/json': { schema } });

const time = z.iso.datetime({
  offset: true,
  error: 'must be a date-time (ISO 8601, e.g. 2026-12-01T10:00:00Z)',
});

const auditQuery = strictQuery({
  OrganizationId: z.string().optional(),
  Resource: z
    .enum(['organization', 'webhook', 'subscription', 'security-group', 'admin-token', 'delivery'])
    .optional()
    .openapi({
      description:
        'organization, webhook, subscription, security-group, admin-token or delivery (a redeliver)',
    }),
  From: time.optional().openapi({ description: 'At or after this time (ISO 8601)' }),
  To: time.optional().openapi({ description: 'Before this time (ISO 8601), as everywhere in the API' }),
  Cursor: z.string().optional(),
  Limit: z.coerce.number().int().min(1).max(1000).optional(),
}).superRefine((q, ctx) => {
  if (q.From !== undefined && q.To !== undefined && Date.parse(q.From) >= Date.parse(q.To))
    ctx.addIssue({ code: 'custom', path: ['To'], message: 'must be after From' });
});

const entrySchema = z
  .object({
    Seq: z.int(),
    At: z.string(),
    Actor: z
      .string()
      .openapi({ description: "The admin token's Name, or document for a reload, an import or a start" }),
    OrganizationId: z.string().nullable(),
    Resource: z.string(),
    ResourceId: z.string().nullable(),
    Action: z.enum(['create', 'update', 'delete']),
    Before: z.unknown(),
    After: z.unknown(),
  })
  .openapi('AuditEntry');

const route = createRoute({
  method: 'get',
  path: '/audit',
  tags: ['audit'],
  summary: 'Every configuration change, newest first: who, when, what (secrets never shown)',
  security: ADMIN_SECURITY,
  request: { query: auditQuery },
  responses: {
    200: {
      description: 'One page',
      content: json(z.object({ Items: z.array(entrySchema), NextCursor: z.string().nullable() })),
    },
    ...errorResponses(400, 401, 404),
  },
});

function cursorSeq(cursor: string): number {
  const seq = Number(cursor);
  if (!Number.isSafeInteger(seq) || seq < 1 || String(seq) !== cursor)
    throw new ApiError('BAD_REQUEST', 'Invalid request', [
      { path: '$.Cursor', message: 'is not a cursor this API gave' },
    ]);
  return seq;
}

/** GET /v1/admin/audit: a scoped token sees the entries of its organizations only. */
export function auditRoutes(port: ConfigurationAdmin) {
  return adminRouter().openapi(route, async (c) => {
    const admin = c.get('admin');
    const q = c.req.valid('query');
    if (q.OrganizationId !== undefined) requireOrganization(admin, q.OrganizationId);
    const limit = q.Limit ?? 100;
    const { records, more } = await port.audit({
      organizations: admin.organizations === null ? null : [...admin.organizations],
      ...(q.OrganizationId === undefined ? {} : { organizationId: q.OrganizationId.toLowerCase() }),
      ...(q.Resource === undefined ? {} : { resource: q.Resource }),
      ...(q.From === undefined ? {} : { from: Date.parse(q.From) }),
      ...(q.To === undefined ? {} : { to: Date.parse(q.To) }),
      ...(q.Cursor === undefined ? {} : { beforeSeq: cursorSeq(q.Cursor) }),
      limit,
    });
    const Items = records.map((r) => ({
      Seq: r.seq,
      At: new Date(r.at).toISOString(),
      Actor: r.actor,
      OrganizationId: r.organizationId,
      Resource: r.resource,
      ResourceId: r.resourceId,
      Action: r.action,
      Before: r.before,
      After: r.after,
    }));
    const last = records.at(-1);
    return c.json({ Items, NextCursor: more && last !== undefined ? String(last.seq) : null }, 200);
  });
}
