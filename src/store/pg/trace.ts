import type pg from 'pg';
import type { EventTrace } from '../trace.js';
import { subscriptionsForPg } from './support/subscriptions.js';

type Row<K extends keyof EventTrace> = NonNullable<EventTrace[K]>;

/** Everything the store knows about one event's fate (the PostgreSQL twin of store/trace.ts). */
export async function traceEventPg(pool: pg.Pool, eventId: string): Promise<EventTrace> {
  const id = eventId.toLowerCase();
  const found = await pool.query<Row<'event'> & { seq: number }>(
    `SELECT seq, id, event_type AS "eventType", organization_id AS "organizationId", entity_id AS "entityId",
            occurred_at AS "occurredAt", accepted_at AS "acceptedAt", expires_at AS "expiresAt",
            match_count AS "matchCount"
       FROM events WHERE id = $1`,
    [id],
  );
  const event = found.rows[0];
  if (event === undefined) {
    const pruned = await pool.query<Row<'pruned'>>(
      `SELECT accepted_at AS "acceptedAt", pruned_at AS "prunedAt", retention_days AS "retentionDays"
         FROM pruned_events WHERE id = $1`,
      [id],
    );
    return { event: null, pruned: pruned.rows[0] ?? null, deliveries: [], subscriptions: [] };
  }
  const deliveries = await pool.query<Omit<EventTrace['deliveries'][number], 'attempts'>>(
    `SELECT d.id AS "deliveryId", w.webhook_id AS "webhookId", w.endpoint, w.description, d.state,
            d.attempt_count AS "attemptCount", d.next_attempt_at AS "nextAttemptAt"
       FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE d.event_seq = $1 ORDER BY w.endpoint COLLATE "C"`,
    [event.seq],
  );
  const attempts = await pool.query<
    EventTrace['deliveries'][number]['attempts'][number] & { deliveryId: number }
  >(
    `SELECT delivery_id AS "deliveryId", attempt_no AS "attemptNo", started_at AS "startedAt",
            duration_ms AS "durationMs", status_code AS "statusCode", error_class AS "errorClass",
            error_message AS "errorMessage", response_snippet AS "responseSnippet"
       FROM attempts WHERE delivery_id = ANY($1::bigint[]) ORDER BY attempt_no`,
    [deliveries.rows.map((d) => d.deliveryId)],
  );
  const subscriptions = await subscriptionsForPg(pool, event.organizationId, event.eventType, event.entityId);
  const { seq: _seq, ...summary } = event;
  return {
    event: summary,
    pruned: null,
    deliveries: deliveries.rows.map((d) => ({
      ...d,
      attempts: attempts.rows
        .filter((a) => a.deliveryId === d.deliveryId)
        .map(({ deliveryId: _d, ...a }) => a),
    })),
    subscriptions,
  };
}
