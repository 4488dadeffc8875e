import { and, eq } from 'drizzle-orm';
import type { GatewayDatabase } from '../store/database.js';
import { organizations, securityGroupMembers, securityGroups } from '../store/schema/index.js';

/**
 * The producers' operation (HTTP PUT, SDK): sets the whole membership of a security group in one
 * transaction, creating the organization and the group (source 'producer') when missing. A group the
 * configuration document declares keeps its source; if the document also lists its EntityIds, the next
 * import of the document puts those back.
 */
export function replaceSecurityGroupMembers(
  g: GatewayDatabase,
  organizationId: string,
  securityGroupId: string,
  entityIds: readonly string[],
): { created: boolean } {
  const org = organizationId.toLowerCase();
  const group = securityGroupId.toLowerCase();
  const members = [...new Set(entityIds.map((id) => id.toLowerCase()))];
  const { db } = g;
  const run = g.sqlite.transaction(() => {
    const now = Date.now();
    db.insert(organizations).values({ id: org, createdAt: now }).onConflictDoNothing().run();
    const thisGroup = and(eq(securityGroups.organizationId, org), eq(securityGroups.id, group));
    const existing = db.select({ id: securityGroups.id }).from(securityGroups).where(thisGroup).get();
    if (existing === undefined) {
      db.insert(securityGroups)
        .values({ organizationId: org, id: group, source: 'producer', updatedAt: now })
        .run();
    } else {
      db.update(securityGroups).set({ updatedAt: now }).where(thisGroup).run();
    }
    db.delete(securityGroupMembers)
      .where(
        and(eq(securityGroupMembers.organizationId, org), eq(securityGroupMembers.securityGroupId, group)),
      )
      .run();
    if (members.length > 0) {
      db.insert(securityGroupMembers)
        .values(members.map((entityId) => ({ organizationId: org, securityGroupId: group, entityId })))
        .run();
    }
    return { created: existing === undefined };
  });
  return run.immediate();
}
