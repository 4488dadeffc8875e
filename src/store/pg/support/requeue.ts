import type pg from 'pg';
import type { RedeliverBy } from '../../support/requeue.js';
import { CHANNELS, dueAnnouncement, HELD_STATE_OF, inTransaction, LOCKS } from '../sql.js';

/**
 * Makes deliveries due again, as store/support/requeue.ts REQUEUE does on SQLite (the same rules: a
 * finished one remembers what it was in requeued_from; a paused webhook holds it; a deleted one's are
 * never re-queued, checked in the statement). Only rows still in one of `$3` states are taken, so a
 * recovery batch never re-queues what a redeliver re-queued meanwhile. `$1`: the ids, `$2`: when due.
 */
export const REQUEUE_PG = `UPDATE deliveries d
    SET state = coalesce(${HELD_STATE_OF('d.webhook_id')},
                         CASE WHEN d.attempt_count = 0 THEN 'pending' ELSE 'retrying' END),
        requeued_from = CASE WHEN d.state IN ('delivered', 'discarded', 'expired', 'cancelled') THEN d.state END,
        next_attempt_at = $2, finished_at = NULL
  WHERE d.id = ANY($1::bigint[]) AND d.state <> 'in_flight' AND d.state = ANY($3::text[])
    AND NOT EXISTS (SELECT 1 FROM webhooks w WHERE w.id = d.webhook_id AND w.deleted_at IS NOT NULL)
  RETURNING d.webhook_id, d.state`;

/** Every instance but `instanceId` wakes this webhook's lane (listener.ts reads the payload). */
export async function announceDue(client: pg.ClientBase, instanceId: string, webhookRowId: number) {
  await client.query('SELECT pg_notify($1, $2)', [
    CHANNELS.deliveries,
    dueAnnouncement(instanceId, [webhookRowId]),
  ]);
}

/**
 * Re-queues one delivery, due at once (ahead of its lane's backlog), with its audit entry (resource
 * `delivery`, as on SQLite) in the same transaction; the other instances are woken at commit, so
 * whichever claims the webhook's deliveries sends it. False when it is in flight, gone, or its webhook
 * was deleted.
 */
export async function requeueDeliveryPg(
  pool: pg.Pool,
  instanceId: string,
  deliveryId: number,
  by: RedeliverBy,
): Promise<boolean> {
  return inTransaction(pool, async (client) => {
    // Every writer of audit_log holds the configuration lock, so entries commit in seq order and the
    // audit's seq cursor never skips one; taken first, as configuration changes take it before the rows.
    await client.query('SELECT pg_advisory_xact_lock($1)', [LOCKS.config]);
    const before = await client.query<{ state: string }>(
      'SELECT state FROM deliveries WHERE id = $1 FOR UPDATE',
      [deliveryId],
    );
    const previous = before.rows[0]?.state;
    const done = await client.query<{ webhook_id: number; state: string }>(REQUEUE_PG, [
      [deliveryId],
      0,
      previous === undefined ? [] : [previous],
    ]);
    const row = done.rows[0];
    if (row === undefined) return false;
    await client.query(
      `INSERT INTO audit_log (at, actor, organization_id, resource, resource_id, action, before, after)
       VALUES ($1, $2, $3, 'delivery', $4, 'update', $5::jsonb, $6::jsonb)`,
      [
        by.now,
        by.actor,
        by.organizationId,
        String(deliveryId),
        JSON.stringify({ State: previous }),
        JSON.stringify({ State: row.state, Redeliver: true, Force: by.force }),
      ],
    );
    await announceDue(client, instanceId, row.webhook_id);
    return true;
  });
}
