import { createRoute } from '@hono/zod-openapi';
import { ADMIN_SECURITY, adminRouter, errorResponses, jsonBody } from '../openapi.js';
import { wholeGatewayAdmin } from '../principal.js';
import type { AdminTokensPort } from './port.js';
import {
  createdTokenSchema,
  createTokenBody,
  tokenListSchema,
  tokenParams,
  tokenViewSchema,
} from './schema.js';

const json = <T>(schema: T) => ({ 'application/json': { schema } });
const tags = ['admin'];

const list = createRoute({
  method: 'get',
  path: '/tokens',
  tags,
  summary:
    "Every admin token: the file's (read-only) and those created over the API (admin, every organization)",
  security: ADMIN_SECURITY,
  middleware: [wholeGatewayAdmin],
  responses: {
    200: { description: 'The tokens, by Name', content: json(tokenListSchema) },
    ...errorResponses(401, 403),
  },
});
const post = createRoute({
  method: 'post',
  path: '/tokens',
  tags,
  summary: 'Creates an admin token, shown once in the answer (admin, every organization)',
  security: ADMIN_SECURITY,
  middleware: [wholeGatewayAdmin, jsonBody],
  request: { body: { required: true, content: json(createTokenBody) } },
  responses: {
    201: { description: 'The token, with its secret', content: json(createdTokenSchema) },
    ...errorResponses(400, 401, 403, 409, 415),
  },
});
const remove = createRoute({
  method: 'delete',
  path: '/tokens/{Name}',
  tags,
  summary:
    'Deletes a token created over the API: it opens nothing from the next request (admin, every organization)',
  security: ADMIN_SECURITY,
  middleware: [wholeGatewayAdmin],
  request: { params: tokenParams },
  responses: {
    200: { description: 'The token deleted', content: json(tokenViewSchema) },
    ...errorResponses(401, 403, 404, 409),
  },
});

/** /v1/admin/tokens: the admin tokens, for the admin role with an unscoped token. */
export function tokenRoutes(port: AdminTokensPort) {
  return adminRouter()
    .openapi(list, (c) => c.json({ Tokens: port.list() }, 200))
    .openapi(post, (c) => {
      const created = port.create(c.get('admin').name, c.req.valid('json'));
      c.header('Cache-Control', 'no-store');
      return c.json({ ...created.view, Token: created.token }, 201);
    })
    .openapi(remove, (c) => c.json(port.remove(c.get('admin').name, c.req.valid('param').Name), 200));
}
