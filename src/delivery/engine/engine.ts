import type { Logger } from '../../log/logger.js';
import type { Router, WebhookTarget } from '../../routing/router.js';
import { originOf } from '../../routing/webhook-target.js';
import type { AttemptOutcome, AttemptRequest } from '../transport/types.js';
import { type BreakerOptions, DEFAULT_BREAKER } from './breaker.js';
import { decideAfterAttempt } from './decide.js';
import { type HeldBytes, Lane } from './lane.js';
import type {
  ClaimedDelivery,
  DeliveryIntake,
  DeliveryObserver,
  DeliveryQueue,
  Outcome,
  SharedBreakers,
} from './ports.js';

/** The transport's contract as the engine uses it (transport/http-transport.ts implements it). */
export interface DeliveryTransport {
  send(request: AttemptRequest): Promise<AttemptOutcome>;
  close(): Promise<void>;
}

export type { DeliveryQueue };

/** The settings of Gateway.Delivery that a reload may change while the engine runs. */
export interface EngineSettings {
  retryScheduleSeconds: readonly number[];
  maxInFlightPerEndpoint: number;
}

export interface EngineOptions extends EngineSettings {
  store: DeliveryQueue;
  router: Pick<Router, 'webhook' | 'webhookIds'>;
  transport: DeliveryTransport;
  logger: Logger;
  /** Metrics: told of each attempt and each finished delivery. */
  observer?: DeliveryObserver;
  breaker?: BreakerOptions;
  /** How often paused deliveries past their TTL are expired (EXPIRE_PAUSED_EVERY_MS by default). */
  expirePausedEveryMs?: number;
  /** Payload bytes the lanes may hold in memory, handed off by the writer (HOLD_BUDGET_BYTES by default). */
  holdBudgetBytes?: number;
  /**
   * False: no delivery is handed off; every one waits in the store and is claimed, so a limit the store
   * keeps across several instances (the PostgreSQL store's claims) covers fresh deliveries too.
   */
  handOff?: boolean;
  /**
   * How late outcomes are recorded at most (OUTCOME_FLUSH_MS by default). A store that counts recorded
   * outcomes as freeing a webhook's places (the PostgreSQL store's limit across instances) wants it short.
   */
  outcomeFlushMs?: number;
  /**
   * This instance's share of a webhook's MaxInFlightPerEndpoint, when instances share the limit (the
   * PostgreSQL store's places): the lane opens at most that many attempts. Absent: the whole limit.
   */
  placesOf?: (webhookId: number) => number;
  /**
   * The most deliveries of a webhook this instance may hold unfinished, when instances share its limit
   * (the PostgreSQL store: so many per place). When its share shrinks (others want the webhook too), the
   * lane hands back what it holds beyond it, the deliveries due last, for the others to send.
   */
  holdLimitOf?: (webhookId: number) => number;
  /** Breakers shared with other instances (the PostgreSQL store); absent: each lane's own. */
  sharedBreakers?: SharedBreakers;
  now?: () => number;
  random?: () => number;
}

/**
 * Deliveries a claim asks for. Claims are write transactions whose cost is mostly per commit, so a lane
 * claims in large batches; it claims again when what it holds falls below half.
 */
const CLAIM_BATCH = 256;
/**
 * Fresh deliveries are handed from the writer to their lane, recorded in flight in the same commit, while
 * the lanes together hold less than this many payload bytes; past it they wait in the store and are
 * claimed back. Holding a burst in memory spares the store a claim per delivery (bench/README.md has the
 * measurement). A crash loses nothing: what was handed off is
 * in flight in the store, and the next start makes it due again. An open breaker hands the queue back.
 */
export const HOLD_BUDGET_BYTES = 32 * 1024 * 1024;
/**
 * What a lane holds by hand-off while its endpoint has not just succeeded (answered 200; a new lane, or
 * one whose last attempt failed): an endpoint that hangs or refuses must not pin the whole budget before
 * its breaker opens, which takes several failed attempts while a publish burst is handed off.
 */
