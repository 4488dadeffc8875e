import type pg from 'pg';
import type {
  ClaimedDelivery,
  ClaimResult,
  Outcome,
  RecordResult,
  ReleasedDelivery,
} from '../delivery-store.js';
import { HELD_STATE_OF, LOCKS } from './sql.js';

/** What the queue needs to know of the instance it runs in. */
export interface QueueSettings {
  instanceId: string;
  leaseMs: number;
  /** Gateway.Delivery.MaxInFlightPerEndpoint: deliveries of one webhook in flight across all instances. */
  maxInFlightPerEndpoint: number;
}

/**
 * When a claim found due deliveries but the webhook's limit across instances had no room, the lane asks
 * again this much later (by then some instance has recorded outcomes).
 */
export const FULL_RETRY_MS = 25;

/** A row the claim took, before it is shaped for the engine. */
interface ClaimedRow extends ClaimedDelivery {
  nextAttemptAt: number;
}

const held = HELD_STATE_OF('d.webhook_id');
/** A delivery whose attempt may or may not have reached the receiver is due again, as pending or retrying. */
const WAITING_AGAIN = `coalesce(${held}, CASE WHEN d.attempt_count = 0 THEN 'pending' ELSE 'retrying' END)`;

/**
 * The engine's side of the PostgreSQL store. A claim takes due deliveries with FOR UPDATE SKIP LOCKED and
 * writes a lease (this instance, an expiry) in one short transaction before any HTTP call: no row lock
 * or transaction is held across an attempt. Outcomes and releases only touch deliveries this instance
 * still holds the lease of, so an instance that lost a lease (it stalled past the expiry and another took
 * the delivery over) cannot overwrite the other's work.
 */
export class DeliveryQueue {
  constructor(
    private readonly pool: pg.Pool,
    private readonly settings: QueueSettings,
  ) {}

