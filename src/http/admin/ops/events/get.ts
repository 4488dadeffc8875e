import { createRoute, z } from '@hono/zod-openapi';
import { ADMIN_SECURITY, adminRouter, errorResponses } from '../../openapi.js';
import { requireOrganization } from '../../principal.js';
import type { SupportOperations } from '../ports.js';
import { eventDetailSchema, eventSummarySchema, eventTypeName, listQueryOf, pageOf } from '../schema.js';
import { ms, visible } from '../scope.js';

const list = createRoute({
  method: 'get',
  path: '/events',
  tags: ['support'],
  summary: "An organization's events, newest first, narrowed by type, entity and acceptance time",
  security: ADMIN_SECURITY,
  request: {
    query: listQueryOf({
      OrganizationId: z.guid(),
      EventType: eventTypeName.optional(),
      EntityId: z.guid().optional(),
    }),
  },
  responses: {
    200: {
      description: 'A page of events',
      content: { 'application/json': { schema: pageOf(eventSummarySchema, 'EventPage') } },
    },
    ...errorResponses(400, 401, 404),
  },
});

const one = createRoute({
  method: 'get',
  path: '/events/{Id}',
  tags: ['support'],
  summary:
    'One event: the webhooks it matched, each delivery with every attempt, and why each other subscription of its type did not match',
  security: ADMIN_SECURITY,
  request: { params: z.object({ Id: z.guid() }) },
  responses: {
    200: {
      description: 'The trace of the event',
      content: { 'application/json': { schema: eventDetailSchema } },
    },
    ...errorResponses(400, 401, 404),
  },
});

/** GET /v1/admin/events and /v1/admin/events/{Id}: viewers and up, within the token's organizations. */
export function getEvents(ops: SupportOperations) {
  return adminRouter()
    .openapi(list, async (c) => {
      const q = c.req.valid('query');
      requireOrganization(c.get('admin'), q.OrganizationId);
      const page = await ops.listEvents({
        organizationId: q.OrganizationId,
        eventType: q.EventType,
        entityId: q.EntityId,
        from: ms(q.From),
        to: ms(q.To),
        cursor: q.Cursor,
        limit: q.Limit ?? 50,
      });
      return c.json(page, 200);
    })
    .openapi(one, async (c) => {
      const { Id } = c.req.valid('param');
      const found = await ops.getEvent(Id);
      // A pruned event's tombstone names no organization: only an unscoped token sees it.
      const organizationId =
        found?.Event?.OrganizationId ?? (c.get('admin').organizations === null ? '' : null);
      const detail = visible(
        c.get('admin'),
        found === null || organizationId === null ? null : { ...found, OrganizationId: organizationId },
        `No event with Id ${Id} was accepted`,
      );
      const { OrganizationId: _, ...body } = detail;
      return c.json(body, 200);
    });
}
