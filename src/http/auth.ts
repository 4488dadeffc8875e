import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { ApiError } from './errors.js';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * Bearer-token check for producers. Tokens are compared as SHA-256 digests with timingSafeEqual, so
 * neither the comparison time nor a length difference tells an attacker anything about a token.
 */
export function requireBearer(tokens: readonly string[]): MiddlewareHandler {
  const digests = tokens.map(digest);
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match)
      throw new ApiError('UNAUTHORIZED', 'Missing bearer token: send Authorization: Bearer <token>');
    const presented = digest((match[1] as string).trim());
    let valid = false;
    for (const d of digests) valid = timingSafeEqual(d, presented) || valid;
    if (!valid) throw new ApiError('UNAUTHORIZED', 'Invalid bearer token');
    await next();
  };
}
