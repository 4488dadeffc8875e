import type BetterSqlite3 from 'better-sqlite3';

export interface WindowStats {
  /** Attempts started in the window. */
  attempts: number;
  /** Their share that succeeded (200); null without attempts. */
  successRate: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
}

export interface StoredHealth {
  /** Deliveries pending, retrying or paused, and when the oldest of them was created. */
  waiting: number;
  oldestWaitingCreatedAt: number | null;
  last5Minutes: WindowStats;
  lastHour: WindowStats;
  lastSuccessAt: number | null;
  lastFailure: { at: number; statusCode: number | null; errorClass: string | null } | null;
  /** True when the windows are over the HEALTH_SAMPLE most recently attempted deliveries, not all. */
  sampled: boolean;
}

/**
 * The windows read at most this many of the webhook's most recently attempted deliveries (and their
 * attempts): a webhook attempting hundreds a second costs a health read the same as a quiet one.
 */
export const HEALTH_SAMPLE = 2_000;

export const WAITING_STATES = ['pending', 'retrying', 'paused'] as const;
/**
 * Last success and last failure are looked for among this many most recently attempted deliveries: an
 * endpoint that has failed longer than that reports no success, rather than scanning its whole history.
 */
export const LAST_OUTCOME_SCAN = 10_000;
const FIVE_MINUTES_MS = 5 * 60_000;
export const HOUR_MS = 60 * 60_000;

/**
 * What the store knows of one webhook's health at `now`. Every part reads a bounded index range:
 * waiting counts one range per waiting state, the windows read the deliveries attempted in the last
 * hour (deliveries_webhook_attempted_idx), newest first and at most HEALTH_SAMPLE of them, and their
 * attempts, so the cost is bounded however busy the webhook is, and never follows its history. Last success and failure come from those attempts when the hour has
 * them, else from the newest delivered deliveries and the most recently attempted ones.
 */
export function webhookHealth(
  sqlite: BetterSqlite3.Database,
  webhookRowId: number,
  now: number,
): StoredHealth {
  const count = sqlite.prepare(
    `SELECT count(*) AS n, min(created_at) AS oldest FROM deliveries INDEXED BY deliveries_webhook_state_created_idx
      WHERE webhook_id = ? AND state = ?`,
  );
  let waiting = 0;
  let oldest: number | null = null;
  for (const state of WAITING_STATES) {
    const r = count.get(webhookRowId, state) as { n: number; oldest: number | null };
    waiting += r.n;
    if (r.oldest !== null && (oldest === null || r.oldest < oldest)) oldest = r.oldest;
  }
  const hourAgo = now - HOUR_MS;
  const attempts = sqlite
    .prepare(
      `SELECT a.started_at AS startedAt, a.duration_ms AS durationMs, a.status_code AS statusCode,
              a.error_class AS errorClass
         FROM (SELECT id FROM deliveries INDEXED BY deliveries_webhook_attempted_idx
                WHERE webhook_id = ? AND last_attempt_at >= ? ORDER BY last_attempt_at DESC LIMIT ${HEALTH_SAMPLE}) d
         JOIN attempts a ON a.delivery_id = d.id
        WHERE a.started_at >= ?`,
    )
    .all(webhookRowId, hourAgo, hourAgo) as HealthAttempt[];
  const last = lastOutcomes(attempts);
  return healthOf(now, {
    waiting,
    oldestWaitingCreatedAt: oldest,
    attempts,
    // The last hour's attempts answer both when they hold one; older ones are looked for only then.
    lastSuccessAt: last.lastSuccessAt ?? newestDelivered(sqlite, webhookRowId),
    lastFailure: last.lastFailure ?? olderFailure(sqlite, webhookRowId),
    sampled: sampledDeliveries(sqlite, webhookRowId, hourAgo) > HEALTH_SAMPLE,
  });
}

/** An attempt as health reads it. */
export interface HealthAttempt {
  startedAt: number;
  durationMs: number;
  statusCode: number | null;
  errorClass: string | null;
}

