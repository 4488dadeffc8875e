import { and, eq } from 'drizzle-orm';
import type { GatewayDatabase } from '../database.js';
import { organizations, securityGroups } from '../schema/index.js';
import { PRODUCER_ACTOR, writeAudit } from './audit.js';
import { nextRevision } from './revision.js';
import { writeMembers } from './write-changes.js';

export interface ReplacedMembers {
  created: boolean;
  /** The identifiers as stored: lower-cased, members without repeats. */
  organizationId: string;
  securityGroupId: string;
  entityIds: string[];
  /** The configuration revision the change took. */
  revision: number;
}

/** The group's members are the configuration document's (it lists EntityIds): producers may not set them. */
export class DocumentOwnsMembersError extends Error {
  override readonly name = 'DocumentOwnsMembersError';
  constructor(
    readonly organizationId: string,
    readonly securityGroupId: string,
  ) {
    super(
      `The members of security group ${securityGroupId} are set by the configuration document (it lists its EntityIds); change them there, or remove EntityIds from the document to let producers maintain them`,
    );
  }
}

/**
 * The producers' operation (HTTP PUT, SDK): sets the whole membership of a security group in one
 * transaction, with its audit entry (actor `producer`), creating the organization and the group (source
 * 'producer') when missing. A group whose
 * members the document lists is refused with DocumentOwnsMembersError: the next apply of the document
 * would silently put its list back.
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
    const thisGroup = and(eq(securityGroups.organizationId, org), eq(securityGroups.id, group));
    const existing = db
      .select({ membersFromDocument: securityGroups.membersFromDocument })
      .from(securityGroups)
      .where(thisGroup)
      .get();
    if (existing?.membersFromDocument === true) throw new DocumentOwnsMembersError(org, group);
    const revision = nextRevision(g);
    db.insert(organizations).values({ id: org, createdAt: now, revision }).onConflictDoNothing().run();
    if (existing === undefined) {
      db.insert(securityGroups)
        .values({ organizationId: org, id: group, source: 'producer', updatedAt: now, revision })
        .run();
    } else {
      db.update(securityGroups).set({ updatedAt: now, revision }).where(thisGroup).run();
    }
    const changed = writeMembers(g, org, group, members);
    // Audited like every configuration change, by count: a PUT may name 100,000 members, and the same
    // members sent again change nothing and are not logged.
    if (existing === undefined || changed.added + changed.removed > 0) {
      const view = (count: number) => ({
        SecurityGroupId: group,
        MembersFrom: 'producers',
        MemberCount: count,
      });
      writeAudit(
        g,
        [
          {
            actor: PRODUCER_ACTOR,
            organizationId: org,
            resource: 'security-group',
            resourceId: group,
            action: existing === undefined ? 'create' : 'update',
            before: existing === undefined ? null : view(changed.before),
            after: { ...view(members.length), Added: changed.added, Removed: changed.removed },
          },
        ],
        now,
      );
    }
    return {
      created: existing === undefined,
      organizationId: org,
      securityGroupId: group,
      entityIds: members,
      revision,
    };
  });
  return run.immediate();
}

/** One page of a group's stored members, in EntityId order, after `after` (exclusive), with their count. */
export function groupMembersPage(
  g: GatewayDatabase,
  organizationId: string,
  securityGroupId: string,
  after: string | null,
  limit: number,
): { entityIds: string[]; count: number; more: boolean } {
  const org = organizationId.toLowerCase();
  const group = securityGroupId.toLowerCase();
  const count = g.sqlite
    .prepare(
      'SELECT count(*) FROM security_group_members WHERE organization_id = ? AND security_group_id = ?',
    )
    .pluck()
    .get(org, group) as number;
  // The primary key (organization, group, entity) serves both the order and the cursor.
  const ids = g.sqlite
    .prepare(
      `SELECT entity_id FROM security_group_members
        WHERE organization_id = ? AND security_group_id = ? AND entity_id > ?
        ORDER BY entity_id LIMIT ?`,
    )
    .pluck()
    .all(org, group, after ?? '', limit + 1) as string[];
  return { entityIds: ids.slice(0, limit), count, more: ids.length > limit };
}
