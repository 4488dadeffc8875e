import type { EventIdIndex, IndexRun } from './event-id-index.js';

/**
 * Ids waiting that start a run at once. A run touches each event_ids page it needs once, so the larger
 * it is the fewer pages per Id (replaying 300,000 events through the store in commits of 200: 47.7 µs of
 * the store thread per event with the old unique index, 30.0 µs with these runs); the temporary table
 * and the trace's scan of the unindexed tail grow with it.
 */
export const RUN_AT = 16_384;
/** A quiet store is indexed too: a run starts this long after the first Id waiting for one. */
export const RUN_AFTER_MS = 2_000;
/** Ids a step writes at least: a few milliseconds of the store's time. */
export const MIN_STEP = 1_024;

/**
 * Runs the event Id index's runs in the store thread, one step (a transaction) per turn of its event
 * loop, so commits of events, claims and outcomes go on between the steps. A step writes twice the Ids
 * recorded since the last one (MIN_STEP at least): a run then outpaces the events arriving meanwhile,
 * and the Ids waiting stay near two runs' worth however fast producers publish (with a fixed step of
 * 1,024, a 1,000,000-event publish in commits of 1,000 left the runs further behind at every run).
 * A failed step leaves the Ids waiting, where de-duplication still finds them; a later run tries again.
 */
export class EventIdRunner {
  private run: IndexRun | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  /** The last event recorded when the last step was taken (or the run began). */
  private steppedThrough = 0;

  /** `transaction` wraps each step (the store service commits them without waiting for the disk). */
  constructor(
    private readonly index: EventIdIndex,
    private readonly transaction: (step: () => boolean) => boolean,
  ) {}

  /** Events were committed. */
  recorded(): void {
    if (this.stopped || this.run !== null) return;
    const unindexed = this.index.unindexed;
    if (unindexed >= RUN_AT) this.begin();
    else if (unindexed > 0) this.later();
  }

  /** At shutdown: no further step. A run cut short is done again at the next start. */
  stop(): void {
    this.stopped = true;
    this.run = null;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private later(): void {
    if (this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.begin();
    }, RUN_AFTER_MS);
    this.timer.unref();
  }

  private begin(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.stopped || this.run !== null) return;
    this.run = this.index.startRun();
    this.steppedThrough = this.index.lastRecorded;
    if (this.run !== null) setImmediate(() => this.step());
  }

  private step(): void {
    const run = this.run;
    if (run === null) return;
    const last = this.index.lastRecorded;
    const keys = Math.max(MIN_STEP, 2 * (last - this.steppedThrough));
    this.steppedThrough = last;
    let done: boolean;
    try {
      done = this.transaction(() => run.step(keys));
    } catch {
      // The disk is failing or full: event writes report that to producers; the Ids stay waiting.
      this.run = null;
      this.later();
      return;
    }
    if (!done) {
      setImmediate(() => this.step());
      return;
    }
    this.run = null;
    this.recorded();
  }
}