const UNPROVEN_HOLD = 1024;
/**
 * While an endpoint's answers carry more body than is read, so that each one ends with its connection
 * dropped, its lane sends one request at a time and starts each at least this long after the last one
 * ended. A new connection and its teardown cost the gateway many times the CPU of a delivery on a kept-alive
 * one, and that CPU is shared by every lane: paced like this, such an endpoint takes a small, bounded share
 * of it however many events it has waiting. It still gets every event, in order, only more slowly.
 */
export const DROPPED_CONNECTION_PACE_MS = 10;
/** Outcomes and releases the store refused are written again this much later, until it takes them. */
const STORE_RETRY_MS = 1000;
/** A claim that failed (the store is in trouble) is tried again this much later. */
const CLAIM_RETRY_MS = 1000;
/** How soon a lane that holds deliveries but has no place (instances share the limit) asks for one again. */
const PLACES_RETRY_MS = 25;
const OUTCOME_FLUSH_SIZE = 1000;
/**
 * Outcomes are recorded in batches at most this late. Every commit rewrites the touched pages into the
 * WAL and every batch is a message to the store thread, so commits per second cost more than the rows
 * (bench/README.md has the drain measured at both intervals). A crash in this window only means those
 * deliveries are attempted again, which
 * at-least-once delivery already allows; a retry waits for its outcome, but retries wait seconds anyway.
 */
const OUTCOME_FLUSH_MS = 50;
/**
 * How often paused deliveries whose event's TTL passed are expired where they wait, and how many per
 * store call (small calls never hold the store's writer long).
 */
const EXPIRE_PAUSED_EVERY_MS = 10_000;
const EXPIRE_PAUSED_BATCH = 1000;

/** How a log line names a webhook: its WebhookId and its URL's origin (never the path, query or Secret). */
export function webhookLogFields(target: WebhookTarget | undefined, rowId: number) {
  if (target === undefined) return { webhook: rowId };
  return { webhookId: target.webhookId, origin: originOf(target.endpoint) };
}

/**
 * Delivers recorded deliveries. Each endpoint has a lane with its own in-flight limit and breaker;
 * lanes claim from the store only when they have room, are woken by the event writer when new
 * deliveries commit and by timers when retries fall due, and never poll when idle.
 */
export class DeliveryEngine implements DeliveryIntake {
  private readonly lanes = new Map<number, Lane>();
  private readonly active = new Set<Promise<void>>();
  /** Store writes not answered yet (outcomes, releases): stop() waits for them. */
  private readonly writing = new Set<Promise<void>>();
  private outcomes: Outcome[] = [];
  /** Retries in the unflushed outcomes: their lanes are woken once the store has them as retrying. */
  private retries: { lane: Lane; at: number }[] = [];
  private flushScheduled = false;
  private running = false;
  /** Set once stop() has waited its grace: results arriving later are not recorded (see stop). */
  private abandoned = false;
  /** Payload bytes queued in all lanes, against holdBudget. */
  private readonly held: HeldBytes = { bytes: 0 };
  private readonly holdBudget: number;
  private readonly now: () => number;
  private readonly random: () => number;
  private settings: EngineSettings;
  private expiryTimer: NodeJS.Timeout | undefined;
  private expiring = false;
  /** Releases the store refused, written again with the next retry. */
  private refusedReleases: ClaimedDelivery[] = [];
  private storeRetry: NodeJS.Timeout | undefined;
  /** The store refused the last write of outcomes or releases (logged once, until it takes one again). */
  private storeRefusing = false;

  constructor(private readonly o: EngineOptions) {
    this.now = o.now ?? Date.now;
    this.random = o.random ?? Math.random;
    this.holdBudget = o.holdBudgetBytes ?? HOLD_BUDGET_BYTES;
    this.settings = {
      retryScheduleSeconds: o.retryScheduleSeconds,
      maxInFlightPerEndpoint: o.maxInFlightPerEndpoint,
    };
  }

