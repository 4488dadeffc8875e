import { createHash, timingSafeEqual } from 'node:crypto';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { ApiError } from '../../errors.js';

/** What GET /metrics serves (the service's GatewayMetrics), and the token it asks for. */
export interface MetricsEndpoint {
  /** Gateway.MetricsToken in force; undefined: /metrics needs no token. */
  token(): string | undefined;
  render(): Promise<{ contentType: string; text: string }>;
}

const route = createRoute({
  method: 'get',
  path: '/metrics',
  tags: ['operations'],
  summary: 'Prometheus metrics (behind Gateway.MetricsToken as a bearer token when it is set)',
  security: [{ MetricsToken: [] }, {}],
  responses: {
    200: {
      description: 'The Prometheus text exposition format',
      content: { 'text/plain': { schema: z.string() } },
    },
    401: { description: 'Gateway.MetricsToken is set and the request does not carry it' },
  },
});

const digest = (text: string) => createHash('sha256').update(text).digest();

/** GET /metrics. The token is compared as a SHA-256 digest in constant time, as the other tokens are. */
export function getMetrics(endpoint: MetricsEndpoint) {
  const app = new OpenAPIHono();
  app.openAPIRegistry.registerComponent('securitySchemes', 'MetricsToken', {
    type: 'http',
    scheme: 'bearer',
    description: 'Gateway.MetricsToken',
  });
  return app.openapi(route, async (c) => {
    const token = endpoint.token();
    if (token !== undefined) {
      const given = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1];
      if (given === undefined || !timingSafeEqual(digest(given), digest(token)))
        throw new ApiError('UNAUTHORIZED', 'GET /metrics needs Authorization: Bearer <Gateway.MetricsToken>');
    }
    const { contentType, text } = await endpoint.render();
    return c.body(text, 200, { 'content-type': contentType });
  });
}
