import { createRoute, z } from '@hono/zod-openapi';
import { ADMIN_SECURITY, adminRouter, errorResponses } from '../openapi.js';

const tokenSchema = z
  .object({
    Name: z.string(),
    Role: z.enum(['viewer', 'editor', 'admin']),
    Organizations: z.array(z.string()).nullable().openapi({ description: 'null: every organization' }),
  })
  .openapi('AdminToken');

const route = createRoute({
  method: 'get',
  path: '/token',
  tags: ['admin'],
  summary: 'The calling token: its Name, Role and Organizations',
  security: ADMIN_SECURITY,
  responses: {
    200: { description: 'The token', content: { 'application/json': { schema: tokenSchema } } },
    ...errorResponses(401),
  },
});

/** GET /v1/admin/token: who the token is, so a console can show what it may do. */
export function getToken() {
  return adminRouter().openapi(route, (c) => {
    const admin = c.get('admin');
    return c.json(
      {
        Name: admin.name,
        Role: admin.role,
        Organizations: admin.organizations === null ? null : [...admin.organizations].sort(),
      },
      200,
    );
  });
}
