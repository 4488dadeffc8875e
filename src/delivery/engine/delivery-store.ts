import type BetterSqlite3 from 'better-sqlite3';
import type { DeliveryState } from '../../store/schema/deliveries.js';

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

/**
 * The engine's side of the store, run in the store thread (see store/thread). Claims read one endpoint's
 * due deliveries in due order from a partial index of waiting rows, so an endpoint with a million waiting
 * rows costs nothing to its neighbours. Outcomes are written in batches.
 */
export class DeliveryStore {
  private readonly selectDue: BetterSqlite3.Statement;
  private readonly markInFlight: BetterSqlite3.Statement;
  private readonly updateOutcome: BetterSqlite3.Statement;
  private readonly insertAttempt: BetterSqlite3.Statement;
  private readonly release: BetterSqlite3.Statement;
  private readonly nextDue: BetterSqlite3.Statement;
  private readonly claimRows: (webhookId: number, now: number, limit: number) => ClaimedDelivery[];
  readonly record: (outcomes: readonly Outcome[]) => void;
  readonly releaseAll: (deliveries: readonly ReleasedDelivery[]) => void;

  constructor(private readonly sqlite: BetterSqlite3.Database) {
    this.selectDue = sqlite.prepare(
      `SELECT d.id, d.webhook_id AS webhookId, d.state AS previousState, d.attempt_count AS attemptCount,
              e.event_type AS eventType, e.expires_at AS expiresAt, e.payload
         FROM deliveries d JOIN events e ON e.seq = d.event_seq
        WHERE d.webhook_id = ? AND d.state IN ('pending', 'retrying') AND d.next_attempt_at <= ?
        ORDER BY d.next_attempt_at LIMIT ?`,
    );
    this.markInFlight = sqlite.prepare(`UPDATE deliveries SET state = 'in_flight' WHERE id = ?`);
    this.updateOutcome = sqlite.prepare(
      `UPDATE deliveries SET state = ?, attempt_count = ?, next_attempt_at = coalesce(?, next_attempt_at),
              last_attempt_at = coalesce(?, last_attempt_at), last_status = ?, last_error_class = ?, last_error = ?,
              finished_at = ?
        WHERE id = ?`,
    );
    this.insertAttempt = sqlite.prepare(
      `INSERT INTO attempts (delivery_id, attempt_no, started_at, duration_ms, status_code, error_class, error_message, response_snippet)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.release = sqlite.prepare(`UPDATE deliveries SET state = ? WHERE id = ? AND state = 'in_flight'`);
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
    this.record = sqlite.transaction((outcomes: readonly Outcome[]) => {
      for (const o of outcomes) {
        const a = o.attempt;
        this.updateOutcome.run(
          o.state,
          o.attemptCount,
          o.nextAttemptAt,
          a?.startedAt ?? null,
          a?.statusCode ?? null,
          a?.errorClass ?? (o.state === 'expired' ? 'expired' : null),
          a?.errorMessage ?? null,
          o.finishedAt,
          o.deliveryId,
        );
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
      }
    });
    this.releaseAll = sqlite.transaction((deliveries: readonly ReleasedDelivery[]) => {
      for (const d of deliveries) this.release.run(d.previousState, d.id);
    });
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
    return this.sqlite
      .prepare(
        `UPDATE deliveries SET state = CASE WHEN attempt_count = 0 THEN 'pending' ELSE 'retrying' END WHERE state = 'in_flight'`,
      )
      .run().changes;
  }
}
