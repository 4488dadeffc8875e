import type pg from 'pg';
import {
  DocumentOwnsMembersError,
  producerPutAudit,
  type ReplacedMembers,
} from '../../config/security-groups.js';
import { inTransaction, LOCKS } from '../sql.js';
import { announceRevision, nextRevisionPg, writeAuditPg } from './apply.js';
import { writeMembersPg } from './write-changes.js';

/**
 * A producer's PUT of a group's members, in one transaction with its audit entry (the PostgreSQL twin of
 * store/config/security-groups.ts): creates the organization and the group when missing, and refuses a
 * group whose members the configuration document lists.
 */
export async function replaceSecurityGroupMembersPg(
  pool: pg.Pool,
  organizationId: string,
  securityGroupId: string,
  entityIds: readonly string[],
): Promise<ReplacedMembers> {
  const org = organizationId.toLowerCase();
  const group = securityGroupId.toLowerCase();
  const members = [...new Set(entityIds.map((id) => id.toLowerCase()))];
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [LOCKS.config]);
    const now = Date.now();
    const existing = await client.query<{ owned: boolean }>(
      'SELECT members_from_document AS owned FROM security_groups WHERE organization_id = $1 AND id = $2',
      [org, group],
    );
    const row = existing.rows[0];
    if (row?.owned === true) throw new DocumentOwnsMembersError(org, group);
    const revision = await nextRevisionPg(client);
    await client.query(
      'INSERT INTO organizations (id, created_at, revision) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [org, now, revision],
    );
    if (row === undefined)
      await client.query(
        `INSERT INTO security_groups (organization_id, id, source, updated_at, revision) VALUES ($1, $2, 'producer', $3, $4)`,
        [org, group, now, revision],
      );
    else
      await client.query(
        'UPDATE security_groups SET updated_at = $3, revision = $4 WHERE organization_id = $1 AND id = $2',
        [org, group, now, revision],
      );
    const changed = await writeMembersPg(client, org, group, members);
    await writeAuditPg(client, producerPutAudit(org, group, row === undefined, changed, members.length), now);
    await announceRevision(client, revision);
    return {
      created: row === undefined,
      organizationId: org,
      securityGroupId: group,
      entityIds: members,
      revision,
    };
  });
}

/** One page of a group's stored members, in EntityId order, after `after` (exclusive), with their count. */
export async function groupMembersPagePg(
  client: Pick<pg.PoolClient, 'query'>,
  organizationId: string,
  securityGroupId: string,
  after: string | null,
  limit: number,
): Promise<{ entityIds: string[]; count: number; more: boolean }> {
  const key = [organizationId.toLowerCase(), securityGroupId.toLowerCase()];
  const count = await client.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM security_group_members WHERE organization_id = $1 AND security_group_id = $2',
    key,
  );
  // The primary key (organization, group, entity) serves both the order and the cursor, in the
  // database's collation for both.
  const ids = await client.query<{ entity_id: string }>(
    `SELECT entity_id FROM security_group_members
      WHERE organization_id = $1 AND security_group_id = $2 AND entity_id > $3
      ORDER BY entity_id LIMIT $4`,
    [...key, after ?? '', limit + 1],
  );
  const entityIds = ids.rows.map((r) => r.entity_id);
  return {
    entityIds: entityIds.slice(0, limit),
    count: count.rows[0]?.n ?? 0,
    more: entityIds.length > limit,
  };
}
