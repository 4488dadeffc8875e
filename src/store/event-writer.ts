import type BetterSqlite3 from 'better-sqlite3';
import { HELD_STATE_OF } from './delivery-store.js';

/** One event ready to be recorded: its routing facts, its exact JSON, and who must receive it. */
export interface EventRecord {
  id: string;
  organizationId: string;
  eventType: string;
  entityId: string;
  occurredAt: string;
  expiresAt: number | null;
  payload: string;
  webhookIds: readonly number[];
}

export interface WriteResult {
  id: string;
  /** Webhooks the event was matched to (for a duplicate: when it was first accepted). */
  matched: number;
  duplicate: boolean;
}

/** What the store reports of one recorded event: the delivery rows it created, in webhookIds order. */
export interface StoredEvent extends WriteResult {
  /** Empty for a duplicate, which creates nothing. */
  deliveryIds: number[];
}

/**
 * Per record, per webhook (webhookIds order): true when the delivery engine has already taken the
 * delivery, so it is recorded in flight rather than pending (see EventRecorder).
 */
export type HandOffs = readonly (readonly boolean[])[];

interface PendingBatch {
  records: readonly EventRecord[];
  handOffs: HandOffs;
  resolve: (results: StoredEvent[]) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; results: StoredEvent[] } | { ok: false; error: unknown };

export interface EventWriterOptions {
  now?: () => number;
  /** Events per commit at most (whole batches are never split): bounds how long a commit holds the store. */
  maxEventsPerCommit?: number;
  /** Called after each commit of events. */
  afterCommit?: () => void;
}

/**
 * Records accepted events and their deliveries. Callers arriving in the same turn of the event loop
 * share one transaction (group commit): under concurrent publishing the store pays one fsync per group,
 * not one per event. Each caller's batch runs in its own savepoint, so a batch is all-or-nothing and one
 * failing batch does not sink the others in its group. Raw prepared statements: this is the hot path.
 */
export class EventWriter {
  private queue: PendingBatch[] = [];
  private scheduled = false;
  private readonly insertEvent: BetterSqlite3.Statement;
  private readonly insertDelivery: BetterSqlite3.Statement;
  private readonly findMatchCount: BetterSqlite3.Statement;
  private readonly runGroup: (batches: PendingBatch[]) => Outcome[];
  private readonly now: () => number;
  private readonly maxEventsPerCommit: number;
  private readonly afterCommit: () => void;

  constructor(sqlite: BetterSqlite3.Database, options: EventWriterOptions = {}) {
    this.now = options.now ?? Date.now;
    this.maxEventsPerCommit = options.maxEventsPerCommit ?? 512;
    this.afterCommit = options.afterCommit ?? (() => {});
    // The unique index on events.id decides what is a duplicate: an Id already stored inserts nothing
    // and returns no row, whichever process stored it first.
    this.insertEvent = sqlite
      .prepare(
        `INSERT INTO events (id, organization_id, event_type, entity_id, occurred_at, expires_at, payload, accepted_at, match_count)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING RETURNING seq`,
      )
      .pluck();
    // Not handed off: pending, or held or cancelled when the webhook was paused or deleted meanwhile.
    const held = HELD_STATE_OF('@webhookId');
    this.insertDelivery = sqlite.prepare(
      `INSERT INTO deliveries (event_seq, webhook_id, state, attempt_count, next_attempt_at, created_at, finished_at)
       VALUES (@eventSeq, @webhookId, CASE WHEN @handedOff = 1 THEN 'in_flight' ELSE coalesce(${held}, 'pending') END,
               0, @now, @now, CASE WHEN @handedOff = 0 AND ${held} = 'cancelled' THEN @now END)`,
    );
    this.findMatchCount = sqlite.prepare('SELECT match_count FROM events WHERE id = ?').pluck();
    const writeBatch = sqlite.transaction((batch: PendingBatch, now: number) => this.writeBatch(batch, now));
    this.runGroup = sqlite.transaction((batches: PendingBatch[]) => {
      const now = this.now();
      return batches.map((batch): Outcome => {
        try {
          return { ok: true, results: writeBatch(batch, now) };
        } catch (error) {
          return { ok: false, error };
        }
      });
    });
  }

  /** Resolves once the batch is committed; all of it is recorded or none. */
  write(records: readonly EventRecord[], handOffs: HandOffs = []): Promise<StoredEvent[]> {
    if (records.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.queue.push({ records, handOffs, resolve, reject });
      this.schedule();
    });
  }

  /** Writes the next group of queued batches now; at shutdown, call until nothing is left. */
  flush(): void {
    this.scheduled = false;
    const batches = this.takeGroup();
    if (batches.length === 0) return;
    if (this.queue.length > 0) this.schedule();
    let outcomes: Outcome[];
    try {
      outcomes = this.runGroup(batches);
    } catch (error) {
      for (const b of batches) b.reject(error);
      return;
    }
    this.afterCommit();
    outcomes.forEach((outcome, i) => {
      const batch = batches[i] as PendingBatch;
      if (outcome.ok) batch.resolve(outcome.results);
      else batch.reject(outcome.error);
    });
  }

  /** Writes everything queued (shutdown). */
  drain(): void {
    while (this.queue.length > 0) this.flush();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private takeGroup(): PendingBatch[] {
    let events = 0;
    let taken = 0;
    while (taken < this.queue.length) {
      const size = (this.queue[taken] as PendingBatch).records.length;
      if (taken > 0 && events + size > this.maxEventsPerCommit) break;
      events += size;
      taken++;
    }
    return this.queue.splice(0, taken);
  }

  private writeBatch({ records, handOffs }: PendingBatch, now: number): StoredEvent[] {
    return records.map((r, i): StoredEvent => {
      const seq = this.insertEvent.get(
        r.id,
        r.organizationId,
        r.eventType,
        r.entityId,
        r.occurredAt,
        r.expiresAt,
        r.payload,
        now,
        r.webhookIds.length,
      ) as number | undefined;
      if (seq === undefined) {
        const matched = this.findMatchCount.get(r.id) as number;
        return { id: r.id, matched, duplicate: true, deliveryIds: [] };
      }
      const handedOff = handOffs[i];
      const deliveryIds = r.webhookIds.map((webhookId, j) => {
        const delivery = this.insertDelivery.run({
          eventSeq: seq,
          webhookId,
          handedOff: handedOff?.[j] === true ? 1 : 0,
          now,
        });
        return Number(delivery.lastInsertRowid);
      });
      return { id: r.id, matched: r.webhookIds.length, duplicate: false, deliveryIds };
    });
  }
}
