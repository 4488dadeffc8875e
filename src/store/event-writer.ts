import type BetterSqlite3 from 'better-sqlite3';

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

interface PendingBatch {
  records: readonly EventRecord[];
  resolve: (results: WriteResult[]) => void;
  reject: (error: unknown) => void;
}

export interface EventWriterOptions {
  /** Called after each commit that created deliveries, with their webhooks, so their lanes wake at once. */
  onCommitted?: (webhookIds: ReadonlySet<number>) => void;
  now?: () => number;
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

  constructor(
    sqlite: BetterSqlite3.Database,
    private readonly options: EventWriterOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.insertEvent = sqlite
      .prepare(
        `INSERT INTO events (id, organization_id, event_type, entity_id, occurred_at, expires_at, payload, accepted_at, match_count)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING RETURNING seq`,
      )
      .pluck();
    this.insertDelivery = sqlite.prepare(
      `INSERT INTO deliveries (event_seq, webhook_id, state, attempt_count, next_attempt_at, created_at)
       VALUES (?, ?, 'pending', 0, ?, ?)`,
    );
    this.findMatchCount = sqlite.prepare('SELECT match_count FROM events WHERE id = ?').pluck();
    const writeBatch = sqlite.transaction((records: readonly EventRecord[], now: number) =>
      this.writeBatch(records, now),
    );
    this.runGroup = sqlite.transaction((batches: PendingBatch[]) => {
      const now = this.now();
      return batches.map((batch): Outcome => {
        try {
          return { ok: true, results: writeBatch(batch.records, now) };
        } catch (error) {
          return { ok: false, error };
        }
      });
    });
  }

  /** Resolves once the batch is committed; all of it is recorded or none. */
  write(records: readonly EventRecord[]): Promise<WriteResult[]> {
    if (records.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.queue.push({ records, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Writes whatever is queued now; used at shutdown so nothing acknowledged is left in memory. */
  flush(): void {
    this.scheduled = false;
    const batches = this.queue;
    if (batches.length === 0) return;
    this.queue = [];
    let outcomes: Outcome[];
    try {
      outcomes = this.runGroup(batches);
    } catch (error) {
      for (const b of batches) b.reject(error);
      return;
    }
    const woken = new Set<number>();
    outcomes.forEach((outcome, i) => {
      const batch = batches[i] as PendingBatch;
      if (!outcome.ok) {
        batch.reject(outcome.error);
        return;
      }
      outcome.results.forEach((result, j) => {
        if (!result.duplicate) for (const id of (batch.records[j] as EventRecord).webhookIds) woken.add(id);
      });
      batch.resolve(outcome.results);
    });
    if (woken.size > 0) this.options.onCommitted?.(woken);
  }

  private writeBatch(records: readonly EventRecord[], now: number): WriteResult[] {
    return records.map((r) => {
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
        return { id: r.id, matched, duplicate: true };
      }
      for (const webhookId of r.webhookIds) this.insertDelivery.run(seq, webhookId, now, now);
      return { id: r.id, matched: r.webhookIds.length, duplicate: false };
    });
  }
}

type Outcome = { ok: true; results: WriteResult[] } | { ok: false; error: unknown };
