import { and, eq } from 'drizzle-orm';
import type { GatewayDatabase } from '../store/database.js';
import { organizations, securityGroupMembers, securityGroups } from '../store/schema/index.js';

export interface ReplacedMembers {
  created: boolean;
  /** The identifiers as stored: lower-cased, members without repeats. */
  organizationId: string;
  securityGroupId: string;
  entityIds: string[];
}

/** Rows per INSERT: three bound values each keeps a statement far below SQLite's variable limit. */
const MEMBER_ROWS_PER_INSERT = 1000;

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
): ReplacedMembers {
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
    for (let i = 0; i < members.length; i += MEMBER_ROWS_PER_INSERT) {
      db.insert(securityGroupMembers)
        .values(
          members
            .slice(i, i + MEMBER_ROWS_PER_INSERT)
            .map((entityId) => ({ organizationId: org, securityGroupId: group, entityId })),
        )
        .run();
    }
    return {
      created: existing === undefined,
      organizationId: org,
      securityGroupId: group,
      entityIds: members,
    };
  });
  return run.immediate();
}
