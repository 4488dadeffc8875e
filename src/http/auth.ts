import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { ApiError } from './errors.js';

/** A producer token as the configuration gives it: a plain string, or scoped to some organizations. */
export type ProducerToken = string | { Token: string; Organizations: readonly string[] };

/** What a request's token may do: publish for every organization (null), or for these (lower-cased). */
export interface ProducerScope {
  organizations: ReadonlySet<string> | null;
}

export type ProducerEnv = { Variables: { producer: ProducerScope } };

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * Bearer-token check for producers. Tokens are compared as SHA-256 digests with timingSafeEqual, against
 * every configured token whatever matched first, so neither the comparison time nor a length difference
 * tells an attacker anything about a token. The matching token's scope is set on the context.
 */
export function requireBearer(tokens: readonly ProducerToken[]): MiddlewareHandler<ProducerEnv> {
  const known = tokens.map((token) =>
    typeof token === 'string'
      ? { digest: digest(token), scope: { organizations: null } }
      : {
          digest: digest(token.Token),
          scope: { organizations: new Set(token.Organizations.map((o) => o.toLowerCase())) },
        },
  );
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match)
      throw new ApiError('UNAUTHORIZED', 'Missing bearer token: send Authorization: Bearer <token>');
    const presented = digest((match[1] as string).trim());
    let scope: ProducerScope | null = null;
    for (const k of known) if (timingSafeEqual(k.digest, presented) && scope === null) scope = k.scope;
    if (scope === null) throw new ApiError('UNAUTHORIZED', 'Invalid bearer token');
    c.set('producer', scope);
    await next();
  };
}

/** Whether a scope may act for an organization (Guids compare without regard to case). */
export function inScope(scope: ProducerScope, organizationId: string): boolean {
  return scope.organizations === null || scope.organizations.has(organizationId.toLowerCase());
}
