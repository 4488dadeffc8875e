import type BetterSqlite3 from 'better-sqlite3';
import type { DeliveryState } from './schema/deliveries.js';
import { isTransientStoreError } from './store-error.js';

export interface ClaimedDelivery {
  id: number;
  webhookId: number;
  /** State before the claim, restored if the delivery is released unattempted. */
  previousState: 'pending' | 'retrying';
  attemptCount: number;
  eventType: string;
  expiresAt: number | null;
  payload: string;
}

/** A claim's deliveries; when it found fewer than asked, also when the webhook's next waiting one is due. */
export interface ClaimResult {
  deliveries: ClaimedDelivery[];
  /** Null when the claim was full (there may be more due now) or nothing waits. */
  nextDueAt: number | null;
}

/** What releasing a claimed delivery needs: its row and the state it had before the claim. */
export type ReleasedDelivery = Pick<ClaimedDelivery, 'id' | 'previousState'>;

export interface AttemptRecord {
  deliveryId: number;
  attemptNo: number;
  startedAt: number;
  durationMs: number;
  statusCode: number | null;
  errorClass: string | null;
  errorMessage: string | null;
  responseSnippet: string | null;
}

export interface Outcome {
  deliveryId: number;
  state: DeliveryState;
  attemptCount: number;
  nextAttemptAt: number | null;
  finishedAt: number | null;
  /** Absent when no HTTP attempt was made (an event that expired before its turn). */
  attempt: AttemptRecord | null;
}

/** Outcomes the store could not write, each with its reason; the others were written. */
export interface RecordResult {
  /** retryable: the store could not write at all (a full or failing disk), not this row in particular. */
  failed: { deliveryId: number; message: string; retryable: boolean }[];
}

/**
 * The state a waiting delivery takes from its webhook's row, or NULL when the webhook is live and enabled:
 * 'cancelled' once it is deleted, 'paused' while it is disabled. Every write that leaves a delivery waiting
 * (a new delivery, a retry, a release, a recovery) goes through it, so the configuration's last word holds
 * however a write and a configuration change interleave: the change and the write are each one
 * transaction, and whichever commits second sees the other.
 */
export const HELD_STATE_OF = (webhookRowId: string) =>
  `(SELECT CASE WHEN w.deleted_at IS NOT NULL THEN 'cancelled' WHEN w.enabled = 0 THEN 'paused' END
      FROM webhooks w WHERE w.id = ${webhookRowId})`;

/**
 * The engine's side of the store, run in the store thread (see store/thread). Claims read one endpoint's
 * due deliveries in due order from a partial index of waiting rows, so an endpoint with a million waiting
 * rows costs nothing to its neighbours. Outcomes are written in batches; a row the store refuses is
 * written alone, so it never fails the others.
 */
export class DeliveryStore {
  private readonly selectDue: BetterSqlite3.Statement;
  private readonly markInFlight: BetterSqlite3.Statement;
  private readonly updateOutcome: BetterSqlite3.Statement;
  private readonly insertAttempt: BetterSqlite3.Statement;
  private readonly release: BetterSqlite3.Statement;
  private readonly nextDue: BetterSqlite3.Statement;
  private readonly expirePausedRows: BetterSqlite3.Statement;
  private readonly claimRows: (webhookId: number, now: number, limit: number) => ClaimedDelivery[];
  private readonly recordAll: (outcomes: readonly Outcome[]) => void;
  private readonly recordOne: (outcome: Outcome) => void;
  readonly releaseAll: (deliveries: readonly ReleasedDelivery[]) => void;

