import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type {
  ClaimedDelivery,
  ClaimResult,
  Outcome,
  RecordResult,
  ReleasedDelivery,
} from '../delivery-store.js';
import type { EventRecord, HandOffs, StoredEvent } from '../event-writer.js';
import { passIntervalMs } from '../prune-runner.js';
import { DEFAULT_RETENTION, type PruneCounts, type RetentionPolicy } from '../pruner.js';
import { StoreError } from '../store-error.js';
import type { PgDatabase } from './database.js';
import { DeliveryQueue, FULL_RETRY_MS, isConnectionError, type QueueSettings } from './delivery-queue.js';
import { writeEvents } from './event-writes.js';
import { prunePass } from './pruner.js';

/** A store call waiting longer than this, or one failed this recently, makes the gateway unready. */
const WRITE_STALL_MS = 3_000;
/** Statements writing events at once: while they run, new batches gather into the next one. */
const WRITES_IN_FLIGHT = 4;
/** Events per statement at most (whole batches are never split). */
const MAX_EVENTS_PER_WRITE = 512;

interface QueuedWrite {
  records: readonly EventRecord[];
  handOffs: HandOffs;
  resolve: (stored: StoredEvent[]) => void;
  reject: (error: unknown) => void;
}

/**
 * How long deliveries claimed with recorded outcomes wait for their lane's claim: a lane that does not
 * ask by then (its webhook paused, its breaker opened) gets them back in the store for any instance.
 */
const CLAIMED_AHEAD_KEEP_MS = 500;
/**
 * Deliveries of one webhook claimed with outcomes at most: about what a lane asks for at once, so what
 * waits here for the lane adds no more than one lane's claim to what an instance holds in memory.
 */
const CLAIMED_AHEAD_MAX = 256;

/** Default lease of a delivery in flight (Gateway.Delivery.LeaseSeconds). */
export const DEFAULT_LEASE_MS = 30_000;

export interface PgStoreOptions {
  /** Names this instance in the leases it writes; a fresh one per process by default. */
  instanceId?: string;
  leaseMs?: number;
  maxInFlightPerEndpoint?: number;
  retention?: RetentionPolicy;
  /** Run the background pruner (default true). */
  prune?: boolean;
  /** Told of webhooks whose deliveries may now be claimed: their leases expired (instances that died). */
  onTakeover?: (webhookIds: number[]) => void;
  /** Told of webhooks whose outcomes were just recorded: they have room under their limit again. */
  onRoom?: (webhookIds: number[]) => void;
  /**
   * Claim the next deliveries of a webhook in the same round trip as its outcomes (default false): the
   * next claim of its lane is then answered from them, without a round trip of its own. For a store
   * behind a delivery engine, which claims again as soon as it is told of room (onRoom).
   */
  claimWithOutcomes?: boolean;
  /**
   * Attempts this instance has open to a webhook (its delivery engine's count): a claim keeps at least
   * that many of the webhook's places while it shrinks to a fair share.
   */
  openOf?: (webhookId: number) => number;
}

/** Deliveries claimed with outcomes, waiting for their lane's claim. */
interface ClaimedAhead {
  deliveries: ClaimedDelivery[];
  /** What the claim answered about the rest (ClaimResult.nextDueAt), for the lane that takes them all. */
  nextDueAt: number | null;
  /** No place of the webhook's limit was left: a lane taking them all need not ask the store for more. */
  full: boolean;
  timer: NodeJS.Timeout;
}

/**
 * The PostgreSQL store behind the same port as the SQLite StoreClient: events and deliveries in one
 * transaction, claims with leases, outcomes, releases, recovery and retention, shared by any number of
 * gateway instances. Every call is asynchronous and runs on a pooled connection; nothing here holds a
 * connection while the engine waits for a receiver. While this instance holds leases it renews them
 * every third of the lease; it also looks for other instances' expired leases as often, so their
 * deliveries are taken over within about one lease.
 */
