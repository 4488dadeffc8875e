import { createRoute } from '@hono/zod-openapi';
import { ApiError } from '../../errors.js';
import { etagOf, requireIfMatch } from '../etag.js';
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
const getOne = createRoute({
  method: 'get',
  path: '/tokens/{Name}',
  tags,
  summary:
    'One admin token (never the token or its digest), with the ETag a DELETE names (admin, every organization)',
  security: ADMIN_SECURITY,
  middleware: [wholeGatewayAdmin],
  request: { params: tokenParams },
  responses: {
    200: { description: 'The token; ETag header', content: json(tokenViewSchema) },
    ...errorResponses(401, 403, 404),
  },
});
const remove = createRoute({
  method: 'delete',
  path: '/tokens/{Name}',
  tags,
  summary:
    'Deletes a token created over the API, If-Match its ETag as every DELETE: it opens nothing from the next request (admin, every organization)',
  security: ADMIN_SECURITY,
  middleware: [wholeGatewayAdmin],
  request: { params: tokenParams },
  responses: {
    200: { description: 'The token deleted', content: json(tokenViewSchema) },
    ...errorResponses(401, 403, 404, 409, 412, 428),
  },
});

/** /v1/admin/tokens: the admin tokens, for the admin role with an unscoped token. */
export function tokenRoutes(port: AdminTokensPort) {
  return adminRouter()
    .openapi(list, async (c) => c.json({ Tokens: await port.list() }, 200))
    .openapi(post, async (c) => {
      const created = await port.create(c.get('admin').name, c.req.valid('json'));
      c.header('Cache-Control', 'no-store');
      return c.json({ ...created.view, Token: created.token }, 201);
    })
    .openapi(getOne, async (c) => {
      const token = await existing(port, c.req.valid('param').Name);
      c.header('ETag', etagOf(token));
      return c.json(token, 200);
    })
    .openapi(remove, async (c) => {
      const { Name } = c.req.valid('param');
      // The ETag tells a token from another of the same Name created since it was read (CreatedAt differs).
      requireIfMatch(c, etagOf(await existing(port, Name)));
      return c.json(await port.remove(c.get('admin').name, Name), 200);
    });
}

async function existing(port: AdminTokensPort, name: string) {
  const token = (await port.list()).find((t) => t.Name === name);
  if (token === undefined) throw new ApiError('NOT_FOUND', `Token "${name}" not found`);
  return token;
}
