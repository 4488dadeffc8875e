import type BetterSqlite3 from 'better-sqlite3';
import type { AttemptRecord } from '../delivery-store.js';
import { DELIVERY_STATES, type DeliveryState } from '../schema/deliveries.js';
import { type Keyset, type Page, toPage } from './cursor.js';

/** A webhook as support names it: its row, its public WebhookId and its organization. */
export interface WebhookRef {
  rowId: number;
  webhookId: string;
  organizationId: string;
  endpoint: string;
  enabled: boolean;
  deletedAt: number | null;
}

/** The webhook with this WebhookId in this organization, deleted ones included (their history stays). */
export function findWebhook(
  sqlite: BetterSqlite3.Database,
  organizationId: string,
  webhookId: string,
): WebhookRef | null {
  const row = sqlite
    .prepare(
      `SELECT id AS rowId, webhook_id AS webhookId, organization_id AS organizationId, endpoint, enabled,
              deleted_at AS deletedAt
         FROM webhooks WHERE organization_id = ? AND webhook_id = ?`,
    )
    .get(organizationId.toLowerCase(), webhookId.toLowerCase()) as
    | (Omit<WebhookRef, 'enabled'> & { enabled: number })
    | undefined;
  return row === undefined ? null : { ...row, enabled: row.enabled === 1 };
}

/** The webhook of a store row, deleted or not. */
export function webhookOfRow(sqlite: BetterSqlite3.Database, rowId: number): WebhookRef | null {
  const row = sqlite
    .prepare(
      `SELECT id AS rowId, webhook_id AS webhookId, organization_id AS organizationId, endpoint, enabled,
              deleted_at AS deletedAt
         FROM webhooks WHERE id = ?`,
    )
    .get(rowId) as (Omit<WebhookRef, 'enabled'> & { enabled: number }) | undefined;
  return row === undefined ? null : { ...row, enabled: row.enabled === 1 };
}

export interface DeliverySummary {
  deliveryId: number;
  eventId: string;
  eventType: string;
  entityId: string;
  webhookId: string;
  state: DeliveryState;
  attemptCount: number;
  createdAt: number;
  nextAttemptAt: number;
  lastAttemptAt: number | null;
  lastStatus: number | null;
  lastErrorClass: string | null;
  finishedAt: number | null;
  requeuedFrom: string | null;
}

const SUMMARY = `d.id AS deliveryId, e.id AS eventId, e.event_type AS eventType, e.entity_id AS entityId,
  w.webhook_id AS webhookId, d.state, d.attempt_count AS attemptCount, d.created_at AS createdAt,
  d.next_attempt_at AS nextAttemptAt, d.last_attempt_at AS lastAttemptAt, d.last_status AS lastStatus,
  d.last_error_class AS lastErrorClass, d.finished_at AS finishedAt, d.requeued_from AS requeuedFrom`;

export interface DeliveryFilter {
  webhookRowId: number;
  /** None: every state. */
  states?: readonly DeliveryState[] | undefined;
  /** Created at or after (ms). */
  from?: number | undefined;
  /** Created before (ms). */
  to?: number | undefined;
  after?: Keyset | null | undefined;
  limit: number;
}

/**
 * One webhook's deliveries, newest first. Each state is one ordered range of
 * deliveries_webhook_state_created_idx; the states' ranges are merged here, so a page costs one seek
 * per state whatever the webhook's history holds.
 */
export function listDeliveries(sqlite: BetterSqlite3.Database, f: DeliveryFilter): Page<DeliverySummary> {
  const where = ['d.webhook_id = @webhookRowId', 'd.state = @state'];
  if (f.from !== undefined) where.push('d.created_at >= @from');
  if (f.to !== undefined) where.push('d.created_at < @to');
  if (f.after) where.push('(d.created_at < @afterAt OR (d.created_at = @afterAt AND d.id < @afterId))');
  const statement = sqlite.prepare(
    `SELECT ${SUMMARY} FROM deliveries d INDEXED BY deliveries_webhook_state_created_idx
       JOIN events e ON e.seq = d.event_seq JOIN webhooks w ON w.id = d.webhook_id
      WHERE ${where.join(' AND ')} ORDER BY d.created_at DESC, d.id DESC LIMIT @limit`,
  );
  const rows: DeliverySummary[] = [];
  for (const state of f.states ?? DELIVERY_STATES) {
    rows.push(
      ...(statement.all({
        webhookRowId: f.webhookRowId,
        state,
        from: f.from ?? null,
        to: f.to ?? null,
        afterAt: f.after?.at ?? null,
        afterId: f.after?.id ?? null,
        limit: f.limit + 1,
      }) as DeliverySummary[]),
    );
  }
  rows.sort((a, b) => b.createdAt - a.createdAt || b.deliveryId - a.deliveryId);
  return toPage(rows.slice(0, f.limit + 1), f.limit, (r) => ({ at: r.createdAt, id: r.deliveryId }));
}

export interface DeliveryDetail extends DeliverySummary {
  organizationId: string;
  endpoint: string;
  webhookRowId: number;
  lastError: string | null;
  /** When its event's MessageTTLSeconds passes (ms), or null without one. */
  expiresAt: number | null;
  attempts: Omit<AttemptRecord, 'deliveryId'>[];
}

/** One delivery with every attempt kept of it, or null. */
export function getDelivery(sqlite: BetterSqlite3.Database, deliveryId: number): DeliveryDetail | null {
  const row = sqlite
    .prepare(
      `SELECT ${SUMMARY}, w.organization_id AS organizationId, w.endpoint, w.id AS webhookRowId,
              d.last_error AS lastError, e.expires_at AS expiresAt
         FROM deliveries d JOIN events e ON e.seq = d.event_seq JOIN webhooks w ON w.id = d.webhook_id
        WHERE d.id = ?`,
    )
    .get(deliveryId) as Omit<DeliveryDetail, 'attempts'> | undefined;
  if (row === undefined) return null;
  return { ...row, attempts: attemptsOf(sqlite, deliveryId) };
}

/** Every attempt kept of a delivery, in order, with its response snippet. */
export function attemptsOf(
  sqlite: BetterSqlite3.Database,
  deliveryId: number,
): Omit<AttemptRecord, 'deliveryId'>[] {
  return sqlite
    .prepare(
      `SELECT attempt_no AS attemptNo, started_at AS startedAt, duration_ms AS durationMs,
              status_code AS statusCode, error_class AS errorClass, error_message AS errorMessage,
              response_snippet AS responseSnippet
         FROM attempts WHERE delivery_id = ? ORDER BY attempt_no`,
    )
    .all(deliveryId) as Omit<AttemptRecord, 'deliveryId'>[];
}
