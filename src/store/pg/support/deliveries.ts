import type pg from 'pg';
import type { AttemptRecord } from '../../delivery-store.js';
import { DELIVERY_STATES } from '../../schema/deliveries.js';
import { type Page, toPage } from '../../support/cursor.js';
import type { DeliveryDetail, DeliveryFilter, DeliverySummary } from '../../support/deliveries.js';

const SUMMARY = `d.id AS "deliveryId", e.id AS "eventId", e.event_type AS "eventType", e.entity_id AS "entityId",
  w.webhook_id AS "webhookId", d.state, d.attempt_count AS "attemptCount", d.created_at AS "createdAt",
  d.next_attempt_at AS "nextAttemptAt", d.last_attempt_at AS "lastAttemptAt", d.last_status AS "lastStatus",
  d.last_error_class AS "lastErrorClass", d.finished_at AS "finishedAt", d.requeued_from AS "requeuedFrom"`;

/**
 * One webhook's deliveries, newest first: for each state asked, one ordered range of
 * deliveries_webhook_state_created_idx (a LATERAL per state), merged in the statement, so a page costs
 * one seek per state whatever the webhook's history holds.
 */
export async function listDeliveriesPg(pool: pg.Pool, f: DeliveryFilter): Promise<Page<DeliverySummary>> {
  const values: unknown[] = [f.webhookRowId, [...(f.states ?? DELIVERY_STATES)], f.limit + 1];
  const arg = (value: unknown) => {
    values.push(value);
    return `$${values.length}::bigint`;
  };
  const where = ['d.webhook_id = $1', 'd.state = s.state'];
  if (f.from !== undefined) where.push(`d.created_at >= ${arg(f.from)}`);
  if (f.to !== undefined) where.push(`d.created_at < ${arg(f.to)}`);
  if (f.after) {
    const [at, id] = [arg(f.after.at), arg(f.after.id)];
    where.push(`d.created_at <= ${at} AND (d.created_at < ${at} OR d.id < ${id})`);
  }
  const rows = await pool.query<DeliverySummary>(
    `SELECT x.* FROM unnest($2::text[]) AS s(state) CROSS JOIN LATERAL (
       SELECT ${SUMMARY} FROM deliveries d JOIN events e ON e.seq = d.event_seq JOIN webhooks w ON w.id = d.webhook_id
        WHERE ${where.join(' AND ')} ORDER BY d.created_at DESC, d.id DESC LIMIT $3) x
      ORDER BY x."createdAt" DESC, x."deliveryId" DESC LIMIT $3`,
    values,
  );
  return toPage(rows.rows, f.limit, (r) => ({ at: r.createdAt, id: r.deliveryId }));
}

/** One delivery with every attempt kept of it, or null. */
export async function getDeliveryPg(pool: pg.Pool, deliveryId: number): Promise<DeliveryDetail | null> {
  const [found, attempts] = await Promise.all([
    pool.query<Omit<DeliveryDetail, 'attempts'>>(
      `SELECT ${SUMMARY}, w.organization_id AS "organizationId", w.endpoint, w.id AS "webhookRowId",
              d.last_error AS "lastError", e.expires_at AS "expiresAt"
         FROM deliveries d JOIN events e ON e.seq = d.event_seq JOIN webhooks w ON w.id = d.webhook_id
        WHERE d.id = $1`,
      [deliveryId],
    ),
    pool.query<Omit<AttemptRecord, 'deliveryId'>>(
      `SELECT attempt_no AS "attemptNo", started_at AS "startedAt", duration_ms AS "durationMs",
              status_code AS "statusCode", error_class AS "errorClass", error_message AS "errorMessage",
              response_snippet AS "responseSnippet"
         FROM attempts WHERE delivery_id = $1 ORDER BY attempt_no`,
      [deliveryId],
    ),
  ]);
  const row = found.rows[0];
  return row === undefined ? null : { ...row, attempts: attempts.rows };
}
