import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { problemsFromIssues } from '../../problems.js';
import { ApiError, type ErrorCode } from '../errors.js';
import { readJsonBody } from '../json-body.js';
import type { AdminEnv } from './principal.js';

/** The one error shape, as the OpenAPI document describes it. */
export const errorSchema = z
  .object({
    Error: z.object({
      Code: z.string(),
      Message: z.string(),
      Problems: z.array(z.object({ Path: z.string(), Message: z.string() })).optional(),
    }),
  })
  .openapi('Error');

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request: every problem named with its JSON path',
  401: 'Missing or invalid admin token',
  403: "The token's role does not allow this",
  404: "Not found, or outside the token's Organizations (the same answer)",
  409: 'Conflicts with the current state',
  412: 'If-Match names a version the resource no longer has',
  415: 'Content-Type is not application/json',
  428: 'If-Match is missing',
};

/** Error responses for a route's declaration, one entry per status. */
export function errorResponses(...statuses: (keyof typeof DESCRIPTIONS)[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: DESCRIPTIONS[status] ?? 'Error',
        content: { 'application/json': { schema: errorSchema } },
      },
    ]),
  );
}

/**
 * A request that zod refuses is the same 400 as everywhere else: code BAD_REQUEST (or the code given),
 * every problem with its JSON path ($.Endpoint, $.WebhookId for a path parameter, $.Cursor for a query).
 */
export function refuseInvalid(code: ErrorCode = 'BAD_REQUEST') {
  return (result: {
    success: boolean;
    error?: { issues: readonly { path: readonly PropertyKey[]; message: string }[] };
  }) => {
    if (result.success || result.error === undefined) return;
    throw new ApiError(code, 'Invalid request', problemsFromIssues(result.error.issues));
  };
}

/** A router of admin routes: OpenAPI-declared, validated by zod, refusals in the one error shape. */
export function adminRouter(): OpenAPIHono<AdminEnv> {
  return new OpenAPIHono<AdminEnv>({ defaultHook: refuseInvalid() });
}

/**
 * Route middleware for a JSON body: read as the producer API reads bodies (415 for another media type, 400
 * for bytes that are not UTF-8 or text that is not JSON, the nesting limit), before zod sees it.
 */
export const jsonBody: MiddlewareHandler = async (c, next) => {
  await readJsonBody(c);
  await next();
};

/** The bearer scheme of the admin API, as the document names it. */
export const ADMIN_SECURITY = [{ AdminToken: [] }];
