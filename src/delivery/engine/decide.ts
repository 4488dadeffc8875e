import { effectiveDelayMs, retryDelayMs } from '../retry/retry-delay.js';
import type { AttemptOutcome } from '../transport/types.js';

/** Where an attempt leaves its delivery. */
export type DecidedState = 'delivered' | 'retrying' | 'discarded' | 'expired';

/** What the decision needs of an attempt's outcome. */
export type AttemptResult = Pick<AttemptOutcome, 'ok' | 'retryable' | 'retryAfterMs'>;

export interface Decision {
  state: DecidedState;
  /** When the next attempt is due; only for 'retrying'. */
  nextAttemptAt: number | null;
}

/**
 * Pure: the delivery's next state after an attempt. Success is delivered; a refusal by policy is not
 * retried; otherwise the next delay of the schedule (jittered, Retry-After honoured within bounds), or
 * discarded when the schedule is used up, or expired when the retry would come after the event's expiry.
 */
export function decideAfterAttempt(input: {
  result: AttemptResult;
  attemptsMade: number;
  scheduleSeconds: readonly number[];
  expiresAt: number | null;
  now: number;
  random: () => number;
}): Decision {
  const { result, attemptsMade, scheduleSeconds, expiresAt, now, random } = input;
  if (result.ok) return { state: 'delivered', nextAttemptAt: null };
  if (!result.retryable) return { state: 'discarded', nextAttemptAt: null };
  const delay = retryDelayMs(scheduleSeconds, attemptsMade, random);
  if (delay === null) return { state: 'discarded', nextAttemptAt: null };
  const nextAttemptAt = now + effectiveDelayMs(delay, result.retryAfterMs);
  if (expiresAt !== null && nextAttemptAt >= expiresAt) return { state: 'expired', nextAttemptAt: null };
  return { state: 'retrying', nextAttemptAt };
}
