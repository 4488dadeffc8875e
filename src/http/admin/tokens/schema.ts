import { z } from '@hono/zod-openapi';
import { ADMIN_ROLES, adminTokenName } from '../../../config/index.js';

const guid = z.guid({ error: 'must be a Guid (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)' });

export const tokenViewSchema = z
  .object({
    Name: z.string(),
    Role: z.enum(ADMIN_ROLES),
    Organizations: z.array(z.string()).nullable().openapi({ description: 'null: every organization' }),
    Source: z.enum(['file', 'api']).openapi({
      description:
        'file: Gateway.AdminTokens (read-only here, changed in the file); api: created over this API',
    }),
    CreatedAt: z.string().optional(),
    CreatedBy: z.string().optional(),
  })
  .openapi('AdminTokenEntry');

export const tokenListSchema = z.object({ Tokens: z.array(tokenViewSchema) }).openapi('AdminTokenList');

/** The same fields and limits as a Gateway.AdminTokens entry, without the token: the gateway makes it. */
export const createTokenBody = z
  .strictObject({
    Name: adminTokenName(),
    Role: z.enum(ADMIN_ROLES, { error: 'must be one of viewer, editor, admin' }),
    Organizations: z.array(guid).min(1).optional(),
  })
  .openapi('NewAdminToken');

export const createdTokenSchema = tokenViewSchema
  .extend({
    Token: z
      .string()
      .openapi({ description: 'The bearer token: shown in this answer only, stored as its SHA-256' }),
  })
  .openapi('CreatedAdminToken');

export const tokenParams = z.object({ Name: z.string().min(1).max(100) });
