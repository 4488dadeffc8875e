/** Spread of the jitter around each scheduled delay: ±20 %, so retries of a burst do not stampede. */
const JITTER = 0.2;

/**
 * Bounds applied to a receiver's Retry-After. The scheduled delay is a floor (a receiver cannot make us
 * retry sooner than planned, so a `Retry-After: 0` loop is impossible), and Retry-After is honoured only
 * up to one hour (a receiver cannot park a delivery for days; after an hour the normal schedule and its
 * final discard take over again). Negative values (a date in the past) count as 0.
 */
export const MAX_RETRY_AFTER_MS = 60 * 60 * 1000;

/**
 * Delay before the next attempt after `attemptsMade` failed attempts (1 = the first attempt failed), or
 * null when the schedule is exhausted: a delivery gets 1 + scheduleSeconds.length attempts in all.
 * `random` returns [0, 1) like Math.random; it is injected so tests are deterministic.
 */
export function retryDelayMs(
  scheduleSeconds: readonly number[],
  attemptsMade: number,
  random: () => number,
): number | null {
  if (!Number.isInteger(attemptsMade) || attemptsMade < 1) return null;
  const seconds = scheduleSeconds[attemptsMade - 1];
  if (seconds === undefined) return null;
  const factor = 1 + JITTER * (2 * random() - 1);
  return Math.round(seconds * 1000 * factor);
}

/** The delay actually used: the scheduled one, lengthened (never shortened) by a bounded Retry-After. */
export function effectiveDelayMs(scheduledMs: number, retryAfterMs: number | null): number {
  if (retryAfterMs === null || Number.isNaN(retryAfterMs)) return scheduledMs;
  const bounded = Math.min(Math.max(retryAfterMs, 0), MAX_RETRY_AFTER_MS);
  return Math.max(scheduledMs, bounded);
}
