import type BetterSqlite3 from 'better-sqlite3';
import { HELD_STATE_OF } from '../delivery-store.js';
import type { DeliveryState } from '../schema/deliveries.js';
import type { Keyset } from './cursor.js';

/** States a delivery ends in: support may re-queue these for one more attempt. */
export const FINISHED_STATES = ['delivered', 'discarded', 'expired', 'cancelled'] as const;
export type FinishedState = (typeof FINISHED_STATES)[number];

/**
 * Makes deliveries due at once. A finished one gets one more attempt (requeued_from remembers what it
 * was; the attempt's outcome clears it, and a failure ends it discarded rather than starting a new retry
 * schedule); an expired one is attempted past its TTL. One already waiting just becomes due now. Due time
 * 0 puts them ahead of the lane's backlog: support asked for them now. The webhook's state has the last
 * word, as for every write that leaves a delivery waiting (HELD_STATE_OF).
 */
const REQUEUE = `UPDATE deliveries
    SET state = coalesce(${HELD_STATE_OF('deliveries.webhook_id')},
                         CASE WHEN attempt_count = 0 THEN 'pending' ELSE 'retrying' END),
        requeued_from = CASE WHEN state IN ('delivered', 'discarded', 'expired', 'cancelled') THEN state END,
        next_attempt_at = 0, finished_at = NULL
  WHERE id = ? AND state <> 'in_flight'`;

/** Re-queues one delivery; false when it is in flight (or gone). */
export function requeueDelivery(sqlite: BetterSqlite3.Database, deliveryId: number): boolean {
  return sqlite.prepare(REQUEUE).run(deliveryId).changes === 1;
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
 * A webhook's deliveries due or being attempted (pending, retrying, in flight: a lane's claimed queue is in
 * flight too), counted up to `cap`: a recovery adds a batch only while fewer than that are ahead of it.
 */
export function busyUpTo(sqlite: BetterSqlite3.Database, webhookRowId: number, cap: number): number {
  return sqlite
    .prepare(
      `SELECT count(*) FROM (SELECT 1 FROM deliveries INDEXED BY deliveries_webhook_state_created_idx
        WHERE webhook_id = ? AND state IN ('pending', 'retrying', 'in_flight') LIMIT ?)`,
    )
    .pluck()
    .get(webhookRowId, cap) as number;
}

export { REQUEUE };
