import { createRoute, z } from '@hono/zod-openapi';

const status = (description: string) => ({
  description,
  content: { 'application/json': { schema: z.object({ Status: z.string() }) } },
});

export const healthzRoute = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['health'],
  summary: 'The process is up',
  responses: { 200: status('{"Status": "ok"}') },
});

export const readyzRoute = createRoute({
  method: 'get',
  path: '/readyz',
  tags: ['health'],
  summary: 'The store is open, migrated and takes writes, and the gateway is not stopping',
  responses: { 200: status('{"Status": "ready"}'), 503: status('not-ready or shutting-down') },
});
