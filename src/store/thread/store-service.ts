import type BetterSqlite3 from 'better-sqlite3';
import {
  type ClaimResult,
  DeliveryStore,
  type Outcome,
  type RecordResult,
  type ReleasedDelivery,
} from '../../delivery/engine/delivery-store.js';
import { EventIdRunner } from '../event-id-runner.js';
import { type EventRecord, EventWriter, type HandOffs, type StoredEvent } from '../event-writer.js';

/**
 * Everything the hot path asks of the store, over one connection: events and their deliveries (group
 * commits), claims, outcomes and releases. It runs in the store thread (store-thread.ts), so SQLite's
 * statements and fsyncs never hold the event loop that serves producers and sends webhooks; StoreClient
 * is its caller. One connection means one page cache and no cross-connection cache invalidation.
 */
export class StoreService {
  private readonly writer: EventWriter;
  private readonly idRunner: EventIdRunner;
  private readonly deliveries: DeliveryStore;
  private readonly syncNormal: BetterSqlite3.Statement;
  private readonly syncFull: BetterSqlite3.Statement;

  constructor(sqlite: BetterSqlite3.Database) {
    this.writer = new EventWriter(sqlite, { afterCommit: () => this.idRunner.recorded() });
    // Index runs are derived data (rebuilt from events after a crash): they need not wait for the disk.
    this.idRunner = new EventIdRunner(this.writer.ids, (step) => this.relaxed(step));
    this.deliveries = new DeliveryStore(sqlite);
    this.syncNormal = sqlite.prepare('PRAGMA synchronous = NORMAL');
    this.syncFull = sqlite.prepare('PRAGMA synchronous = FULL');
  }

  /** Accepted events are written with synchronous=FULL: acknowledged means on disk. */
  write(records: readonly EventRecord[], handOffs: HandOffs): Promise<StoredEvent[]> {
    return this.writer.write(records, handOffs);
  }

  claim(webhookId: number, now: number, limit: number): ClaimResult {
    return this.relaxed(() => this.deliveries.claim(webhookId, now, limit));
  }

  record(outcomes: readonly Outcome[]): RecordResult {
    return this.relaxed(() => this.deliveries.record(outcomes));
  }

  expirePaused(now: number, limit: number): number {
    return this.relaxed(() => this.deliveries.expirePaused(now, limit));
  }

  release(deliveries: readonly ReleasedDelivery[]): void {
    this.relaxed(() => this.deliveries.releaseAll(deliveries));
  }

  recoverInFlight(): number {
    return this.deliveries.recoverInFlight();
  }

  /** Commits every write still queued (shutdown). */
  drain(): void {
    this.idRunner.stop();
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

/** The operations a StoreClient may call: the service's public methods. */
export type StoreOperation =
  | 'write'
  | 'claim'
  | 'record'
  | 'expirePaused'
  | 'release'
  | 'recoverInFlight'
  | 'drain';
