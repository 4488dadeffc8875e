import type BetterSqlite3 from 'better-sqlite3';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Gateway.Retention, as the store applies it. */
export interface RetentionPolicy {
  /** Days a delivered delivery is kept after it finished. */
  deliveredDays: number;
  /** Days a discarded, expired or cancelled delivery is kept after it finished. */
  failedDays: number;
  /** Attempt rows kept per delivery (the newest). */
  attemptsPerDelivery: number;
  /** Days an audit log entry is kept. */
  auditDays: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = {
  deliveredDays: 7,
  failedDays: 30,
  attemptsPerDelivery: 20,
  auditDays: 365,
};

/** What a prune removed (or, dry, would remove). */
export interface PruneCounts {
  events: number;
  deliveries: number;
  attempts: number;
  tombstones: number;
  /** Audit log entries older than auditDays. */
  audit: number;
}

export const noCounts = (): PruneCounts => ({
  events: 0,
  deliveries: 0,
  attempts: 0,
  tombstones: 0,
  audit: 0,
});

export function addCounts(into: PruneCounts, more: PruneCounts): void {
  into.events += more.events;
  into.deliveries += more.deliveries;
  into.attempts += more.attempts;
  into.tombstones += more.tombstones;
  into.audit += more.audit;
}

/** A step holds the writer at most about this long: the batch size adapts to stay under it. */
export const STEP_BUDGET_MS = 10;
const MIN_BATCH = 8;
const MAX_BATCH = 4096;
/** Pages a vacuum step returns to the file system at first; it adapts like the prune batch. */
const VACUUM_PAGES = 256;

/** An event a prune step looks at, with the counts that decide whether it goes. */
export interface Candidate {
  seq: number;
  id: string;
  acceptedAt: number;
  organizationId: string;
  entityId: string;
  /** Deliveries of the event still within their period, or not finished. */
  kept: number;
  failed: number;
  deliveries: number;
  attempts: number;
}

/**
 * Removes what Gateway.Retention no longer keeps: events whose every delivery finished longer ago than
 * its period (events nothing was owed to, once DeliveredDays have passed since they were accepted), with
 * their deliveries and attempts (foreign-key cascades), leaving a tombstone for `trace` that is kept for
 * the same period again; and audit log entries older than auditDays (the log grows with every
 * configuration change, a first apply of a large document by one entry per subscription). Work is done in
 * steps, one short transaction each, so the writer is never held long; between steps the store thread
 * serves events, claims and outcomes. A pass walks events in acceptance order and ends at the first one
 * too young for either period, so its cost follows what is old, not what is kept.
 */
export class Pruner {
  private readonly candidates: BetterSqlite3.Statement;
  private readonly deleteEvent: BetterSqlite3.Statement;
  private readonly deleteEntityRow: BetterSqlite3.Statement;
  private readonly insertTombstone: BetterSqlite3.Statement;
  private readonly oldTombstones: BetterSqlite3.Statement;
  private readonly deleteTombstones: BetterSqlite3.Statement;
  private readonly countOldTombstones: BetterSqlite3.Statement;
  private readonly oldAudit: BetterSqlite3.Statement;
  private readonly deleteAudit: BetterSqlite3.Statement;
  private readonly countOldAudit: BetterSqlite3.Statement;
  private readonly trimAttempts: BetterSqlite3.Statement;
  private readonly freePages: BetterSqlite3.Statement;
  private readonly removeBatch: (rows: readonly Candidate[], now: number) => void;
  private after = 0;
  private batch = 64;
  private vacuumPages = VACUUM_PAGES;
  private tombstonesDone = false;
  private auditDone = false;

