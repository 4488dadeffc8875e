import type { Pruner, RetentionPolicy } from './pruner.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** How often a pass starts: a tenth of the shorter period, between a quarter of a second and a minute. */
export function passIntervalMs(policy: RetentionPolicy): number {
  const shorter = Math.min(policy.deliveredDays, policy.failedDays) * DAY_MS;
  return Math.min(Math.max(shorter / 10, 250), 60_000);
}

/**
 * Runs the pruner in the store thread: a pass every passIntervalMs, one step per turn of the thread's
 * event loop (setImmediate), so commits of events, claims and outcomes go on between steps; then the
 * freed pages are returned to the file system the same way. A step that fails (a full disk) ends the pass;
 * the next pass tries again.
 */
export class PruneRunner {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  /** `transaction` wraps each step (the store service commits them without waiting for the disk). */
  constructor(
    private readonly pruner: Pruner,
    private policy: RetentionPolicy,
    private readonly transaction: <T>(step: () => T) => T,
  ) {}

  start(): void {
    this.later();
  }

  setPolicy(policy: RetentionPolicy): void {
    this.policy = policy;
    this.pruner.setPolicy(policy);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private later(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.pruneStep();
    }, passIntervalMs(this.policy));
    this.timer.unref();
  }

  private pruneStep(): void {
    if (this.stopped) return;
    let done: boolean;
    try {
      done = this.transaction(() => this.pruner.step().done);
    } catch {
      this.pruner.restart();
      this.later();
      return;
    }
    setImmediate(() => (done ? this.vacuumStep() : this.pruneStep()));
  }

  private vacuumStep(): void {
    if (this.stopped) return;
    let done: boolean;
    try {
      done = this.transaction(() => this.pruner.vacuumStep());
    } catch {
      done = true;
    }
    if (done) this.later();
    else setImmediate(() => this.vacuumStep());
  }
}