  async start(): Promise<void> {
    const recovered = await this.o.store.recoverInFlight();
    if (recovered > 0)
      this.o.logger.info({ recovered }, 'deliveries left in flight by the last run are due again');
    this.running = true;
    this.expiryTimer = setInterval(
      () => this.expirePaused(),
      this.o.expirePausedEveryMs ?? EXPIRE_PAUSED_EVERY_MS,
    );
    this.expiryTimer.unref();
    this.wake(this.o.router.webhookIds());
  }

  /** Takes new Delivery settings: the next attempts and claims use them. */
  updateSettings(settings: EngineSettings): void {
    this.settings = { ...settings };
    for (const lane of this.lanes.values()) this.pump(lane);
  }

  /**
   * These webhooks were added, changed, paused or deleted (the router has their new targets). A deleted
   * one's lane hands back what it holds (the store cancels it) and is dropped with its memory; a paused
   * one's hands back what it holds (the store holds it); any other is woken, so a webhook enabled again
   * claims what it held. Attempts in flight finish and record their outcome whatever happened.
   */
  reconfigure(webhookIds: Iterable<number>): void {
    for (const id of webhookIds) {
      const target = this.o.router.webhook(id);
      const lane = this.lanes.get(id);
      if (target === undefined || !target.enabled) {
        if (lane === undefined) continue;
        lane.cancelTimer();
        this.releaseToStore(lane.takeQueued());
        lane.markDirty();
        if (target === undefined) {
          lane.retired = true;
          this.dropIfRetired(lane);
        }
        continue;
      }
      if (lane !== undefined) {
        lane.retired = false;
        if (lane.endpoint !== undefined && lane.endpoint !== target.endpoint) {
          // Named by the origin that was paced, not the one it moves to.
          if (lane.dropsConnections)
            this.logUnpaced({ ...target, endpoint: lane.endpoint }, lane, 'its Endpoint changed');
          lane.newEndpoint(target.endpoint);
          lane.cancelTimer(); // a wake-up the old endpoint's breaker or pace asked for
        }
      }
      this.wake([id]);
    }
  }

  /**
   * A lane takes a new delivery straight from the event writer when its breaker is closed and the hold
   * budget has room. Deliveries it cannot take are written pending, and are claimed back later.
   */
  reserve(webhookId: number): boolean {
    const lane = this.lane(webhookId);
    const target = this.o.router.webhook(webhookId);
    const takes =
      this.o.handOff !== false &&
      this.running &&
      target?.enabled === true &&
      lane.breaker.mode(this.now()) === 'closed' &&
      // A paced lane (it drops connections) drains slowly: it must not pin the budget either.
      (lane.answering && !lane.dropsConnections
        ? this.held.bytes < this.holdBudget
        : lane.queued + lane.reserved < UNPROVEN_HOLD);
    if (takes) lane.reserved++;
    else lane.waitingWrites++;
    return takes;
  }

  /**
   * While deliveries of a lane wait in the store or are on their way there as pending, what it was handed
   * is held back until it has claimed them all, so a hand-off never overtakes backlog (within one commit,
   * the waiting ones go first); a lane that fell behind in a burst returns to hand-offs once it catches up.
   */
  admit(handedOff: readonly ClaimedDelivery[], waiting: readonly number[]): void {
    const touched = new Set<Lane>();
    for (const id of waiting) {
      const lane = this.lane(id);
      lane.waitingWrites--;
      lane.markDirty();
      touched.add(lane);
    }
    for (const delivery of handedOff) {
      const lane = this.lane(delivery.webhookId);
      lane.reserved--;
      if (this.o.router.webhook(delivery.webhookId)?.enabled !== true) {
        // Paused or deleted while the commit ran: the store holds or cancels it on release.
        this.releaseToStore([delivery]);
        continue;
      }
      if (lane.dirty || lane.waitingWrites > 0) lane.holdBack(delivery);
      else lane.enqueue(delivery);
      touched.add(lane);
    }
    if (!this.running) {
      // Stopped while the commit was in flight: the deliveries are recorded in flight, so the next
      // start recovers them; nothing to send now.
      for (const lane of touched) lane.takeQueued();
      return;
    }
    for (const lane of touched) this.pump(lane);
    for (const id of [...waiting, ...handedOff.map((d) => d.webhookId)])
      this.dropIfRetired(this.lanes.get(id));
  }