  constructor(
    private readonly sqlite: BetterSqlite3.Database,
    private policy: RetentionPolicy,
    private readonly now: () => number = Date.now,
  ) {
    this.candidates = sqlite.prepare(
      `SELECT e.seq, e.id, e.accepted_at AS acceptedAt, e.organization_id AS organizationId, e.entity_id AS entityId,
              (SELECT count(*) FROM deliveries d WHERE d.event_seq = e.seq AND NOT coalesce(
                 (d.state = 'delivered' AND d.finished_at <= @deliveredBefore)
                 OR (d.state IN ('discarded', 'expired', 'cancelled') AND d.finished_at <= @failedBefore), 0)) AS kept,
              (SELECT count(*) FROM deliveries d WHERE d.event_seq = e.seq AND d.state <> 'delivered') AS failed,
              (SELECT count(*) FROM deliveries d WHERE d.event_seq = e.seq) AS deliveries,
              (SELECT count(*) FROM attempts a JOIN deliveries d ON d.id = a.delivery_id
                WHERE d.event_seq = e.seq) AS attempts
         FROM events e WHERE e.seq > @after ORDER BY e.seq LIMIT @limit`,
    );
    this.deleteEvent = sqlite.prepare('DELETE FROM events WHERE seq = ?');
    this.deleteEntityRow = sqlite.prepare(
      'DELETE FROM event_entities WHERE organization_id = ? AND entity_id = ? AND accepted_at = ? AND seq = ?',
    );
    this.insertTombstone = sqlite.prepare(
      `INSERT INTO pruned_events (id, accepted_at, pruned_at, retention_days, forget_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET accepted_at = excluded.accepted_at, pruned_at = excluded.pruned_at,
         retention_days = excluded.retention_days, forget_at = excluded.forget_at`,
    );
    this.oldTombstones = sqlite
      .prepare('SELECT id FROM pruned_events WHERE forget_at <= ? ORDER BY forget_at LIMIT ?')
      .pluck();
    this.deleteTombstones = sqlite.prepare('DELETE FROM pruned_events WHERE id = ?');
    this.countOldTombstones = sqlite
      .prepare('SELECT count(*) FROM pruned_events WHERE pruned_at <= ?')
      .pluck();
    this.oldAudit = sqlite.prepare('SELECT seq FROM audit_log WHERE at <= ? ORDER BY at LIMIT ?').pluck();
    this.deleteAudit = sqlite.prepare('DELETE FROM audit_log WHERE seq = ?');
    this.countOldAudit = sqlite.prepare('SELECT count(*) FROM audit_log WHERE at <= ?').pluck();
    this.trimAttempts = sqlite.prepare('DELETE FROM attempts WHERE delivery_id = ? AND attempt_no <= ?');
    this.freePages = sqlite.prepare('PRAGMA freelist_count').pluck();
    this.removeBatch = sqlite.transaction((rows: readonly Candidate[], now: number) => {
      for (const row of rows) {
        this.deleteEvent.run(row.seq);
        this.deleteEntityRow.run(row.organizationId, row.entityId, row.acceptedAt, row.seq);
        const days = this.daysOf(row);
        this.insertTombstone.run(row.id, row.acceptedAt, now, days, now + days * DAY_MS);
      }
    });
  }

  /** A reload changed Gateway.Retention: the next step applies it. */
  setPolicy(policy: RetentionPolicy): void {
    this.policy = policy;
  }

  /** Starts a new pass from the oldest event. */
  restart(): void {
    this.after = 0;
    this.tombstonesDone = false;
    this.auditDone = false;
  }

  /**
   * One step of the pass: looks at the next batch of events in acceptance order and removes those past
   * retention (dry: only counts them). Done once it reached events too young to be pruned.
   */
  step(dry = false): { done: boolean; removed: PruneCounts } {
    const started = performance.now();
    const now = this.now();
    const removed = noCounts();
    if (!this.tombstonesDone) {
      this.tombstonesDone = this.pruneTombstones(now, dry, removed);
      this.adapt(performance.now() - started);
      return { done: false, removed };
    }
    if (!this.auditDone) {
      this.auditDone = this.pruneAudit(now - this.policy.auditDays * DAY_MS, dry, removed);
      this.adapt(performance.now() - started);
      return { done: false, removed };
    }
    const deliveredBefore = now - this.policy.deliveredDays * DAY_MS;
    const failedBefore = now - this.policy.failedDays * DAY_MS;
    const youngest = Math.max(deliveredBefore, failedBefore);
    const rows = this.candidates.all({
      after: this.after,
      limit: this.batch,
      deliveredBefore,
      failedBefore,
    }) as Candidate[];
    const prunable: Candidate[] = [];
    let done = rows.length < this.batch;
    for (const row of rows) {
      if (row.acceptedAt > youngest) {
        done = true;
        break;
      }
      this.after = row.seq;
      const owedNothing = row.deliveries === 0;
      if (row.kept === 0 && (!owedNothing || row.acceptedAt <= deliveredBefore)) prunable.push(row);
    }
    if (!dry && prunable.length > 0) this.removeBatch(prunable, now);
    for (const row of prunable) {
      removed.events++;
      removed.deliveries += row.deliveries;
      removed.attempts += row.attempts;
    }
    this.adapt(performance.now() - started);
    if (done) this.restart();
    return { done, removed };
  }

