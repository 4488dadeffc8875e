import { createRoute, z } from '@hono/zod-openapi';
import { producerErrors } from '../openapi-errors.js';

const info = z
  .object({})
  .passthrough()
  .openapi({ description: 'EventType, EntityType, default TTL and JsonSchema' });

export const listEventTypesRoute = createRoute({
  method: 'get',
  path: '/v1/event-types',
  tags: ['catalogue'],
  summary: 'Every event type with its JSON Schema (no token needed)',
  responses: {
    200: {
      description: 'The catalogue',
      content: { 'application/json': { schema: z.object({ EventTypes: z.array(info) }) } },
    },
  },
});

export const getEventTypeRoute = createRoute({
  method: 'get',
  path: '/v1/event-types/{eventType}',
  tags: ['catalogue'],
  summary: 'One event type with its JSON Schema',
  request: { params: z.object({ eventType: z.string() }) },
  responses: {
    200: { description: 'The event type', content: { 'application/json': { schema: info } } },
    ...producerErrors({ 404: 'Unknown EventType' }),
  },
});
