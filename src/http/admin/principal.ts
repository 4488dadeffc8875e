import type { MiddlewareHandler } from 'hono';
import type { AdminRole } from '../../config/index.js';
import { ApiError } from '../errors.js';

/** Who is calling the admin API: the token's Name (the audit log's "who"), its role and its tenants. */
export interface AdminPrincipal {
  name: string;
  role: AdminRole;
  /** Lower-cased OrganizationIds the token is confined to; null for every organization. */
  organizations: ReadonlySet<string> | null;
}

export type AdminEnv = { Variables: { admin: AdminPrincipal } };

const RANK: Record<AdminRole, number> = { viewer: 0, editor: 1, admin: 2 };

/** 403 unless the token's role is at least `role` (viewer < editor < admin). */
export function requireRole(principal: AdminPrincipal, role: AdminRole): void {
  if (RANK[principal.role] >= RANK[role]) return;
  throw new ApiError(
    'FORBIDDEN',
    `This needs the ${role} role; token "${principal.name}" has the ${principal.role} role`,
  );
}

/** Whether the token may see this organization at all. */
export function canSee(principal: AdminPrincipal, organizationId: string): boolean {
  return principal.organizations === null || principal.organizations.has(organizationId.toLowerCase());
}

/** The answer for an organization that does not exist, word for word the one for one outside the scope. */
export const organizationNotFound = (organizationId: string): ApiError =>
  new ApiError('NOT_FOUND', `Organization ${organizationId} not found`);

/**
 * 404 for an organization outside the token's scope, exactly as for one that does not exist, so a scoped
 * token learns nothing about other tenants.
 */
export function requireOrganization(principal: AdminPrincipal, organizationId: string): void {
  if (!canSee(principal, organizationId)) throw organizationNotFound(organizationId);
}

/** 403 unless the token may act for every organization (the whole document, the Gateway section). */
export function requireUnscoped(principal: AdminPrincipal): void {
  if (principal.organizations === null) return;
  throw new ApiError(
    'FORBIDDEN',
    `This acts on every organization; token "${principal.name}" is confined to some (Organizations)`,
  );
}

/** Route middleware: the whole gateway, for admins only (before the body is read). */
export const wholeGatewayAdmin: MiddlewareHandler<AdminEnv> = async (c, next) => {
  requireRole(c.get('admin'), 'admin');
  requireUnscoped(c.get('admin'));
  await next();
};

/** Route middleware: changes need the editor role, refused before the body is read. */
export const editorOnly: MiddlewareHandler<AdminEnv> = async (c, next) => {
  requireRole(c.get('admin'), 'editor');
  await next();
};
