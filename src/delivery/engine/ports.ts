/**
 * What the delivery engine needs from the store, and what it offers the code that records events,
 * declared on the engine's side: the store implements these shapes (src/store/delivery-store.ts and
 * StoreClient) without importing them, and the service checks the fit where it wires the two.
 */

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

/** Where an attempt (or its absence, for an expired event) leaves a delivery. */
export interface Outcome {
  deliveryId: number;
  state: 'delivered' | 'retrying' | 'discarded' | 'expired';
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

/** The store as the engine uses it (StoreClient implements it): asynchronous, answered in call order. */
export interface DeliveryQueue {
  claim(webhookId: number, now: number, limit: number): Promise<ClaimResult>;
  record(outcomes: readonly Outcome[]): Promise<RecordResult>;
  release(deliveries: readonly ReleasedDelivery[]): Promise<void>;
  recoverInFlight(): Promise<number>;
  expirePaused(now: number, limit: number): Promise<number>;
}

/**
 * Where new deliveries go (the engine implements it; the service's EventRecorder calls it). Before a
 * write, each delivery is offered to its webhook's lane: a lane with room and no older work waiting takes
 * it, and it is recorded in flight in the same commit as its event, so no claim reads it back; the others
 * are recorded pending, and the lane counts them until the commit so that no later hand-off overtakes them.
 */
export interface DeliveryIntake {
  /** True: the lane takes this delivery (a place is reserved). False: it will wait in the store. */
  reserve(webhookId: number): boolean;
  /** Committed: the deliveries the lanes took, now in flight, and the webhooks of those left waiting. */
  admit(handedOff: readonly ClaimedDelivery[], waiting: readonly number[]): void;
  /** Not written after all (a failed batch, a duplicate): give back what reserve() counted. */
  release(reserved: readonly number[], waiting: readonly number[]): void;
}

/**
 * Told of every attempt's outcome and of every delivery the engine finishes (the service's metrics
 * implement it). Called on the hot path: an implementation adds to counters and allocates nothing.
 */
export interface DeliveryObserver {
  /** errorClass null: the attempt succeeded (200). */
  attempted(errorClass: string | null, durationMs: number): void;
  finished(state: 'delivered' | 'discarded' | 'expired'): void;
}

/**
 * A webhook's breaker as instances that share the store know it (the PostgreSQL store): an instance whose
 * breaker opens says so, and the others back off with it rather than each finding out by failing.
 */
export interface SharedBreakers {
  /** The latest opening known for the webhook (null: none, or closed since). */
  openingOf(webhookId: number): { opens: number; until: number } | null;
  opened(webhookId: number, opens: number, until: number): void;
  /** A success closed it. */
  closed(webhookId: number): void;
}