  constructor(private readonly sqlite: BetterSqlite3.Database) {
    this.selectDue = sqlite.prepare(
      `SELECT d.id, d.webhook_id AS webhookId, d.state AS previousState, d.attempt_count AS attemptCount,
              e.event_type AS eventType, e.payload,
              -- Support re-queued it for one more attempt, past its TTL on purpose (a redeliver past the
              -- TTL needs Force; a recovery names the states it re-sends): it is attempted, not expired.
              CASE WHEN d.requeued_from IS NOT NULL THEN NULL ELSE e.expires_at END AS expiresAt
         FROM deliveries d JOIN events e ON e.seq = d.event_seq
        WHERE d.webhook_id = ? AND d.state IN ('pending', 'retrying') AND d.next_attempt_at <= ?
        ORDER BY d.next_attempt_at LIMIT ?`,
    );
    this.markInFlight = sqlite.prepare(`UPDATE deliveries SET state = 'in_flight' WHERE id = ?`);
    // A retry asked for after the webhook was paused or deleted is held or cancelled instead. A delivery
    // support re-queued (requeued_from set) had its one more attempt: a failure ends it discarded.
    const held = HELD_STATE_OF('deliveries.webhook_id');
    this.updateOutcome = sqlite.prepare(
      `UPDATE deliveries
          SET state = CASE WHEN @state <> 'retrying' THEN @state WHEN requeued_from IS NOT NULL THEN 'discarded'
                           ELSE coalesce(${held}, 'retrying') END,
              attempt_count = @attemptCount, next_attempt_at = coalesce(@nextAttemptAt, next_attempt_at),
              last_attempt_at = coalesce(@startedAt, last_attempt_at), last_status = @statusCode,
              last_error_class = @errorClass, last_error = @errorMessage,
              finished_at = CASE WHEN @state <> 'retrying' THEN @finishedAt WHEN requeued_from IS NOT NULL THEN @now
                                 WHEN ${held} = 'cancelled' THEN @now ELSE @finishedAt END,
              requeued_from = NULL
        WHERE id = @deliveryId`,
    );
    this.insertAttempt = sqlite.prepare(
      `INSERT INTO attempts (delivery_id, attempt_no, started_at, duration_ms, status_code, error_class, error_message, response_snippet)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.release = sqlite.prepare(
      `UPDATE deliveries SET state = coalesce(${held}, @previousState),
              finished_at = CASE WHEN ${held} = 'cancelled' THEN @now ELSE finished_at END,
              requeued_from = CASE WHEN ${held} = 'cancelled' THEN NULL ELSE requeued_from END
        WHERE id = @id AND state = 'in_flight'`,
    );
    // A paused delivery whose event's TTL passed would only be expired when claimed; its webhook may stay
    // paused for days, so it is expired where it waits.
    this.expirePausedRows = sqlite.prepare(
      `UPDATE deliveries SET state = 'expired', last_error_class = 'expired', finished_at = @now
        WHERE id IN (SELECT d.id FROM deliveries d JOIN events e ON e.seq = d.event_seq
                      WHERE d.state = 'paused' AND e.expires_at IS NOT NULL AND e.expires_at <= @now
                      LIMIT @limit)`,
    );
    this.nextDue = sqlite
      .prepare(
        `SELECT min(next_attempt_at) FROM deliveries WHERE webhook_id = ? AND state IN ('pending', 'retrying')`,
      )
      .pluck();

    this.claimRows = sqlite.transaction((webhookId: number, now: number, limit: number) => {
      const rows = this.selectDue.all(webhookId, now, limit) as ClaimedDelivery[];
      for (const row of rows) this.markInFlight.run(row.id);
      return rows;
    });
    const writeOutcome = (o: Outcome, now: number) => {
      const a = o.attempt;
      this.updateOutcome.run({
        state: o.state,
        attemptCount: o.attemptCount,
        nextAttemptAt: o.nextAttemptAt,
        startedAt: a?.startedAt ?? null,
        statusCode: a?.statusCode ?? null,
        errorClass: a?.errorClass ?? (o.state === 'expired' ? 'expired' : null),
        errorMessage: a?.errorMessage ?? null,
        finishedAt: o.finishedAt,
        now,
        deliveryId: o.deliveryId,
      });
      if (a !== null) {
        this.insertAttempt.run(
          a.deliveryId,
          a.attemptNo,
          a.startedAt,
          a.durationMs,
          a.statusCode,
          a.errorClass,
          a.errorMessage,
          a.responseSnippet,
        );
      }
    };
    this.recordAll = sqlite.transaction((outcomes: readonly Outcome[]) => {
      const now = Date.now();
      for (const o of outcomes) writeOutcome(o, now);
    });
    this.recordOne = sqlite.transaction((o: Outcome) => writeOutcome(o, Date.now()));
    this.releaseAll = sqlite.transaction((deliveries: readonly ReleasedDelivery[]) => {
      const now = Date.now();
      for (const d of deliveries) this.release.run({ id: d.id, previousState: d.previousState, now });
    });
  }

  /**
   * Writes the outcomes in one transaction; if the store refuses it, writes them one by one, so that a row
   * that cannot be written (a constraint, a corrupt page) fails alone and the others are recorded.
   */
  record(outcomes: readonly Outcome[]): RecordResult {
    try {
      this.recordAll(outcomes);
      return { failed: [] };
    } catch {
      const failed: RecordResult['failed'] = [];
      for (const o of outcomes) {
        try {
          this.recordOne(o);
        } catch (error) {
          failed.push({
            deliveryId: o.deliveryId,
            message: error instanceof Error ? error.message : String(error),
            retryable: isTransientStoreError(error),
          });
        }
      }
      return { failed };
    }
  }

  /** Expires up to `limit` paused deliveries whose event's TTL has passed; returns how many. */
  expirePaused(now: number, limit: number): number {
    return this.expirePausedRows.run({ now, limit }).changes;
  }

  /** Up to `limit` due deliveries of one webhook, marked in flight, oldest due first. */
  claim(webhookId: number, now: number, limit: number): ClaimResult {
    const deliveries = this.claimRows(webhookId, now, limit);
    const nextDueAt =
      deliveries.length < limit ? ((this.nextDue.get(webhookId) as number | null) ?? null) : null;
    return { deliveries, nextDueAt };
  }

  /**
   * At start, deliveries left in flight by a process that died are due again at once: the attempt may
   * or may not have reached the receiver, so at-least-once means trying again.
   */
  recoverInFlight(): number {
    const held = HELD_STATE_OF('deliveries.webhook_id');
    return this.sqlite
      .prepare(
        `UPDATE deliveries
            SET state = coalesce(${held}, CASE WHEN attempt_count = 0 THEN 'pending' ELSE 'retrying' END),
                finished_at = CASE WHEN ${held} = 'cancelled' THEN @now ELSE finished_at END,
                requeued_from = CASE WHEN ${held} = 'cancelled' THEN NULL ELSE requeued_from END
          WHERE state = 'in_flight'`,
      )
      .run({ now: Date.now() }).changes;
  }
}