  /**
   * Up to `limit` due deliveries of one webhook, oldest due first, within the room the webhook's limit
   * leaves across every instance. Deliveries whose lease expired (their instance died) count as due.
   * Claims of one webhook are serialised by an advisory lock, so two instances never both see room that
   * only one of them may take.
   */
  async claim(webhookId: number, now: number, limit: number): Promise<ClaimResult> {
    const { instanceId, leaseMs, maxInFlightPerEndpoint } = this.settings;
    const [w, t, n, max, until] = [webhookId, now, limit, maxInFlightPerEndpoint, now + leaseMs].map(integer);
    // One round trip: the simple protocol runs the statements in order, each with a fresh snapshot, so the
    // count of open deliveries is read after the lock, when no other claim of this webhook can run.
    // Deliveries whose lease expired (their instance died) are first made waiting again, so the claim
    // itself is one ordered read of the waiting rows' index, however many wait.
    const results = await this.script(
      `BEGIN;
       SELECT pg_advisory_xact_lock(${LOCKS.claim}, ${w});
       UPDATE deliveries d SET state = ${WAITING_AGAIN}, lease_owner = NULL, lease_expires_at = NULL
        WHERE d.webhook_id = ${w} AND d.state = 'in_flight' AND d.lease_expires_at <= ${t};
       WITH open AS (SELECT count(*) AS n FROM deliveries
                      WHERE webhook_id = ${w} AND state = 'in_flight' AND lease_expires_at > ${t}),
            -- A constant limit here lets the planner see a handful of rows (a computed one made it
            -- join the whole table); the room left is then taken from them in due order.
            locked AS (
              SELECT d.id, d.state AS previous, d.next_attempt_at
                FROM deliveries d
               WHERE d.webhook_id = ${w} AND d.state IN ('pending', 'retrying') AND d.next_attempt_at <= ${t}
               ORDER BY d.next_attempt_at
               LIMIT ${integer(Math.min(limit, maxInFlightPerEndpoint))}
               FOR UPDATE SKIP LOCKED),
            due AS (
              SELECT id, previous FROM locked ORDER BY next_attempt_at
               LIMIT greatest(0, ${max} - (SELECT n FROM open)))
       UPDATE deliveries d SET state = 'in_flight', lease_owner = ${quote(instanceId)}, lease_expires_at = ${until}
         FROM due, events e
        WHERE d.id = due.id AND e.seq = d.event_seq
       RETURNING d.id, d.webhook_id AS "webhookId", due.previous AS "previousState",
                 d.attempt_count AS "attemptCount", e.event_type AS "eventType",
                 e.expires_at AS "expiresAt", e.payload, d.next_attempt_at AS "nextAttemptAt";
       SELECT (SELECT count(*) FROM deliveries
                WHERE webhook_id = ${w} AND state = 'in_flight' AND lease_expires_at > ${t})::int AS open,
              (SELECT min(next_attempt_at) FROM deliveries
                WHERE webhook_id = ${w} AND state IN ('pending', 'retrying')) AS at;
       COMMIT;`,
    );
    const rows = (results[3]?.rows ?? []) as ClaimedRow[];
    const after = results[4]?.rows[0] as { open: number; at: number | null };
    const deliveries = rows
      .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.id - b.id)
      .map(({ nextAttemptAt: _, ...delivery }) => delivery);
    if (deliveries.length >= limit) return { deliveries, nextDueAt: null };
    // Due now but the webhook's places were all taken: ask again shortly, once outcomes free some.
    const full = after.open >= maxInFlightPerEndpoint;
    if (after.at !== null && after.at <= now && full) return { deliveries, nextDueAt: now + FULL_RETRY_MS };
    return { deliveries, nextDueAt: after.at };
  }

  private async withClient<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      return await work(client);
    } finally {
      client.release();
    }
  }

  /** Runs several statements in one round trip; a failure rolls back before the connection is reused. */
  private async script(text: string): Promise<pg.QueryResult[]> {
    const client = await this.pool.connect();
    try {
      return (await client.query(text)) as unknown as pg.QueryResult[];
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * Writes the outcomes and their attempts in one transaction; if that fails, one by one, so a row that
   * cannot be written fails alone.
   */
  async record(
    outcomes: readonly Outcome[],
    keepAttempts: number,
  ): Promise<RecordResult & { webhookIds: number[] }> {
    if (outcomes.length === 0) return { failed: [], webhookIds: [] };
    try {
      const webhookIds = await this.withClient((client) =>
        this.writeOutcomes(client, outcomes, keepAttempts),
      );
      return { failed: [], webhookIds };
    } catch {
      const failed: RecordResult['failed'] = [];
      for (const o of outcomes) {
        try {
          await this.withClient((client) => this.writeOutcomes(client, [o], keepAttempts));
        } catch (error) {
          failed.push({
            deliveryId: o.deliveryId,
            message: error instanceof Error ? error.message : String(error),
            retryable: isConnectionError(error),
          });
        }
      }
      return { failed, webhookIds: [] };
    }
  }

  /** One statement (atomic by itself): the deliveries' new states and their attempts. */
  private async writeOutcomes(
    client: pg.PoolClient,
    outcomes: readonly Outcome[],
    keepAttempts: number,
  ): Promise<number[]> {
    const col = <T>(pick: (o: Outcome) => T) => outcomes.map(pick);
    // The attempt happened whatever became of the lease: it is part of the delivery's history.
    const attempts = outcomes.flatMap((o) => (o.attempt === null ? [] : [o.attempt]));
    const a = <T>(pick: (x: (typeof attempts)[number]) => T) => attempts.map(pick);
    // A retry asked for after the webhook was paused or deleted is held or cancelled instead.
    const updated = await client.query<{ webhook_id: number }>(
      `WITH o AS (
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::int[], $4::bigint[], $5::bigint[], $6::int[],
                              $7::text[], $8::text[], $9::bigint[])
                AS o(id, state, attempts, next_at, started_at, status, error_class, error, finished_at)),
       updated AS (
         UPDATE deliveries d
            SET state = CASE WHEN o.state = 'retrying' THEN coalesce(${held}, 'retrying') ELSE o.state END,
                attempt_count = o.attempts, next_attempt_at = coalesce(o.next_at, d.next_attempt_at),
                last_attempt_at = coalesce(o.started_at, d.last_attempt_at), last_status = o.status,
                last_error_class = o.error_class, last_error = o.error,
                finished_at = CASE WHEN o.state = 'retrying' AND ${held} = 'cancelled' THEN $10 ELSE o.finished_at END,
                lease_owner = NULL, lease_expires_at = NULL
           FROM o
          WHERE d.id = o.id AND d.state = 'in_flight' AND d.lease_owner = $11
         RETURNING d.webhook_id),
       inserted AS (
         INSERT INTO attempts (delivery_id, attempt_no, started_at, duration_ms, status_code, error_class,
                               error_message, response_snippet)
         SELECT * FROM unnest($12::bigint[], $13::int[], $14::bigint[], $15::int[], $16::int[], $17::text[],
                              $18::text[], $19::text[]))
       SELECT DISTINCT webhook_id FROM updated`,
      [
        col((o) => o.deliveryId),
        col((o) => o.state),
        col((o) => o.attemptCount),
        col((o) => o.nextAttemptAt),
        col((o) => o.attempt?.startedAt ?? null),
        col((o) => o.attempt?.statusCode ?? null),
        col((o) => o.attempt?.errorClass ?? (o.state === 'expired' ? 'expired' : null)),
        col((o) => o.attempt?.errorMessage ?? null),
        col((o) => o.finishedAt),
        Date.now(),
        this.settings.instanceId,
        a((x) => x.deliveryId),
        a((x) => x.attemptNo),
        a((x) => x.startedAt),
        a((x) => Math.round(x.durationMs)),
        a((x) => x.statusCode),
        a((x) => x.errorClass),
        a((x) => x.errorMessage),
        a((x) => x.responseSnippet),
      ],
    );
    // Keeps the newest AttemptsPerDelivery attempts of the deliveries just attempted (a clean-up: rows a
    // failed trim leaves are trimmed by the delivery's next attempt).
    const over = attempts.filter((x) => x.attemptNo > keepAttempts);
    if (over.length > 0)
      await client.query(
        `DELETE FROM attempts t USING unnest($1::bigint[], $2::int[]) AS o(id, below)
          WHERE t.delivery_id = o.id AND t.attempt_no <= o.below`,
        [over.map((x) => x.deliveryId), over.map((x) => x.attemptNo - keepAttempts)],
      );
    return updated.rows.map((r) => r.webhook_id);
  }

  /** Hands claimed deliveries back unattempted, to the state they had (or held, or cancelled). */
  async release(deliveries: readonly ReleasedDelivery[]): Promise<void> {
    if (deliveries.length === 0) return;
    await this.pool.query(
      `UPDATE deliveries d SET state = coalesce(${held}, r.previous),
              finished_at = CASE WHEN ${held} = 'cancelled' THEN $3 ELSE d.finished_at END,
              lease_owner = NULL, lease_expires_at = NULL
         FROM unnest($1::bigint[], $2::text[]) AS r(id, previous)
        WHERE d.id = r.id AND d.state = 'in_flight' AND d.lease_owner = $4`,
      [
        deliveries.map((d) => d.id),
        deliveries.map((d) => d.previousState),
        Date.now(),
        this.settings.instanceId,
      ],
    );
  }

  /**
   * At start: deliveries this instance (a previous run under the same InstanceId) left in flight, and any
   * whose lease expired, are due again at once. Other instances' live leases are left alone.
   */
  async recoverInFlight(): Promise<number> {
    const now = Date.now();
    const result = await this.pool.query(
      `UPDATE deliveries d SET state = ${WAITING_AGAIN},
              finished_at = CASE WHEN ${held} = 'cancelled' THEN $1 ELSE d.finished_at END,
              lease_owner = NULL, lease_expires_at = NULL
        WHERE d.state = 'in_flight' AND (d.lease_owner = $2 OR d.lease_expires_at <= $1)`,
      [now, this.settings.instanceId],
    );
    return result.rowCount ?? 0;
  }

  /** Expires up to `limit` paused deliveries whose event's TTL passed; how many. */
  async expirePaused(now: number, limit: number): Promise<number> {
    const result = await this.pool.query(
      `UPDATE deliveries SET state = 'expired', last_error_class = 'expired', finished_at = $1
        WHERE id IN (SELECT d.id FROM deliveries d JOIN events e ON e.seq = d.event_seq
                      WHERE d.state = 'paused' AND e.expires_at IS NOT NULL AND e.expires_at <= $1
                      LIMIT $2)`,
      [now, limit],
    );
    return result.rowCount ?? 0;
  }

  /** Extends every lease this instance holds: its attempts are still open. */
  async renewLeases(now: number): Promise<number> {
    const result = await this.pool.query(
      `UPDATE deliveries SET lease_expires_at = $1 WHERE state = 'in_flight' AND lease_owner = $2`,
      [now + this.settings.leaseMs, this.settings.instanceId],
    );
    return result.rowCount ?? 0;
  }

  /** Webhooks with deliveries whose lease expired: their instance died, and they wait to be taken over. */
  async expiredLeases(now: number): Promise<number[]> {
    const result = await this.pool.query<{ webhook_id: number }>(
      `SELECT DISTINCT webhook_id FROM deliveries WHERE state = 'in_flight' AND lease_expires_at <= $1`,
      [now],
    );
    return result.rows.map((r) => r.webhook_id);
  }
}

/** A number inlined into SQL: an integer, or the statement is refused before it is sent. */
function integer(value: number): number {
  if (!Number.isSafeInteger(value)) throw new Error(`internal: ${value} is not an integer`);
  return value;
}

/** A string inlined into SQL as a literal. */
function quote(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** Errors of the connection or the server's state (not of a row): the write may succeed later. */
export function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return error instanceof Error;
  // Class 08 (connection), 53 (insufficient resources), 57 (operator intervention), 40 (rollback), and
  // the socket's own codes.
  return /^(08|53|57|40|58)/.test(code) || /^E[A-Z]+$/.test(code);
}