/** Pure: the last success and the last failure among these attempts (null where there is none). */
export function lastOutcomes(
  attempts: readonly HealthAttempt[],
): Pick<StoredHealth, 'lastSuccessAt' | 'lastFailure'> {
  let lastSuccessAt: number | null = null;
  let lastFailure: StoredHealth['lastFailure'] = null;
  for (const a of attempts) {
    if (a.statusCode === 200) {
      if (lastSuccessAt === null || a.startedAt > lastSuccessAt) lastSuccessAt = a.startedAt;
    } else if (lastFailure === null || a.startedAt > lastFailure.at) {
      lastFailure = { at: a.startedAt, statusCode: a.statusCode, errorClass: a.errorClass };
    }
  }
  return { lastSuccessAt, lastFailure };
}

/** Pure: the health of a webhook from what the store read (the last hour's sampled attempts among it). */
export function healthOf(
  now: number,
  read: Omit<StoredHealth, 'last5Minutes' | 'lastHour'> & { attempts: readonly HealthAttempt[] },
): StoredHealth {
  const { attempts, ...rest } = read;
  return {
    ...rest,
    last5Minutes: windowStats(attempts.filter((a) => a.startedAt >= now - FIVE_MINUTES_MS)),
    lastHour: windowStats(attempts),
  };
}

/** Deliveries attempted in the window, counted up to one past the sample (an index range, bounded). */
function sampledDeliveries(sqlite: BetterSqlite3.Database, webhookRowId: number, since: number): number {
  return sqlite
    .prepare(
      `SELECT count(*) FROM (SELECT 1 FROM deliveries INDEXED BY deliveries_webhook_attempted_idx
        WHERE webhook_id = ? AND last_attempt_at >= ? LIMIT ${HEALTH_SAMPLE + 1})`,
    )
    .pluck()
    .get(webhookRowId, since) as number;
}

/**
 * When the webhook last succeeded before the last hour: the latest attempt of its most recently created
 * delivered deliveries (one short range of the state index, however long it has failed since).
 */
function newestDelivered(sqlite: BetterSqlite3.Database, webhookRowId: number): number | null {
  return sqlite
    .prepare(
      `SELECT max(last_attempt_at) FROM (SELECT last_attempt_at FROM deliveries INDEXED BY deliveries_webhook_state_created_idx
        WHERE webhook_id = ? AND state = 'delivered' ORDER BY created_at DESC LIMIT 100)`,
    )
    .pluck()
    .get(webhookRowId) as number | null;
}

/** The last failure before the last hour, among the LAST_OUTCOME_SCAN most recently attempted deliveries. */
function olderFailure(sqlite: BetterSqlite3.Database, webhookRowId: number): StoredHealth['lastFailure'] {
  const row = sqlite
    .prepare(
      `SELECT at, statusCode, errorClass FROM (
         SELECT last_attempt_at AS at, last_status AS statusCode, last_error_class AS errorClass
           FROM deliveries INDEXED BY deliveries_webhook_attempted_idx
          WHERE webhook_id = ? AND last_attempt_at IS NOT NULL
          ORDER BY last_attempt_at DESC LIMIT ${LAST_OUTCOME_SCAN})
        WHERE statusCode IS NOT 200 LIMIT 1`,
    )
    .get(webhookRowId) as StoredHealth['lastFailure'] | undefined;
  return row ?? null;
}

/** Pure: success rate and nearest-rank percentiles of attempt durations. */
export function windowStats(
  attempts: readonly { durationMs: number; statusCode: number | null }[],
): WindowStats {
  if (attempts.length === 0) return { attempts: 0, successRate: null, p50Ms: null, p99Ms: null };
  const durations = attempts.map((a) => a.durationMs).sort((a, b) => a - b);
  const rank = (p: number) => durations[Math.max(0, Math.ceil(p * durations.length) - 1)] as number;
  const ok = attempts.filter((a) => a.statusCode === 200).length;
  return {
    attempts: attempts.length,
    successRate: ok / attempts.length,
    p50Ms: rank(0.5),
    p99Ms: rank(0.99),
  };
}
