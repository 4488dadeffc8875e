import { asc, eq } from 'drizzle-orm';
import type { GatewayDatabase } from '../database.js';
import { adminTokens } from '../schema/index.js';
import { writeAudit } from './audit.js';

/** An admin token created over the admin API, as stored (its digest, never the token). */
export interface StoredAdminToken {
  name: string;
  tokenSha256: string;
  role: 'viewer' | 'editor' | 'admin';
  /** Lower-cased OrganizationIds; null for every organization. */
  organizations: string[] | null;
  createdAt: number;
  createdBy: string;
}

/** What the audit log shows of a token: everything but its digest. */
const auditView = (t: StoredAdminToken) => ({
  Name: t.name,
  Role: t.role,
  Organizations: t.organizations,
  CreatedBy: t.createdBy,
});

/** Every stored token, by Name. */
export function readStoredAdminTokens(g: GatewayDatabase): StoredAdminToken[] {
  return g.db
    .select()
    .from(adminTokens)
    .orderBy(asc(adminTokens.name))
    .all()
    .map((row) => ({
      name: row.name,
      tokenSha256: row.tokenSha256,
      role: row.role as StoredAdminToken['role'],
      organizations: row.organizations === null ? null : (JSON.parse(row.organizations) as string[]),
      createdAt: row.createdAt,
      createdBy: row.createdBy,
    }));
}

/**
 * Stores a token with its audit entry in one transaction; false, having written nothing, when the Name
 * or the digest is already stored.
 */
export function insertAdminToken(g: GatewayDatabase, token: StoredAdminToken): boolean {
  return g.sqlite
    .transaction(() => {
      const taken = g.db
        .select({ name: adminTokens.name })
        .from(adminTokens)
        .where(eq(adminTokens.name, token.name))
        .get();
      const sameDigest = g.db
        .select({ name: adminTokens.name })
        .from(adminTokens)
        .where(eq(adminTokens.tokenSha256, token.tokenSha256))
        .get();
      if (taken !== undefined || sameDigest !== undefined) return false;
      g.db
        .insert(adminTokens)
        .values({
          name: token.name,
          tokenSha256: token.tokenSha256,
          role: token.role,
          organizations: token.organizations === null ? null : JSON.stringify(token.organizations),
          createdAt: token.createdAt,
          createdBy: token.createdBy,
        })
        .run();
      writeAudit(g, [adminTokenAudit(token.createdBy, token, 'create')], token.createdAt);
      return true;
    })
    .immediate();
}

/** Deletes a stored token with its audit entry; the token deleted, or null when there was none. */
export function deleteAdminToken(
  g: GatewayDatabase,
  name: string,
  actor: string,
  at: number,
): StoredAdminToken | null {
  return g.sqlite
    .transaction(() => {
      const found = readStoredAdminTokens(g).find((t) => t.name === name);
      if (found === undefined) return null;
      g.db.delete(adminTokens).where(eq(adminTokens.name, name)).run();
      writeAudit(g, [adminTokenAudit(actor, found, 'delete')], at);
      return found;
    })
    .immediate();
}

const entry = (
  actor: string,
  name: string,
  action: 'create' | 'delete',
  before: unknown,
  after: unknown,
) => ({ actor, organizationId: null, resource: 'admin-token', resourceId: name, action, before, after });

/** The audit entry of a token's creation or deletion (either store). */
export const adminTokenAudit = (actor: string, token: StoredAdminToken, action: 'create' | 'delete') =>
  action === 'create'
    ? entry(actor, token.name, action, null, auditView(token))
    : entry(actor, token.name, action, auditView(token), null);
