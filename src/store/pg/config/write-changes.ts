import type pg from 'pg';
import type { Change, SubscriptionState, WebhookState } from '../../config/state.js';
import type { MemberChanges, StateIndex } from '../../config/write-changes.js';

type Queryable = Pick<pg.PoolClient, 'query'>;

const at = (organizationId: string, key: string) => `${organizationId} ${key}`;

function found<T>(value: T | undefined, change: Change): T {
  if (value === undefined)
    throw new Error(`internal: no state for ${change.op} ${change.kind} ${change.key}`);
  return value;
}

function webhookIdOf(change: Change): string {
  if (change.webhookId === undefined)
    throw new Error(`internal: ${change.op} ${change.kind} without WebhookId`);
  return change.webhookId;
}

/**
 * Sets a group's members in the caller's transaction, writing only those that left or joined; `members`
 * without repeats. Returns how many were stored before, added and removed.
 */
export async function writeMembersPg(
  client: Queryable,
  organizationId: string,
  securityGroupId: string,
  members: readonly string[],
): Promise<MemberChanges> {
  const key = [organizationId, securityGroupId];
  const stored = await client.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM security_group_members WHERE organization_id = $1 AND security_group_id = $2',
    key,
  );
  const removed = await client.query(
    `DELETE FROM security_group_members
      WHERE organization_id = $1 AND security_group_id = $2 AND NOT (entity_id = ANY($3::text[]))`,
    [...key, members],
  );
  const added = await client.query(
    `INSERT INTO security_group_members (organization_id, security_group_id, entity_id)
     SELECT $1, $2, unnest($3::text[]) ON CONFLICT DO NOTHING`,
    [...key, members],
  );
  return { before: stored.rows[0]?.n ?? 0, added: added.rowCount ?? 0, removed: removed.rowCount ?? 0 };
}

function webhookColumns(w: WebhookState): unknown[] {
  return [
    w.endpoint,
    w.description,
    w.secret,
    w.insecureSsl,
    w.timeoutSeconds,
    w.enabled,
    w.retryScheduleSeconds === null ? null : JSON.stringify(w.retryScheduleSeconds),
  ];
}

/**
 * Executes a plan inside the caller's transaction, stamping every organization it touches (and every
 * group whose members it sets) with `revision`: the PostgreSQL twin of store/config/write-changes.ts.
 */
