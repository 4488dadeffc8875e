import { Breaker, type BreakerOptions } from './breaker.js';
import { Fifo } from './fifo.js';
import type { ClaimedDelivery } from './ports.js';

/** Payload bytes held in memory by every lane of an engine: what the hold budget is checked against. */
export interface HeldBytes {
  bytes: number;
}

/**
 * One endpoint's share of the engine: its claimed deliveries, its requests in flight, its breaker and
 * its wake-up timer. Lanes never share a limit, which is what keeps a slow endpoint from holding back
 * the others.
 */
export class Lane {
  private readonly queue = new Fifo<ClaimedDelivery>();
  /** Handed off while older deliveries may still wait in the store: sent once the lane has claimed those. */
  private readonly heldBack = new Fifo<ClaimedDelivery>();
  inFlight = 0;
  /** Places promised to deliveries the event writer is committing right now (see DeliveryIntake). */
  reserved = 0;
  /** Deliveries being committed as pending: until they are, no new delivery may skip ahead of them. */
  waitingWrites = 0;
  /** The store may hold due deliveries for this endpoint that are not claimed yet. */
  dirty = true;
  /** Counts markDirty() calls, so a claim can tell whether new work arrived while it ran. */
  wakes = 0;
  /** A claim is on its way to the store. */
  claiming = false;
  /**
   * Its webhook was deleted while deliveries it was promised were still being committed: the lane stays
   * (their counts settle on it) until those land, and is dropped then.
   */
  retired = false;
  /**
   * The endpoint's last answer carried more body than is read, so its connection was dropped: while it
   * does, the lane sends one request at a time and paces them (see pacedUntil), since each costs a new
   * connection whose handshake and teardown are the gateway's CPU, taken from every other lane.
   */
  dropsConnections = false;
  /** While the lane drops connections: no attempt starts before this time. */
  pacedUntil = 0;
  private paceTimer: NodeJS.Timeout | undefined;
  /** The endpoint's last finished attempt was a success: the lane may hold up to the engine's budget. */
  answering = false;
  breaker: Breaker;
  /** The URL its attempts went to: the breaker's verdict is about that endpoint. */
  endpoint: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;

  constructor(
    readonly webhookId: number,
    private readonly breakerOptions: BreakerOptions,
    private readonly held: HeldBytes,
  ) {
    this.breaker = new Breaker(breakerOptions);
  }

  /** Deliveries claimed or handed off and not started yet (those held back included). */
  get queued(): number {
    return this.queue.length + this.heldBack.length;
  }

  /** The delivery, if the lane holds it claimed (or handed off) and not started yet. */
  queuedDelivery(deliveryId: number): ClaimedDelivery | undefined {
    for (const d of this.queue) if (d.id === deliveryId) return d;
    for (const d of this.heldBack) if (d.id === deliveryId) return d;
    return undefined;
  }

  /** What it holds unstarted, by the state each had in the store before it was claimed. */
  queuedByState(into: Record<string, number>): void {
    for (const fifo of [this.queue, this.heldBack])
      for (const d of fifo) into[d.previousState] = (into[d.previousState] ?? 0) + 1;
  }

  /** Deliveries ready to start (those held back not included): what decides when to claim more. */
  get ready(): number {
    return this.queue.length;
  }

  /**
   * Its webhook now points elsewhere: what the breaker knew of the old endpoint no longer applies, nor
   * whether it dropped connections.
   */
  newEndpoint(endpoint: string): void {
    this.breaker = new Breaker(this.breakerOptions);
    this.answering = false;
    this.dropsConnections = false;
    this.pacedUntil = 0;
    this.endpoint = endpoint;
  }

  /** Queues a claimed delivery, or a handed-off one when nothing older waits in the store. */
  enqueue(delivery: ClaimedDelivery): void {
    this.queue.push(delivery);
    this.held.bytes += delivery.payload.length;
  }

  /** Keeps a handed-off delivery behind whatever still waits in the store for this lane. */
  holdBack(delivery: ClaimedDelivery): void {
    this.heldBack.push(delivery);
    this.held.bytes += delivery.payload.length;
  }

  /** The store has nothing older left for this lane: what was held back joins the queue, in order. */
  releaseHeldBack(): void {
    this.queue.pushAll(this.heldBack.takeAll());
  }

  /** The oldest queued delivery, or undefined. */
  next(): ClaimedDelivery | undefined {
    const d = this.queue.shift();
    if (d !== undefined) this.held.bytes -= d.payload.length;
    return d;
  }

  /** The `count` queued deliveries due last (to hand back to the store): those held back, then the queue's. */
  takeNewest(count: number): ClaimedDelivery[] {
    const taken: ClaimedDelivery[] = [];
    for (const fifo of [this.heldBack, this.queue]) {
      const all = fifo.takeAll();
      const keep = Math.max(0, all.length - (count - taken.length));
      fifo.pushAll(all.slice(0, keep));
      taken.push(...all.slice(keep));
    }
    for (const d of taken) this.held.bytes -= d.payload.length;
    return taken;
  }

  /** Everything queued and held back (to hand back to the store). */
  takeQueued(): ClaimedDelivery[] {
    const taken = [...this.queue.takeAll(), ...this.heldBack.takeAll()];
    for (const d of taken) this.held.bytes -= d.payload.length;
    return taken;
  }

  /** Arms a wake-up at `at` unless one is already armed earlier. */
  wakeAt(at: number, now: number, wake: () => void): void {
    if (at >= this.timerAt) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Number.POSITIVE_INFINITY;
        this.markDirty();
        wake();
      },
      Math.max(0, at - now),
    );
    // Lanes must not keep a process alive on their own: the HTTP server or the caller does.
    this.timer.unref();
  }

  /**
   * Pumps the lane again once its pace allows. Unlike wakeAt, it does not mark the lane dirty: the pace
   * is about when to send, not about new work in the store, so it never costs a claim.
   */
  waitForPace(now: number, pump: () => void): void {
    if (this.paceTimer !== undefined) return;
    this.paceTimer = setTimeout(
      () => {
        this.paceTimer = undefined;
        pump();
      },
      Math.max(0, this.pacedUntil - now),
    );
    this.paceTimer.unref();
  }

  /** New or newly due deliveries may wait in the store. */
  markDirty(): void {
    this.dirty = true;
    this.wakes++;
  }

  cancelTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    if (this.paceTimer !== undefined) clearTimeout(this.paceTimer);
    this.paceTimer = undefined;
  }
}
