import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { AdminTokenDocument } from '../../config/index.js';
import { ApiError } from '../errors.js';
import type { AdminEnv, AdminPrincipal } from './principal.js';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

interface KnownToken {
  digest: Buffer;
  principal: AdminPrincipal;
}

function known(tokens: readonly AdminTokenDocument[]): KnownToken[] {
  return tokens.map((token) => ({
    digest: token.Token === undefined ? Buffer.from(token.TokenSha256 ?? '', 'hex') : digest(token.Token),
    principal: {
      name: token.Name,
      role: token.Role,
      organizations:
        token.Organizations === undefined ? null : new Set(token.Organizations.map((o) => o.toLowerCase())),
    },
  }));
}

/**
 * Bearer-token check of the admin API, against Gateway.AdminTokens only (producer tokens open nothing
 * here, and these open nothing on the producer API). The presented token's SHA-256 is compared in
 * constant time with every configured digest, whichever matched first. `tokens` is read per request so a
 * reload's tokens apply to the next request.
 */
export function requireAdmin(tokens: () => readonly AdminTokenDocument[]): MiddlewareHandler<AdminEnv> {
  let source = tokens();
  let table = known(source);
  return async (c, next) => {
    const current = tokens();
    if (current !== source) {
      source = current;
      table = known(current);
    }
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match)
      throw new ApiError('UNAUTHORIZED', 'Missing bearer token: send Authorization: Bearer <admin token>');
    const presented = digest((match[1] as string).trim());
    let principal: AdminPrincipal | null = null;
    for (const k of table)
      if (timingSafeEqual(k.digest, presented) && principal === null) principal = k.principal;
    if (principal === null) throw new ApiError('UNAUTHORIZED', 'Invalid admin token');
    c.set('admin', principal);
    await next();
  };
}