  /** A deleted webhook's lane goes once nothing it was promised is still being committed. */
  private dropIfRetired(lane: Lane | undefined): void {
    if (lane === undefined || !lane.retired || lane.reserved > 0 || lane.waitingWrites > 0) return;
    this.lanes.delete(lane.webhookId);
  }

  release(reserved: readonly number[], waiting: readonly number[]): void {
    for (const id of reserved) this.lane(id).reserved--;
    const touched = new Set<Lane>();
    for (const id of waiting) {
      const lane = this.lane(id);
      lane.waitingWrites--;
      touched.add(lane);
    }
    for (const lane of touched) {
      this.catchUp(lane);
      this.pump(lane);
    }
    for (const id of [...reserved, ...waiting]) this.dropIfRetired(this.lanes.get(id));
  }

  /** Expires, batch by batch, the paused deliveries whose event's TTL has passed. */
  private expirePaused(): void {
    if (!this.running || this.expiring) return;
    this.expiring = true;
    const step = (): Promise<void> =>
      this.o.store.expirePaused(this.now(), EXPIRE_PAUSED_BATCH).then(
        (count): Promise<void> | undefined =>
          count === EXPIRE_PAUSED_BATCH && this.running ? step() : undefined,
        (error: unknown) => this.o.logger.error({ err: error }, 'could not expire paused deliveries'),
      );
    this.track(
      step().finally(() => {
        this.expiring = false;
      }),
      () => {},
    );
  }

  /** Held-back hand-offs join the queue once nothing older waits in the store or is on its way there. */
  private catchUp(lane: Lane): void {
    if (!lane.dirty && lane.waitingWrites === 0) lane.releaseHeldBack();
  }

  /** New deliveries were committed for these webhooks (or the configuration changed). */
  wake(webhookIds: Iterable<number>): void {
    if (!this.running) return;
    for (const id of webhookIds) {
      const lane = this.lane(id);
      lane.markDirty();
      this.pump(lane);
    }
  }