export class PgStore {
  readonly instanceId: string;
  private readonly settings: QueueSettings;
  private readonly queue: DeliveryQueue;
  private readonly pool: pg.Pool;
  private retention: RetentionPolicy;
  private readonly waiting = new Map<number, number>();
  private calls = 0;
  private lastFailureAt = Number.NEGATIVE_INFINITY;
  private readonly timers: NodeJS.Timeout[] = [];
  private pruneTimer: NodeJS.Timeout | null = null;
  private pruning: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** close() began: outcomes still arriving claim nothing more. */
  private closing = false;
  private readonly queued: QueuedWrite[] = [];
  /** Webhooks found full by this instance's last claim, until when (see claim). */
  private readonly fullUntil = new Map<number, number>();
  /** Outcome writes so far: a claim that overlapped one does not mark its webhook full. */
  private recorded = 0;
  private writesInFlight = 0;
  private writeScheduled = false;
  private readonly onRoom: ((webhookIds: number[]) => void) | undefined;
  private readonly claimWithOutcomes: boolean;
  private readonly ahead = new Map<number, ClaimedAhead>();

  constructor(
    private readonly database: PgDatabase,
    options: PgStoreOptions = {},
  ) {
    this.pool = database.pool;
    this.instanceId = options.instanceId ?? randomUUID();
    this.settings = {
      instanceId: this.instanceId,
      leaseMs: options.leaseMs ?? DEFAULT_LEASE_MS,
      maxInFlightPerEndpoint: options.maxInFlightPerEndpoint ?? 16,
    };
    this.queue = new DeliveryQueue(database.relaxed, this.settings, options.openOf);
    this.retention = options.retention ?? DEFAULT_RETENTION;
    this.onRoom = options.onRoom;
    this.claimWithOutcomes = options.claimWithOutcomes ?? false;
    const every = Math.max(Math.floor(this.settings.leaseMs / 3), 50);
    this.every(every, () => this.queue.renewLeases(Date.now()));
    if (options.onTakeover !== undefined) {
      const onTakeover = options.onTakeover;
      this.every(every, async () => {
        const webhooks = await this.queue.expiredLeases(Date.now());
        if (webhooks.length > 0) onTakeover(webhooks);
      });
    }
    if (options.prune !== false) this.schedulePrune();
  }

  /** Readiness: false while a call has waited too long, or shortly after one failed. */
  healthy(now = Date.now()): boolean {
    if (this.closed || now - this.lastFailureAt <= WRITE_STALL_MS) return false;
    const oldest = this.waiting.values().next();
    return oldest.done === true || now - oldest.value <= WRITE_STALL_MS;
  }

  /**
   * The attempts this instance may have open to the webhook at once: its share of MaxInFlightPerEndpoint
   * across the instances that want the webhook (the delivery engine's limit for the lane).
   */
  placesOf(webhookId: number): number {
    return this.queue.placesOf(webhookId);
  }

  /**
   * The most deliveries of the webhook this instance may hold unfinished: CLAIMED_PER_PLACE per place.
   * A claim never takes more; when the instance's share shrinks (others want the webhook), its lane
   * hands back the excess, which it may have claimed while alone, for the others to send.
   */
  holdLimitOf(webhookId: number): number {
    return this.queue.holdLimitOf(webhookId);
  }

  /**
   * Breakers shared by the instances (the delivery engine's SharedBreakers): an opening is written to
   * webhook_breakers and read back by every claim, so no instance claims a failing webhook's deliveries
   * before it reopens. A write that fails leaves the breaker this instance's alone (logged by nobody: the
   * next opening writes again).
   */
  readonly breakers = {
    openingOf: (webhookId: number) => this.queue.breakerOf(webhookId),
    opened: (webhookId: number, opens: number, until: number) =>
      void this.queue.breakerOpened(webhookId, opens, until).catch(() => {}),
    closed: (webhookId: number) => void this.queue.breakerClosed(webhookId).catch(() => {}),
  };

  /** Gateway.Delivery.MaxInFlightPerEndpoint changed (a reload): the next claims use it. */
  setMaxInFlightPerEndpoint(limit: number): void {
    this.settings.maxInFlightPerEndpoint = limit;
  }

