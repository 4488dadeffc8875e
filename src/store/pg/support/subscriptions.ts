import type pg from 'pg';
import type { SubscriptionFacts } from '../../trace.js';

/**
 * The organization's subscriptions of this event type on live webhooks, with what decides whether each
 * matches this entity (store/trace.ts subscriptionsFor on SQLite): trace's "why not" and explain's verdicts.
 */
export async function subscriptionsForPg(
  pool: pg.Pool,
  organizationId: string,
  eventType: string,
  entityId: string,
): Promise<SubscriptionFacts[]> {
  const entity = entityId.toLowerCase();
  const found = await pool.query<{
    webhookId: string;
    endpoint: string;
    webhookEnabled: boolean;
    enabled: boolean;
    entityId: string | null;
    securityGroupId: string | null;
    allEntities: boolean;
    member: number;
  }>(
    `SELECT w.webhook_id AS "webhookId", w.endpoint, w.enabled AS "webhookEnabled", s.enabled, s.entity_id AS "entityId",
            s.security_group_id AS "securityGroupId", s.all_entities AS "allEntities",
            (SELECT count(*)::int FROM security_group_members m
              WHERE m.organization_id = w.organization_id AND m.security_group_id = s.security_group_id
                AND m.entity_id = $1) AS member
       FROM subscriptions s JOIN webhooks w ON w.id = s.webhook_id
      WHERE w.organization_id = $2 AND s.event_type = $3 AND w.deleted_at IS NULL
      ORDER BY w.endpoint COLLATE "C", s.id`,
    [entity, organizationId.toLowerCase(), eventType],
  );
  return found.rows.map((s) => ({
    webhookId: s.webhookId,
    endpoint: s.endpoint,
    webhookEnabled: s.webhookEnabled,
    enabled: s.enabled,
    target: s.allEntities
      ? 'AllEntities'
      : s.entityId !== null
        ? `EntityId=${s.entityId}`
        : `SecurityGroupId=${s.securityGroupId}`,
    isEntity: s.allEntities || s.entityId === null ? null : s.entityId.toLowerCase() === entity,
    entityInGroup: s.allEntities || s.securityGroupId === null ? null : s.member > 0,
  }));
}
