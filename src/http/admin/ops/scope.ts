import { ApiError } from '../../errors.js';
import { type AdminPrincipal, canSee, organizationNotFound } from '../principal.js';

/**
 * What a lookup found, if the token may see its organization: the same 404 as for nothing found
 * otherwise, so a scoped token learns nothing of other tenants' events, deliveries or jobs.
 */
export function visible<T extends { OrganizationId: string } | null>(
  principal: AdminPrincipal,
  found: T,
  notFound: string,
): NonNullable<T> {
  if (found === null || !canSee(principal, found.OrganizationId)) throw new ApiError('NOT_FOUND', notFound);
  return found as NonNullable<T>;
}

/** The webhook the route looked up in the path's organization (checked in scope first): 404 when absent. */
export function webhookFound<T>(organizationId: string, webhookId: string, found: T | null): T {
  if (found === null)
    throw new ApiError('NOT_FOUND', `Webhook ${webhookId} not found in organization ${organizationId}`);
  return found;
}

export { organizationNotFound };

/** ISO 8601 text of a query or body, as ms (validated by zod first). */
export const ms = (iso: string | undefined): number | undefined =>
  iso === undefined ? undefined : Date.parse(iso);