  /**
   * Returns free pages to the file system (auto_vacuum=INCREMENTAL), a few at a time. True once none is
   * left.
   */
  vacuumStep(): boolean {
    if ((this.freePages.get() as number) === 0) return true;
    const started = performance.now();
    this.sqlite.pragma(`incremental_vacuum(${this.vacuumPages})`);
    const took = performance.now() - started;
    if (took < STEP_BUDGET_MS / 4) this.vacuumPages = Math.min(this.vacuumPages * 2, 16_384);
    else if (took > STEP_BUDGET_MS / 2) this.vacuumPages = Math.max(Math.floor(this.vacuumPages / 2), 16);
    return (this.freePages.get() as number) === 0;
  }

  /** Whether an attempt of this number leaves older attempts of its delivery to trim. */
  overLimit(attemptNo: number): boolean {
    return attemptNo > this.policy.attemptsPerDelivery;
  }

  /** Keeps the newest AttemptsPerDelivery attempts of deliveries just attempted (in the caller's transaction). */
  trim(attempts: readonly { deliveryId: number; attemptNo: number }[]): void {
    const keep = this.policy.attemptsPerDelivery;
    for (const a of attempts) if (a.attemptNo > keep) this.trimAttempts.run(a.deliveryId, a.attemptNo - keep);
  }

  /** Removes tombstones whose time is up (their event's period again). True when none is left. */
  private pruneTombstones(now: number, dry: boolean, removed: PruneCounts): boolean {
    const step = this.removeOld(this.oldTombstones, this.deleteTombstones, this.countOldTombstones, now, dry);
    removed.tombstones = step.removed;
    return step.done;
  }

  /** Removes audit entries written at or before `before`. True when none is left. */
  private pruneAudit(before: number, dry: boolean, removed: PruneCounts): boolean {
    const step = this.removeOld(this.oldAudit, this.deleteAudit, this.countOldAudit, before, dry);
    removed.audit = step.removed;
    return step.done;
  }

  /**
   * One batch of the keys `old` selects up to `until`, deleted by `remove` in one transaction (dry: all of
   * them counted by `count`). Done when fewer than a batch were left.
   */
  private removeOld(
    old: BetterSqlite3.Statement,
    remove: BetterSqlite3.Statement,
    count: BetterSqlite3.Statement,
    until: number,
    dry: boolean,
  ): { removed: number; done: boolean } {
    if (dry) return { removed: count.get(until) as number, done: true };
    const keys = old.all(until, this.batch) as (string | number)[];
    if (keys.length > 0)
      this.sqlite.transaction(() => {
        for (const key of keys) remove.run(key);
      })();
    return { removed: keys.length, done: keys.length < this.batch };
  }

  private daysOf(row: Candidate): number {
    return row.failed > 0 ? this.policy.failedDays : this.policy.deliveredDays;
  }

  private adapt(took: number): void {
    if (took < STEP_BUDGET_MS / 4) this.batch = Math.min(this.batch * 2, MAX_BATCH);
    else if (took > STEP_BUDGET_MS / 2) this.batch = Math.max(Math.floor(this.batch / 2), MIN_BATCH);
  }
}

/**
 * A whole pass at once, then the freed pages returned (not when dry): `gateway prune`. The same short
 * steps as the background pruner, so it can run beside a serving gateway.
 */
export function pruneNow(
  sqlite: BetterSqlite3.Database,
  policy: RetentionPolicy,
  options: { dry?: boolean; now?: () => number } = {},
): { removed: PruneCounts; freedBytes: number } {
  const pruner = new Pruner(sqlite, policy, options.now);
  const removed = noCounts();
  for (;;) {
    const step = pruner.step(options.dry === true);
    addCounts(removed, step.removed);
    if (step.done) break;
  }
  if (options.dry === true) return { removed, freedBytes: 0 };
  const pages = () => sqlite.pragma('page_count', { simple: true }) as number;
  const before = pages();
  while (!pruner.vacuumStep()) {}
  return {
    removed,
    freedBytes: (before - pages()) * (sqlite.pragma('page_size', { simple: true }) as number),
  };
}