export async function writeChangesPg(
  client: Queryable,
  changes: readonly Change[],
  current: StateIndex,
  desired: StateIndex,
  now: number,
  revision: number,
): Promise<void> {
  const webhookRowId = async (change: Change): Promise<number> => {
    const row = await client.query<{ id: number }>(
      'SELECT id FROM webhooks WHERE webhook_id = $1 AND deleted_at IS NULL',
      [webhookIdOf(change)],
    );
    const id = row.rows[0]?.id;
    if (id === undefined) throw new Error(`internal: webhook ${change.webhookId} missing`);
    return id;
  };
  const touched = new Set<string>();
  for (const change of changes) {
    const org = change.organizationId;
    touched.add(org);
    switch (`${change.op} ${change.kind}`) {
      case 'delete organization':
        // Only an organization with nothing left (no groups, no webhooks, no history) is deleted.
        await client.query('DELETE FROM organizations WHERE id = $1', [org]);
        break;
      case 'create organization':
        await client.query('INSERT INTO organizations (id, created_at, revision) VALUES ($1, $2, $3)', [
          org,
          now,
          revision,
        ]);
        break;
      case 'create security-group': {
        const group = found(desired.groups.get(at(org, change.key)), change);
        await client.query(
          `INSERT INTO security_groups (organization_id, id, source, members_from_document, updated_at, revision)
           VALUES ($1, $2, 'config', $3, $4, $5)`,
          [org, group.id, group.members !== null, now, revision],
        );
        if (group.members !== null) await writeMembersPg(client, org, group.id, group.members);
        break;
      }
      case 'update security-group': {
        const group = found(desired.groups.get(at(org, change.key)), change);
        await client.query(
          `UPDATE security_groups SET source = 'config', members_from_document = $3, updated_at = $4
            WHERE organization_id = $1 AND id = $2`,
          [org, change.key, group.members !== null, now],
        );
        break;
      }
      case 'update security-group-members':
        await writeMembersPg(
          client,
          org,
          change.key,
          found(desired.groups.get(at(org, change.key)), change).members ?? [],
        );
        await client.query(
          'UPDATE security_groups SET updated_at = $3, revision = $4 WHERE organization_id = $1 AND id = $2',
          [org, change.key, now, revision],
        );
        break;
      case 'delete security-group':
        await client.query('DELETE FROM security_groups WHERE organization_id = $1 AND id = $2', [
          org,
          change.key,
        ]);
        break;
      case 'create webhook': {
        const webhookId = webhookIdOf(change);
        // A WebhookId the document names again after deleting it brings that webhook back, history and all.
        await client.query(
          `INSERT INTO webhooks (organization_id, webhook_id, endpoint, description, secret, insecure_ssl,
                                 timeout_seconds, enabled, retry_schedule_seconds, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
           ON CONFLICT (webhook_id) DO UPDATE SET endpoint = excluded.endpoint, description = excluded.description,
             secret = excluded.secret, insecure_ssl = excluded.insecure_ssl, timeout_seconds = excluded.timeout_seconds,
             enabled = excluded.enabled, retry_schedule_seconds = excluded.retry_schedule_seconds,
             updated_at = excluded.updated_at, deleted_at = NULL`,
          [org, webhookId, ...webhookColumns(found(desired.webhooks.get(webhookId), change)), now],
        );
        break;
      }
      case 'update webhook': {
        const webhookId = webhookIdOf(change);
        const before = found(current.webhooks.get(webhookId), change);
        const after = found(desired.webhooks.get(webhookId), change);
        const id = await webhookRowId(change);
        await client.query(
          `UPDATE webhooks SET endpoint = $2, description = $3, secret = $4, insecure_ssl = $5, timeout_seconds = $6,
                  enabled = $7, retry_schedule_seconds = $8, updated_at = $9 WHERE id = $1`,
          [id, ...webhookColumns(after), now],
        );
        // Disabled: what waits is held; enabled again: what it held is due in its old order.
        if (before.enabled && !after.enabled)
          await client.query(
            `UPDATE deliveries SET state = 'paused' WHERE webhook_id = $1 AND state IN ('pending', 'retrying')`,
            [id],
          );
        if (!before.enabled && after.enabled)
          await client.query(
            `UPDATE deliveries SET state = CASE WHEN attempt_count = 0 THEN 'pending' ELSE 'retrying' END
              WHERE webhook_id = $1 AND state = 'paused'`,
            [id],
          );
        break;
      }
      case 'delete webhook': {
        const id = await webhookRowId(change);
        // Kept for trace: its subscriptions go, its unfinished deliveries end as cancelled.
        await client.query('UPDATE webhooks SET deleted_at = $2, updated_at = $2 WHERE id = $1', [id, now]);
        await client.query('DELETE FROM subscriptions WHERE webhook_id = $1', [id]);
        await client.query(
          `UPDATE deliveries SET state = 'cancelled', finished_at = $2
            WHERE webhook_id = $1 AND state IN ('pending', 'retrying', 'paused')`,
          [id, now],
        );
        break;
      }
      case 'create subscription': {
        const s = found(desired.subscriptions.get(at(webhookIdOf(change), change.key)), change);
        await client.query(
          `INSERT INTO subscriptions (webhook_id, event_type, entity_id, security_group_id, all_entities, enabled)
           VALUES ($1, $2, $3, $4, $5, $6)`,
          [await webhookRowId(change), s.eventType, s.entityId, s.securityGroupId, s.allEntities, s.enabled],
        );
        break;
      }
      case 'delete subscription': {
        const s: SubscriptionState = found(
          current.subscriptions.get(at(webhookIdOf(change), change.key)),
          change,
        );
        // Identity is the content: every row with this content goes, duplicates included.
        await client.query(
          `DELETE FROM subscriptions WHERE webhook_id = $1 AND event_type = $2
              AND entity_id IS NOT DISTINCT FROM $3 AND security_group_id IS NOT DISTINCT FROM $4
              AND all_entities = $5 AND enabled = $6`,
          [await webhookRowId(change), s.eventType, s.entityId, s.securityGroupId, s.allEntities, s.enabled],
        );
        break;
      }
      default:
        throw new Error(`internal: cannot apply ${change.op} ${change.kind}`);
    }
  }
  if (touched.size > 0)
    await client.query('UPDATE organizations SET revision = $1 WHERE id = ANY($2::text[])', [
      revision,
      [...touched],
    ]);
}