  /**
   * Resolves once the batch is committed; all of it is recorded or none. Batches that arrive while the
   * writes in flight are busy share one statement (group commit, as the SQLite store's writer does), so
   * the server flushes its WAL once for all of them; a group that fails is written again batch by batch,
   * so a batch the store refuses fails alone.
   */
  write(records: readonly EventRecord[], handOffs: HandOffs): Promise<StoredEvent[]> {
    if (records.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.queued.push({ records, handOffs, resolve, reject });
      this.scheduleWrites();
    });
  }

  private scheduleWrites(): void {
    if (this.writeScheduled || this.writesInFlight >= WRITES_IN_FLIGHT || this.queued.length === 0) return;
    this.writeScheduled = true;
    setImmediate(() => {
      this.writeScheduled = false;
      while (this.writesInFlight < WRITES_IN_FLIGHT && this.queued.length > 0) {
        const group = this.takeGroup();
        this.writesInFlight++;
        void this.writeGroup(group).finally(() => {
          this.writesInFlight--;
          this.scheduleWrites();
        });
      }
    });
  }

  /** Whole batches, up to MAX_EVENTS_PER_WRITE events (one batch at least). */
  private takeGroup(): QueuedWrite[] {
    let events = 0;
    let taken = 0;
    while (taken < this.queued.length) {
      const size = (this.queued[taken] as QueuedWrite).records.length;
      if (taken > 0 && events + size > MAX_EVENTS_PER_WRITE) break;
      events += size;
      taken++;
    }
    return this.queued.splice(0, taken);
  }

  private async writeGroup(group: readonly QueuedWrite[]): Promise<void> {
    const write = (batches: readonly QueuedWrite[]) =>
      this.call(() =>
        writeEvents(
          this.pool,
          this.settings,
          batches.flatMap((b) => b.records),
          batches.flatMap((b) => b.records.map((_, i) => b.handOffs[i] ?? [])),
          Date.now(),
        ),
      );
    try {
      const stored = await write(group);
      let at = 0;
      for (const batch of group) {
        batch.resolve(stored.slice(at, at + batch.records.length));
        at += batch.records.length;
      }
    } catch (error) {
      if (group.length === 1) {
        (group[0] as QueuedWrite).reject(error);
        return;
      }
      for (const batch of group) await write([batch]).then(batch.resolve, batch.reject);
    }
  }

  /**
   * A webhook whose last claim here found all its places taken is not asked again until this instance
   * recorded an outcome of it or FULL_RETRY_MS passed (another instance may have freed a place): new
   * events arriving meanwhile would otherwise each cost a claim that finds no room.
   */
  async claim(webhookId: number, now: number, limit: number): Promise<ClaimResult> {
    const ahead = this.ahead.get(webhookId);
    if (ahead !== undefined) {
      const deliveries = ahead.deliveries.splice(0, limit);
      if (ahead.deliveries.length > 0) return { deliveries, nextDueAt: null };
      clearTimeout(ahead.timer);
      this.ahead.delete(webhookId);
      if (deliveries.length >= limit || ahead.full)
        return { deliveries, nextDueAt: deliveries.length >= limit ? null : ahead.nextDueAt };
      // Places were left: what was committed since may be due, so the store is asked for the rest.
      const rest = await this.claimFromStore(webhookId, now, limit - deliveries.length).catch(() => ({
        deliveries: [],
        nextDueAt: now + FULL_RETRY_MS,
      }));
      return { deliveries: [...deliveries, ...rest.deliveries], nextDueAt: rest.nextDueAt };
    }
    return this.claimFromStore(webhookId, now, limit);
  }

  private async claimFromStore(webhookId: number, now: number, limit: number): Promise<ClaimResult> {
    const until = this.fullUntil.get(webhookId);
    if (until !== undefined && now < until) return { deliveries: [], nextDueAt: until };
    // Enough held already: the outcomes of what it holds claim more in their own round trips (and tell
    // the lane, onRoom); a wake-up for each new event of another instance need not ask as well.
    if (this.claimWithOutcomes && this.queue.holdsEnough(webhookId))
      return { deliveries: [], nextDueAt: null };
    const recorded = this.recorded;
    const result = await this.call(() => this.queue.claim(webhookId, now, limit));
    // An outcome recorded while the claim ran may have freed a place the claim could not see.
    if (result.nextDueAt === now + FULL_RETRY_MS && this.recorded === recorded)
      this.fullUntil.set(webhookId, result.nextDueAt);
    else this.fullUntil.delete(webhookId);
    return result;
  }

  async record(outcomes: readonly Outcome[]): Promise<RecordResult> {
    const keep = this.retention.attemptsPerDelivery;
    const { failed, webhookIds, claims } = await this.call(() =>
      this.claimWithOutcomes && !this.closing
        ? this.queue.recordAndClaim(outcomes, keep, CLAIMED_AHEAD_MAX)
        : this.queue.record(outcomes, keep).then((r) => ({ ...r, claims: new Map() })),
    );
    if (failed.some((f) => f.retryable)) this.lastFailureAt = Date.now();
    this.recorded++;
    for (const id of webhookIds) this.fullUntil.delete(id);
    for (const [webhookId, claim] of claims) this.keepAhead(webhookId, claim);
    const room = [...new Set([...webhookIds, ...claims.keys()])];
    if (room.length > 0) this.onRoom?.(room);
    return { failed };
  }

  /** Deliveries claimed with outcomes wait here for their lane's next claim (CLAIMED_AHEAD_KEEP_MS at most). */
  private keepAhead(webhookId: number, claim: ClaimResult & { full: boolean }): void {
    const before = this.ahead.get(webhookId);
    if (before !== undefined) {
      before.deliveries.push(...claim.deliveries);
      before.nextDueAt = claim.nextDueAt;
      before.full = claim.full;
      return;
    }
    // An empty answer is not kept: events committed after it would wait for the lane's next wake-up.
    if (claim.deliveries.length === 0) return;
    const timer = setTimeout(() => void this.releaseAhead(webhookId), CLAIMED_AHEAD_KEEP_MS);
    timer.unref();
    this.ahead.set(webhookId, {
      deliveries: [...claim.deliveries],
      nextDueAt: claim.nextDueAt,
      full: claim.full,
      timer,
    });
  }

  /** Hands back what a lane did not take in time (or all of it at close). */
  private async releaseAhead(webhookId: number): Promise<void> {
    const ahead = this.ahead.get(webhookId);
    if (ahead === undefined) return;
    clearTimeout(ahead.timer);
    this.ahead.delete(webhookId);
    await this.queue
      .release(ahead.deliveries.map((d) => ({ id: d.id, previousState: d.previousState })))
      .catch(() => {
        // The leases expire and the deliveries are taken over (or recovered at this instance's next start).
      });
  }

  release(deliveries: readonly ReleasedDelivery[]): Promise<void> {
    return this.call(() => this.queue.release(deliveries));
  }

  recoverInFlight(): Promise<number> {
    return this.call(() => this.queue.recoverInFlight());
  }

  expirePaused(now: number, limit: number): Promise<number> {
    return this.call(() => this.queue.expirePaused(now, limit));
  }

  /** Gateway.Retention changed: the next pass applies it. */
  async retain(policy: RetentionPolicy): Promise<void> {
    this.retention = policy;
  }

  /** A whole prune pass now (`gateway prune`, tests); when another instance is pruning, nothing. */
  prune(policy: RetentionPolicy, options: { dry?: boolean; now?: () => number } = {}): Promise<PruneCounts> {
    return prunePass(this.pool, policy, options).then((pass) => pass.removed);
  }

  /** Commits the writes queued, stops the timers and closes the pools. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closing = true;
    // Writes already queued are committed first (a producer in process was told nothing yet).
    while (this.queued.length > 0 || this.writesInFlight > 0) await new Promise((r) => setTimeout(r, 5));
    await Promise.all([...this.ahead.keys()].map((id) => this.releaseAhead(id)));
    // Its places go to the other instances at once, not when the rows expire.
    await this.queue.releasePlaces().catch(() => {});
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    if (this.pruneTimer !== null) clearTimeout(this.pruneTimer);
    await this.pruning;
    await this.database.close();
  }

  /** Runs one store call, counting it for readiness; a failure is a StoreError (see isStoreRefusal). */
  private async call<T>(work: () => Promise<T>): Promise<T> {
    if (this.closed) throw new StoreError('the store is closed');
    const n = ++this.calls;
    this.waiting.set(n, Date.now());
    try {
      return await work();
    } catch (error) {
      if (isConnectionError(error)) this.lastFailureAt = Date.now();
      const code = (error as { code?: unknown }).code;
      throw new StoreError(
        error instanceof Error ? error.message : String(error),
        typeof code === 'string' ? code : undefined,
      );
    } finally {
      this.waiting.delete(n);
    }
  }

  private every(ms: number, task: () => Promise<unknown>): void {
    let running = false;
    const timer = setInterval(() => {
      if (running || this.closed) return;
      running = true;
      // A failed renewal or look-up is tried again at the next tick; readiness reports a lasting failure.
      task()
        .catch(() => {})
        .finally(() => {
          running = false;
        });
    }, ms);
    timer.unref();
    this.timers.push(timer);
  }

  private schedulePrune(): void {
    if (this.closed) return;
    this.pruneTimer = setTimeout(() => {
      this.pruning = prunePass(this.pool, this.retention)
        .catch(() => {})
        .finally(() => this.schedulePrune());
    }, passIntervalMs(this.retention));
    this.pruneTimer.unref();
  }
}