  /** Stops claiming, waits up to graceMs for attempts in flight, and leaves the rest due for the next start. */
  async stop(graceMs: number): Promise<void> {
    this.running = false;
    clearInterval(this.expiryTimer);
    const queued: ClaimedDelivery[] = [];
    for (const lane of this.lanes.values()) {
      lane.cancelTimer();
      queued.push(...lane.takeQueued());
    }
    this.releaseToStore(queued);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.active]),
      new Promise((resolve) => {
        timer = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(timer);
    // Attempts still open are abandoned: they stay in flight in the store and the next start retries them.
    this.abandoned = true;
    clearTimeout(this.storeRetry);
    // A last try for what the store refused; whatever it refuses now stays in flight for the next start.
    this.releaseToStore(this.refusedReleases.splice(0));
    this.flush();
    await Promise.allSettled([...this.writing]);
    await this.o.transport.close();
  }

  /** Attempts in flight and deliveries claimed but not started, per webhook: for diagnostics. */
  /** Lanes whose breaker is open now (another instance's opening included). */
  openBreakers(): number {
    return this.snapshot().filter((lane) => lane.breaker === 'open').length;
  }

  /** Lanes paced now because their endpoint's answers drop connections (see DROPPED_CONNECTION_PACE_MS). */
  pacedLanes(): number {
    let paced = 0;
    for (const lane of this.lanes.values()) if (lane.dropsConnections && !lane.retired) paced++;
    return paced;
  }

  snapshot(): { webhookId: number; inFlight: number; queued: number; breaker: string }[] {
    const now = this.now();
    for (const lane of this.lanes.values()) this.adoptShared(lane);
    return [...this.lanes.values()].map((l) => ({
      webhookId: l.webhookId,
      inFlight: l.inFlight,
      queued: l.queued,
      breaker: l.breaker.mode(now),
    }));
  }

  /**
   * One request to a webhook outside its lane (support's test send): through the same transport and
   * destination policy, on sockets of its own, so it takes no place of the lane's deliveries and its
   * outcome moves no breaker.
   */
  sendOnce(target: WebhookTarget, eventType: string, body: string): Promise<AttemptOutcome> {
    return this.o.transport.send({
      url: target.endpoint,
      eventType,
      body,
      secret: target.secret,
      insecureSsl: target.insecureSsl,
      timeoutMs: target.timeoutMs,
      poolKey: `test:${target.id}`,
    });
  }

  /** One webhook's lane now (support's health view), or null when it has none since the start. */
  /**
   * Whether this engine holds the delivery claimed but not started (the store has it in flight; it waits
   * here for a place): support shows it as queued, not as an attempt in flight.
   */
  isQueued(webhookId: number, deliveryId: number): boolean {
    return this.lanes.get(webhookId)?.queuedDelivery(deliveryId) !== undefined;
  }

  /** Deliveries the lanes hold unstarted, by their state before the claim (pending, retrying). */
  queuedByState(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const lane of this.lanes.values()) lane.queuedByState(counts);
    return counts;
  }

  laneState(webhookId: number): { inFlight: number; queued: number; breaker: string } | null {
    const lane = this.lanes.get(webhookId);
    if (lane === undefined) return null;
    this.adoptShared(lane);
    return { inFlight: lane.inFlight, queued: lane.queued, breaker: lane.breaker.mode(this.now()) };
  }

  /** Another instance's opening of the webhook's breaker, when instances share them, becomes the lane's. */
  private adoptShared(lane: Lane): void {
    const shared = this.o.sharedBreakers?.openingOf(lane.webhookId);
    if (shared != null) lane.breaker.adopt(shared.opens, shared.until);
  }

  private lane(webhookId: number): Lane {
    let lane = this.lanes.get(webhookId);
    if (lane === undefined) {
      lane = new Lane(webhookId, this.o.breaker ?? DEFAULT_BREAKER, this.held);
      this.lanes.set(webhookId, lane);
    }
    return lane;
  }

  private pump(lane: Lane): void {
    const target = this.o.router.webhook(lane.webhookId);
    // A disabled webhook's deliveries wait in the store; re-enabling it (a config reload) wakes the lane.
    if (!this.running || target === undefined || !target.enabled) return;
    this.adoptShared(lane);
    const places = this.o.placesOf?.(lane.webhookId) ?? Number.POSITIVE_INFINITY;
    this.shedExcess(lane);
    const limit = lane.dropsConnections ? 1 : Math.min(this.settings.maxInFlightPerEndpoint, places);
    const now = this.now();
    let allowance = Math.min(lane.breaker.allowance(now, limit), limit - lane.inFlight);
    if (allowance <= 0 && lane.breaker.mode(now) === 'open') {
      this.park(lane, now);
      return;
    }
    if (allowance > 0 && lane.dropsConnections && now < lane.pacedUntil) {
      allowance = 0;
      lane.waitForPace(now, () => this.pump(lane));
    }
    // Deliveries held but no place to send them (the other instances hold the webhook's places) and no
    // attempt whose outcome would ask for one: ask again shortly with a claim, which takes a share.
    if (places <= 0 && lane.inFlight === 0 && lane.ready > 0 && !lane.claiming) {
      lane.wakeAt(now + PLACES_RETRY_MS, now, () => this.claim(lane, this.now()));
      return;
    }
    this.claimIfLow(lane, now);
    let started = 0;
    while (started < allowance) {
      const delivery = lane.next();
      if (delivery === undefined) break;
      if (delivery.expiresAt !== null && now >= delivery.expiresAt) {
        this.push(expired(delivery, now));
        this.o.observer?.finished('expired');
        continue;
      }
      this.attempt(lane, target, delivery, now);
      started++;
    }
    // Expired deliveries leave the queue without an attempt whose end would pump the lane again: when they
    // emptied it (a webhook resumed after its held events' TTL passed), the next claim starts here.
    this.claimIfLow(lane, now);
  }

  private claimIfLow(lane: Lane, now: number): void {
    if (lane.dirty && !lane.claiming && lane.ready < CLAIM_BATCH / 2) this.claim(lane, now);
  }

  /**
   * Asks the store for the lane's due deliveries; the answer pumps the lane again. When the store had
   * fewer than asked and nothing new was committed meanwhile, the lane sleeps until its next due time.
   */
  private claim(lane: Lane, now: number): void {
    const want = CLAIM_BATCH - lane.ready;
    const wakes = lane.wakes;
    lane.claiming = true;
    this.o.store.claim(lane.webhookId, now, want).then(
      ({ deliveries, nextDueAt }) => {
        lane.claiming = false;
        if (!this.running || this.o.router.webhook(lane.webhookId)?.enabled !== true) {
          // Stopped, or the webhook paused or deleted, while the claim ran: hand the deliveries back,
          // uncharged (the store holds or cancels them).
          this.releaseToStore(deliveries);
          return;
        }
        for (const delivery of deliveries) lane.enqueue(delivery);
        if (deliveries.length < want && lane.wakes === wakes) {
          lane.dirty = false;
          if (nextDueAt !== null) lane.wakeAt(nextDueAt, this.now(), () => this.pump(lane));
        }
        this.catchUp(lane);
        this.pump(lane);
      },
      (error: unknown) => {
        lane.claiming = false;
        this.o.logger.error(
          { err: error, ...webhookLogFields(this.o.router.webhook(lane.webhookId), lane.webhookId) },
          'could not claim deliveries',
        );
        const at = this.now() + CLAIM_RETRY_MS;
        lane.wakeAt(at, this.now(), () => this.pump(lane));
      },
    );
  }

  /** The breaker is open: hand claimed deliveries back to the store (uncharged) and sleep until the probe. */
  private park(lane: Lane, now: number): void {
    this.releaseToStore(lane.takeQueued());
    lane.markDirty();
    lane.wakeAt(lane.breaker.reopensAt(), now, () => this.pump(lane));
  }

  /** Hands back what the lane holds unstarted beyond its hold limit (see holdLimitOf). */
  private shedExcess(lane: Lane): void {
    const limit = this.o.holdLimitOf?.(lane.webhookId);
    if (limit === undefined) return;
    const excess = lane.queued + lane.inFlight - limit;
    if (excess > 0) this.releaseToStore(lane.takeNewest(Math.min(excess, lane.queued)));
  }

  private releaseToStore(deliveries: readonly ClaimedDelivery[]): void {
    if (deliveries.length === 0) return;
    this.track(
      this.o.store.release(deliveries).then(() => this.storeTookWrite()),
      (error) => {
        this.storeRefused(error, 'releases');
        this.refusedReleases.push(...deliveries);
        this.retryStoreWrites();
      },
    );
  }

  private track(write: Promise<void>, onError: (error: unknown) => void): void {
    const tracked = write.catch(onError);
    this.writing.add(tracked);
    void tracked.finally(() => this.writing.delete(tracked));
  }

  private attempt(lane: Lane, target: WebhookTarget, delivery: ClaimedDelivery, startedAt: number): void {
    lane.inFlight++;
    lane.endpoint = target.endpoint;
    lane.breaker.onStart(startedAt);
    const work = this.o.transport
      .send({
        url: target.endpoint,
        eventType: delivery.eventType,
        body: delivery.payload,
        secret: target.secret,
        insecureSsl: target.insecureSsl,
        timeoutMs: target.timeoutMs,
        // Its own sockets: a lane's in-flight limit is real only if no other lane can take its connections.
        poolKey: String(target.id),
      })
      .catch(
        (error: unknown): AttemptOutcome => ({
          ok: false,
          statusCode: null,
          errorClass: 'internal',
          errorMessage: error instanceof Error ? error.message : String(error),
          retryAfterMs: null,
          retryable: true,
          durationMs: this.now() - startedAt,
          responseSnippet: null,
        }),
      )
      .then((result) => this.finish(lane, target, delivery, startedAt, result));
    this.active.add(work);
    void work.finally(() => this.active.delete(work));
  }

  private finish(
    lane: Lane,
    target: WebhookTarget,
    delivery: ClaimedDelivery,
    startedAt: number,
    result: AttemptOutcome,
  ): void {
    lane.inFlight--;
    if (this.abandoned) return;
    const now = this.now();
    const attemptNo = delivery.attemptCount + 1;
    const decision = decideAfterAttempt({
      result,
      attemptsMade: attemptNo,
      scheduleSeconds: target.retryScheduleSeconds ?? this.settings.retryScheduleSeconds,
      expiresAt: delivery.expiresAt,
      now,
      random: this.random,
    });
    this.o.observer?.attempted(result.errorClass, result.durationMs);
    if (decision.state !== 'retrying') this.o.observer?.finished(decision.state);
    // Any result but a success (200), a policy refusal included, leaves the lane unproven (UNPROVEN_HOLD).
    lane.answering = result.ok;
    // An answer (any status) tells whether the endpoint's answers fit what is read; one from the old
    // Endpoint, still in flight when the webhook moved, or to a deleted webhook's lane, no longer matters.
    if (
      result.statusCode !== null &&
      target.endpoint === lane.endpoint &&
      this.lanes.get(lane.webhookId) === lane
    )
      this.noteConnection(lane, target, result.connectionDropped === true, now);
    // Refusals by policy say nothing about the endpoint's health; everything else does.
    if (result.ok || result.retryable) {
      const wasOpen = lane.breaker.openings > 0;
      const opened = lane.breaker.onResult(result.ok, now);
      if (opened)
        this.o.sharedBreakers?.opened(lane.webhookId, lane.breaker.openings, lane.breaker.reopensAt());
      else if (wasOpen && result.ok) this.o.sharedBreakers?.closed(lane.webhookId);
      if (opened) {
        this.o.logger.warn(
          {
            ...webhookLogFields(target, lane.webhookId),
            reopensAt: new Date(lane.breaker.reopensAt()).toISOString(),
          },
          'endpoint keeps failing: backing off',
        );
      }
    }
    this.push({
      deliveryId: delivery.id,
      state: decision.state,
      attemptCount: attemptNo,
      nextAttemptAt: decision.nextAttemptAt,
      finishedAt: decision.state === 'retrying' ? null : now,
      attempt: {
        deliveryId: delivery.id,
        attemptNo,
        startedAt,
        durationMs: result.durationMs,
        statusCode: result.statusCode,
        errorClass: result.errorClass,
        errorMessage: result.errorMessage,
        responseSnippet: result.responseSnippet,
      },
    });
    if (decision.nextAttemptAt !== null && this.lanes.get(lane.webhookId) === lane)
      this.retries.push({ lane, at: decision.nextAttemptAt });
    this.pump(lane);
  }

  /** Paces the lane after an answer that dropped its connection; says so when the lane enters or leaves that. */
  private noteConnection(lane: Lane, target: WebhookTarget, dropped: boolean, now: number): void {
    if (dropped) lane.pacedUntil = now + DROPPED_CONNECTION_PACE_MS;
    if (dropped === lane.dropsConnections) return;
    lane.dropsConnections = dropped;
    if (dropped)
      this.o.logger.warn(
        { ...webhookLogFields(target, lane.webhookId), paceMs: DROPPED_CONNECTION_PACE_MS },
        'endpoint answers with more body than the gateway reads, so each answer drops its connection: ' +
          `sending it one delivery at a time, at most one every ${DROPPED_CONNECTION_PACE_MS} ms, until an answer fits`,
      );
    else this.logUnpaced(target, lane, 'an answer fitted');
  }

  private logUnpaced(target: WebhookTarget, lane: Lane, reason: string): void {
    this.o.logger.info(
      { ...webhookLogFields(target, lane.webhookId), reason },
      'endpoint no longer paced for dropped connections: sending at its full MaxInFlightPerEndpoint again',
    );
  }

  private push(outcome: Outcome): void {
    this.outcomes.push(outcome);
    if (this.outcomes.length >= OUTCOME_FLUSH_SIZE) this.flush();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setTimeout(() => this.flush(), this.o.outcomeFlushMs ?? OUTCOME_FLUSH_MS);
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.outcomes.length === 0) return;
    const batch = this.outcomes;
    const retries = this.retries;
    this.outcomes = [];
    this.retries = [];
    const recorded = this.o.store.record(batch).then(({ failed }) => {
      // Rows the store refused for their content stay in flight until the next start; rows it could not
      // write at all (a full disk) are kept and written again.
      const again = new Set<number>();
      for (const f of failed) {
        if (f.retryable) again.add(f.deliveryId);
        else
          this.o.logger.error(
            { deliveryId: f.deliveryId, reason: f.message },
            'could not record a delivery outcome',
          );
      }
      if (again.size > 0) {
        this.storeRefused(new Error(failed[0]?.message), 'outcomes');
        this.keepOutcomes(
          batch.filter((o) => again.has(o.deliveryId)),
          retries,
        );
      } else this.storeTookWrite();
      // A claim sent before this commit would not have seen the rows as retrying, so wake only now.
      for (const { lane, at } of retries) lane.wakeAt(at, this.now(), () => this.pump(lane));
    });
    this.track(recorded, (error) => {
      this.storeRefused(error, 'outcomes');
      this.keepOutcomes(batch, retries);
    });
  }

  /**
   * Outcomes the store refused are kept, in front of newer ones, and written again until it takes them:
   * a full or frozen disk must not leave their deliveries in flight for good. After stop() gave up they
   * are left in flight, and the next start attempts them again.
   */
  private keepOutcomes(outcomes: readonly Outcome[], retries: { lane: Lane; at: number }[]): void {
    if (this.abandoned) return;
    this.outcomes = [...outcomes, ...this.outcomes];
    this.retries = [...retries, ...this.retries];
    this.retryStoreWrites();
  }

  private retryStoreWrites(): void {
    if (this.abandoned || this.storeRetry !== undefined) return;
    this.storeRetry = setTimeout(() => {
      this.storeRetry = undefined;
      this.releaseToStore(this.refusedReleases.splice(0));
      this.flush();
    }, STORE_RETRY_MS);
  }

  private storeRefused(error: unknown, what: 'outcomes' | 'releases'): void {
    if (this.storeRefusing) return;
    this.storeRefusing = true;
    this.o.logger.error(
      { err: error },
      `the store refused delivery ${what}: keeping them and writing them again every ${STORE_RETRY_MS} ms`,
    );
  }

  private storeTookWrite(): void {
    if (!this.storeRefusing) return;
    this.storeRefusing = false;
    this.o.logger.info('the store takes delivery outcomes again');
  }
}

function expired(delivery: ClaimedDelivery, now: number): Outcome {
  return {
    deliveryId: delivery.id,
    state: 'expired',
    attemptCount: delivery.attemptCount,
    nextAttemptAt: null,
    finishedAt: now,
    attempt: null,
  };
}
