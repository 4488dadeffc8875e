import type BetterSqlite3 from 'better-sqlite3';
import type { AttemptRecord } from './delivery-store.js';

/** Everything the store knows about one event's fate, for support staff. */
export interface EventTrace {
  event: {
    id: string;
    eventType: string;
    organizationId: string;
    entityId: string;
    occurredAt: string;
    acceptedAt: number;
    expiresAt: number | null;
    matchCount: number;
  } | null;
  /** When the event is gone because Gateway.Retention pruned it: its tombstone. */
  pruned: { acceptedAt: number; prunedAt: number; retentionDays: number } | null;
  deliveries: {
    deliveryId: number;
    webhookId: string;
    endpoint: string;
    description: string | null;
    state: string;
    attemptCount: number;
    nextAttemptAt: number;
    attempts: Omit<AttemptRecord, 'deliveryId'>[];
  }[];
  /** The organization's subscriptions to this event type, to explain a match or its absence. */
  subscriptions: SubscriptionFacts[];
}

/** One live subscription to an event type, with what decides whether it matches one entity. */
export interface SubscriptionFacts {
  webhookId: string;
  endpoint: string;
  webhookEnabled: boolean;
  enabled: boolean;
  /** AllEntities, EntityId=<id> or SecurityGroupId=<id>. */
  target: string;
  /** For an EntityId target: whether it is this entity. */
  isEntity: boolean | null;
  /** For a SecurityGroupId target: whether this entity is a member now. */
  entityInGroup: boolean | null;
}

/** The live subscriptions of an organization to an event type, as they apply to one entity now. */
export function subscriptionsFor(
  sqlite: BetterSqlite3.Database,
  organizationId: string,
  eventType: string,
  entityId: string,
): SubscriptionFacts[] {
  const entity = entityId.toLowerCase();
  return (
    sqlite
      .prepare(
        `SELECT w.webhook_id AS webhookId, w.endpoint, w.enabled AS webhookEnabled, s.enabled, s.entity_id AS entityId,
                s.security_group_id AS securityGroupId, s.all_entities AS allEntities,
                (SELECT count(*) FROM security_group_members m
                  WHERE m.organization_id = w.organization_id AND m.security_group_id = s.security_group_id
                    AND m.entity_id = ?) AS member
           FROM subscriptions s JOIN webhooks w ON w.id = s.webhook_id
          WHERE w.organization_id = ? AND s.event_type = ? AND w.deleted_at IS NULL ORDER BY w.endpoint, s.id`,
      )
      .all(entity, organizationId.toLowerCase(), eventType) as {
      webhookId: string;
      endpoint: string;
      webhookEnabled: number;
      enabled: number;
      entityId: string | null;
      securityGroupId: string | null;
      allEntities: number;
      member: number;
    }[]
  ).map((s) => ({
    webhookId: s.webhookId,
    endpoint: s.endpoint,
    webhookEnabled: s.webhookEnabled === 1,
    enabled: s.enabled === 1,
    target:
      s.allEntities === 1
        ? 'AllEntities'
        : s.entityId !== null
          ? `EntityId=${s.entityId}`
          : `SecurityGroupId=${s.securityGroupId}`,
    isEntity: s.allEntities === 1 || s.entityId === null ? null : s.entityId.toLowerCase() === entity,
    entityInGroup: s.allEntities === 1 || s.securityGroupId === null ? null : s.member > 0,
  }));
}

const EVENT_COLUMNS = `seq, id, event_type AS eventType, organization_id AS organizationId, entity_id AS entityId,
  occurred_at AS occurredAt, accepted_at AS acceptedAt, expires_at AS expiresAt, match_count AS matchCount`;

function findEvent(sqlite: BetterSqlite3.Database, id: string) {
  return sqlite.prepare(`SELECT ${EVENT_COLUMNS} FROM events WHERE id = ?`).get(id) as
    | (EventTrace['event'] & { seq: number })
    | undefined;
}

export function traceEvent(sqlite: BetterSqlite3.Database, eventId: string): EventTrace {
  const event = findEvent(sqlite, eventId.toLowerCase());
  if (event === undefined) {
    const pruned =
      (sqlite
        .prepare(
          'SELECT accepted_at AS acceptedAt, pruned_at AS prunedAt, retention_days AS retentionDays FROM pruned_events WHERE id = ?',
        )
        .get(eventId.toLowerCase()) as EventTrace['pruned'] | undefined) ?? null;
    return { event: null, pruned, deliveries: [], subscriptions: [] };
  }
  const attempts = sqlite.prepare(
    `SELECT attempt_no AS attemptNo, started_at AS startedAt, duration_ms AS durationMs, status_code AS statusCode,
            error_class AS errorClass, error_message AS errorMessage, response_snippet AS responseSnippet
       FROM attempts WHERE delivery_id = ? ORDER BY attempt_no`,
  );
  const deliveries = (
    sqlite
      .prepare(
        `SELECT d.id AS deliveryId, w.webhook_id AS webhookId, w.endpoint, w.description, d.state,
                d.attempt_count AS attemptCount, d.next_attempt_at AS nextAttemptAt
           FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE d.event_seq = ? ORDER BY w.endpoint`,
      )
      .all(event.seq) as Omit<EventTrace['deliveries'][number], 'attempts'>[]
  ).map((d) => ({
    ...d,
    attempts: attempts.all(d.deliveryId) as EventTrace['deliveries'][number]['attempts'],
  }));
  const subscriptions = subscriptionsFor(sqlite, event.organizationId, event.eventType, event.entityId);
  const { seq: _seq, ...summary } = event;
  return { event: summary, pruned: null, deliveries, subscriptions };
}
