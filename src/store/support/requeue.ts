import type BetterSqlite3 from 'better-sqlite3';
import { writeAudit } from '../config/audit.js';
import { HELD_STATE_OF } from '../delivery-store.js';
import type { DeliveryState } from '../schema/deliveries.js';
import type { Keyset } from './cursor.js';

/** States a delivery ends in: support may re-queue these for one more attempt. */
export const FINISHED_STATES = ['delivered', 'discarded', 'expired', 'cancelled'] as const;
export type FinishedState = (typeof FINISHED_STATES)[number];

/**
 * Makes deliveries due. A finished one gets one more attempt (requeued_from remembers what it was; the
 * attempt's outcome clears it, and a failure ends it discarded rather than starting a new retry
 * schedule); an expired one is attempted past its TTL. One already waiting just becomes due. A redeliver is
 * due at time 0, ahead of the lane's backlog (support asked for it now); a recovery batch is due at the
 * batch's time, behind what was already due. A paused webhook holds what it re-queues; a deleted one's
 * deliveries are never re-queued (checked in the same statement, so a delete committed meanwhile wins and
 * nothing is left in a finished state without its finish time).
 */
const REQUEUE = `UPDATE deliveries
    SET state = coalesce(${HELD_STATE_OF('deliveries.webhook_id')},
                         CASE WHEN attempt_count = 0 THEN 'pending' ELSE 'retrying' END),
        requeued_from = CASE WHEN state IN ('delivered', 'discarded', 'expired', 'cancelled') THEN state END,
        next_attempt_at = @due, finished_at = NULL
  WHERE id = @id AND state <> 'in_flight'
    AND NOT EXISTS (SELECT 1 FROM webhooks w WHERE w.id = deliveries.webhook_id AND w.deleted_at IS NOT NULL)`;

/** Who asked for a redeliver, for its audit entry. */
export interface RedeliverBy {
  actor: string;
  organizationId: string;
  force: boolean;
  now: number;
}

/**
 * Re-queues one delivery, due at once; false when it is in flight, gone, or its webhook was deleted. With
 * `by`, the audit log records who asked for it in the same transaction (resource `delivery`): a redeliver
 * is the repair that makes a receiver see an event twice.
 */
export function requeueDelivery(
  sqlite: BetterSqlite3.Database,
  deliveryId: number,
  by?: RedeliverBy,
): boolean {
  const stateOf = sqlite.prepare('SELECT state FROM deliveries WHERE id = ?').pluck();
  const requeue = sqlite.transaction(() => {
    const before = stateOf.get(deliveryId) as string | undefined;
    if (sqlite.prepare(REQUEUE).run({ id: deliveryId, due: 0 }).changes !== 1) return false;
    if (by !== undefined) {
      const entry = {
        actor: by.actor,
        organizationId: by.organizationId,
        resource: 'delivery',
        resourceId: String(deliveryId),
        action: 'update' as const,
        before: { State: before },
        after: { State: stateOf.get(deliveryId), Redeliver: true, Force: by.force },
      };
      writeAudit({ sqlite }, [entry], by.now);
    }
    return true;
  });
  return requeue.immediate();
}

export interface RecoverySelection {
  webhookRowId: number;
  states: readonly FinishedState[];
  /** Created at or after (ms). */
  since: number;
  /** Created before (ms). */
  until: number;
}

/** How many deliveries a recovery would re-queue now: one index range per state. */
export function countRecoverable(sqlite: BetterSqlite3.Database, s: RecoverySelection): number {
  const count = sqlite
    .prepare(
      `SELECT count(*) FROM deliveries INDEXED BY deliveries_webhook_state_created_idx
        WHERE webhook_id = ? AND state = ? AND created_at >= ? AND created_at < ?`,
    )
    .pluck();
  let total = 0;
  for (const state of s.states) total += count.get(s.webhookRowId, state, s.since, s.until) as number;
  return total;
}

/**
 * The next `limit` deliveries of the selection past `after`, oldest first (by creation, then row),
 * merged from one ordered range per state.
 */
export function nextRecoverable(
  sqlite: BetterSqlite3.Database,
  s: RecoverySelection,
  after: Keyset | null,
  limit: number,
): { id: number; createdAt: number }[] {
  const select = sqlite.prepare(
    `SELECT id, created_at AS createdAt FROM deliveries INDEXED BY deliveries_webhook_state_created_idx
      WHERE webhook_id = @webhookRowId AND state = @state AND created_at >= @since AND created_at < @until
        AND (created_at > @afterAt OR (created_at = @afterAt AND id > @afterId))
      ORDER BY created_at, id LIMIT @limit`,
  );
  const rows: { id: number; createdAt: number }[] = [];
  for (const state of s.states) {
    rows.push(
      ...(select.all({
        webhookRowId: s.webhookRowId,
        state: state satisfies DeliveryState,
        since: s.since,
        until: s.until,
        afterAt: after?.at ?? Number.MIN_SAFE_INTEGER,
        afterId: after?.id ?? 0,
        limit,
      }) as { id: number; createdAt: number }[]),
    );
  }
  rows.sort((a, b) => a.createdAt - b.createdAt || a.id - b.id);
  return rows.slice(0, limit);
}

/**
 * A webhook's deliveries due, being attempted or held (pending, retrying, in flight: a lane's claimed queue
 * is in flight too; paused: what a paused webhook holds goes out first on resume), counted up to `cap`: a
 * recovery adds a batch only while fewer than that are ahead of it, so a paused webhook's recovery waits.
 */
export function busyUpTo(sqlite: BetterSqlite3.Database, webhookRowId: number, cap: number): number {
  return sqlite
    .prepare(
      `SELECT count(*) FROM (SELECT 1 FROM deliveries INDEXED BY deliveries_webhook_state_created_idx
        WHERE webhook_id = ? AND state IN ('pending', 'retrying', 'in_flight', 'paused') LIMIT ?)`,
    )
    .pluck()
    .get(webhookRowId, cap) as number;
}

export { REQUEUE };
