import type { MiddlewareHandler } from 'hono';
import { jsonBody } from '../openapi.js';

/** A body that may be left out (a POST with nothing to say): none at all passes, anything else is read as JSON. */
export const optionalJsonBody: MiddlewareHandler = async (c, next) => {
  const length = c.req.header('content-length');
  const chunked = c.req.header('transfer-encoding') !== undefined;
  if (c.req.header('content-type') === undefined && !chunked && (length === undefined || length === '0'))
    return next();
  return jsonBody(c, next);
};
