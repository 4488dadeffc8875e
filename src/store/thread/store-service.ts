import type BetterSqlite3 from 'better-sqlite3';
import {
  type ClaimResult,
  DeliveryStore,
  type Outcome,
  type RecordResult,
  type ReleasedDelivery,
} from '../delivery-store.js';
import { EntityIndex, EntityIndexRunner } from '../entity-index.js';
import { type EventRecord, EventWriter, type HandOffs, type StoredEvent } from '../event-writer.js';
import { PruneRunner } from '../prune-runner.js';
import { DEFAULT_RETENTION, Pruner, type RetentionPolicy } from '../pruner.js';
import { createJob, endJob, type RecoveryJob, runJobBatch } from '../support/jobs.js';
import { type RecoverySelection, type RedeliverBy, requeueDelivery } from '../support/requeue.js';
import { recordTestAttempt, type TestAttemptRecord } from '../support/test-attempts.js';

export interface StoreServiceOptions {
  retention?: RetentionPolicy;
  /** Start the background pruner (default true). */
  prune?: boolean;
  /** Fill support's entity index behind the writes (default true). */
  indexEntities?: boolean;
  /** The clock of event writes (accepted_at). */
  now?: () => number;
}

/**
 * Everything the hot path asks of the store, over one connection: events and their deliveries (group
 * commits), claims, outcomes and releases. It runs in the store thread (store-thread.ts), so SQLite's
 * statements and fsyncs never hold the event loop that serves producers and sends webhooks; StoreClient
 * is its caller. One connection means one page cache and no cross-connection cache invalidation.
 */
export class StoreService {
  private readonly writer: EventWriter;
  private readonly deliveries: DeliveryStore;
  private readonly syncNormal: BetterSqlite3.Statement;
  private readonly syncFull: BetterSqlite3.Statement;
  private readonly pruner: Pruner;
  private readonly pruning: PruneRunner;
  private readonly indexing: EntityIndexRunner | null;
  private readonly trimAttempts: (attempts: readonly { deliveryId: number; attemptNo: number }[]) => void;

  constructor(
    private readonly sqlite: BetterSqlite3.Database,
    options: StoreServiceOptions = {},
  ) {
    const retention = options.retention ?? DEFAULT_RETENTION;
    this.indexing =
      options.indexEntities === false
        ? null
        : new EntityIndexRunner(new EntityIndex(sqlite), (step) => this.relaxed(step));
    this.writer = new EventWriter(sqlite, {
      ...(options.now === undefined ? {} : { now: options.now }),
      afterCommit: () => this.indexing?.poke(),
    });
    this.deliveries = new DeliveryStore(sqlite);
    this.syncNormal = sqlite.prepare('PRAGMA synchronous = NORMAL');
    this.syncFull = sqlite.prepare('PRAGMA synchronous = FULL');
    this.pruner = new Pruner(sqlite, retention);
    this.trimAttempts = sqlite.transaction((attempts: readonly { deliveryId: number; attemptNo: number }[]) =>
      this.pruner.trim(attempts),
    );
    // Pruning is a repeatable clean-up: a step lost to a power cut is done again by the next pass.
    this.pruning = new PruneRunner(this.pruner, retention, (step) => this.relaxed(step));
    if (options.prune !== false) this.pruning.start();
  }

  /** Accepted events are written with synchronous=FULL: acknowledged means on disk. */
  write(records: readonly EventRecord[], handOffs: HandOffs): Promise<StoredEvent[]> {
    return this.writer.write(records, handOffs);
  }

  claim(webhookId: number, now: number, limit: number): ClaimResult {
    return this.relaxed(() => this.deliveries.claim(webhookId, now, limit));
  }

  record(outcomes: readonly Outcome[]): RecordResult {
    return this.relaxed(() => {
      const result = this.deliveries.record(outcomes);
      this.trim(outcomes);
      return result;
    });
  }

  expirePaused(now: number, limit: number): number {
    return this.relaxed(() => this.deliveries.expirePaused(now, limit));
  }

  release(deliveries: readonly ReleasedDelivery[]): void {
    this.relaxed(() => this.deliveries.releaseAll(deliveries));
  }

  /**
   * Support's re-queuing (store/support/requeue.ts) runs here, in order with the claims it must precede:
   * the lane woken after it claims what it made due.
   */
  requeue(deliveryId: number, by?: RedeliverBy): boolean {
    return this.relaxed(() => requeueDelivery(this.sqlite, deliveryId, by));
  }

  /** One batch of a recovery job; see store/support/jobs.ts. */
  recoverBatch(jobId: string, limit: number, now: number): number | null {
    return this.relaxed(() => runJobBatch(this.sqlite, jobId, limit, now));
  }

  startJob(job: {
    id: string;
    selection: RecoverySelection;
    total: number;
    createdBy: string;
    now: number;
  }): RecoveryJob {
    return createJob(this.sqlite, job);
  }

  /** Ends a running job; false when it had ended already. */
  endJob(id: string, state: 'done' | 'cancelled' | 'failed', error: string | null, now: number): boolean {
    return endJob(this.sqlite, id, state, error, now);
  }

  recordTestAttempt(attempt: TestAttemptRecord): number {
    return this.relaxed(() => recordTestAttempt(this.sqlite, attempt));
  }

  recoverInFlight(): number {
    return this.deliveries.recoverInFlight();
  }

  /**
   * Keeps the newest AttemptsPerDelivery attempts of the deliveries just attempted. A clean-up: if it
   * fails, the rows stay until a later attempt of the same delivery trims them.
   */
  private trim(outcomes: readonly Outcome[]): void {
    // Most batches have no delivery past the limit: they must not pay a transaction (a commit) for it.
    const attempts = outcomes.flatMap((o) =>
      o.attempt === null || !this.pruner.overLimit(o.attempt.attemptNo) ? [] : [o.attempt],
    );
    if (attempts.length === 0) return;
    try {
      this.trimAttempts(attempts);
    } catch {}
  }

  /** Gateway.Retention changed (a configuration reload). */
  retain(policy: RetentionPolicy): void {
    this.pruning.setPolicy(policy);
  }

  /** Commits every write still queued (shutdown). */
  drain(): void {
    this.pruning.stop();
    this.indexing?.stop();
    this.writer.drain();
  }

  /**
   * Claims and outcomes commit without waiting for the disk (synchronous=NORMAL): one lost to a power cut
   * means a repeated attempt, which at-least-once delivery keyed by Id already allows. The next FULL
   * commit of events makes them durable too, since the WAL is synced as a whole.
   */
  private relaxed<T>(work: () => T): T {
    this.syncNormal.run();
    try {
      return work();
    } finally {
      this.syncFull.run();
    }
  }
}
