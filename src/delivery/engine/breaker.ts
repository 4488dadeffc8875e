/**
 * Per-endpoint circuit breaker. An endpoint that keeps failing (timeouts, refused connections, 5xx) is
 * not hammered: after `threshold` consecutive failures the lane stops claiming work for a backoff that
 * doubles on each failed probe, up to `maxOpenMs`. Its deliveries wait in the store, their attempts not
 * charged, and drain when a probe succeeds. Pure state: the engine feeds it results and the clock.
 */
export interface BreakerOptions {
  threshold: number;
  baseOpenMs: number;
  maxOpenMs: number;
}

export const DEFAULT_BREAKER: BreakerOptions = { threshold: 5, baseOpenMs: 1_000, maxOpenMs: 30_000 };

export type BreakerMode = 'closed' | 'open' | 'half-open';

export class Breaker {
  private failures = 0;
  private opens = 0;
  private openUntil = 0;
  private probing = false;

  constructor(private readonly options: BreakerOptions = DEFAULT_BREAKER) {}

  mode(now: number): BreakerMode {
    if (this.opens === 0) return 'closed';
    return now < this.openUntil ? 'open' : 'half-open';
  }

  /** How many attempts may start now, given the lane's own limit. Half-open lets one probe through. */
  allowance(now: number, limit: number): number {
    const mode = this.mode(now);
    if (mode === 'closed') return limit;
    if (mode === 'open' || this.probing) return 0;
    return 1;
  }

  onStart(now: number): void {
    if (this.mode(now) === 'half-open') this.probing = true;
  }

  /** Returns true when this result opened (or re-opened) the breaker. */
  onResult(success: boolean, now: number): boolean {
    this.probing = false;
    if (success) {
      this.failures = 0;
      this.opens = 0;
      return false;
    }
    // Attempts that started before the breaker opened report while it is open: they are not news.
    if (this.mode(now) === 'open') return false;
    this.failures += 1;
    if (this.opens > 0 || this.failures >= this.options.threshold) {
      const backoff = Math.min(this.options.baseOpenMs * 2 ** this.opens, this.options.maxOpenMs);
      this.opens += 1;
      this.openUntil = now + backoff;
      return true;
    }
    return false;
  }

  /** When the lane may try again (only meaningful while open). */
  reopensAt(): number {
    return this.openUntil;
  }

  /** How many times in a row it opened (0: closed); the next opening backs off from it. */
  get openings(): number {
    return this.opens;
  }

  /**
   * Takes an opening another instance's breaker of the same webhook made (instances share the store):
   * open until `until`, backing off from `opens`. An earlier or equal opening changes nothing.
   */
  adopt(opens: number, until: number): void {
    if (until <= this.openUntil) return;
    this.opens = Math.max(this.opens, opens);
    this.openUntil = until;
    this.probing = false;
  }
}
