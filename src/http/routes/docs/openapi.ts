import { createRoute, z } from '@hono/zod-openapi';

export const openApiRoute = createRoute({
  method: 'get',
  path: '/openapi.json',
  tags: ['docs'],
  summary: 'This OpenAPI 3.1 document',
  responses: {
    200: {
      description: 'The document',
      content: { 'application/json': { schema: z.object({}).passthrough() } },
    },
  },
});

export const docsRoute = createRoute({
  method: 'get',
  path: '/docs',
  tags: ['docs'],
  summary: 'The interactive reference (Swagger UI, served by the gateway itself)',
  responses: { 200: { description: 'HTML', content: { 'text/html': { schema: z.string() } } } },
});

export const docsAssetRoute = createRoute({
  method: 'get',
  path: '/docs/{file}',
  tags: ['docs'],
  summary:
    "Swagger UI's files (init.js, swagger-ui.css, swagger-ui-bundle.js, swagger-ui-standalone-preset.js)",
  request: { params: z.object({ file: z.string() }) },
  responses: { 200: { description: 'The file' }, 404: { description: 'No such file' } },
});
