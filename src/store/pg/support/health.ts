import type pg from 'pg';
import {
  HEALTH_SAMPLE,
  type HealthAttempt,
  HOUR_MS,
  healthOf,
  LAST_OUTCOME_SCAN,
  lastOutcomes,
  type StoredHealth,
  WAITING_STATES,
} from '../../support/health.js';

/**
 * What the shared database knows of one webhook's health at `now` (the reads of store/support/health.ts,
 * on the same indexes, combined by its healthOf): what waits, the last hour's attempts of at most
 * HEALTH_SAMPLE most recently attempted deliveries, and the last success and failure before that hour
 * only when the hour has none.
 */
export async function webhookHealthPg(
  pool: pg.Pool,
  webhookRowId: number,
  now: number,
): Promise<StoredHealth> {
  const hourAgo = now - HOUR_MS;
  const [waiting, attempts, sampled] = await Promise.all([
    pool.query<{ n: number; oldest: number | null }>(
      `SELECT count(*)::int AS n, min(created_at) AS oldest FROM deliveries
        WHERE webhook_id = $1 AND state = ANY($2::text[])`,
      [webhookRowId, [...WAITING_STATES]],
    ),
    pool.query<HealthAttempt>(
      `SELECT a.started_at AS "startedAt", a.duration_ms AS "durationMs", a.status_code AS "statusCode",
              a.error_class AS "errorClass"
         FROM (SELECT id FROM deliveries WHERE webhook_id = $1 AND last_attempt_at >= $2
                ORDER BY last_attempt_at DESC LIMIT ${HEALTH_SAMPLE}) d
         JOIN attempts a ON a.delivery_id = d.id
        WHERE a.started_at >= $2`,
      [webhookRowId, hourAgo],
    ),
    pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT 1 FROM deliveries WHERE webhook_id = $1 AND last_attempt_at >= $2
        LIMIT ${HEALTH_SAMPLE + 1}) s`,
      [webhookRowId, hourAgo],
    ),
  ]);
  const last = lastOutcomes(attempts.rows);
  const [success, failure] = await Promise.all([
    last.lastSuccessAt === null ? newestDelivered(pool, webhookRowId) : last.lastSuccessAt,
    last.lastFailure === null ? olderFailure(pool, webhookRowId) : last.lastFailure,
  ]);
  const counted = waiting.rows[0] as { n: number; oldest: number | null };
  return healthOf(now, {
    waiting: counted.n,
    oldestWaitingCreatedAt: counted.oldest,
    attempts: attempts.rows,
    lastSuccessAt: success,
    lastFailure: failure,
    sampled: (sampled.rows[0]?.n ?? 0) > HEALTH_SAMPLE,
  });
}

/** The latest attempt of the webhook's most recently created delivered deliveries (one short range). */
async function newestDelivered(pool: pg.Pool, webhookRowId: number): Promise<number | null> {
  const found = await pool.query<{ at: number | null }>(
    `SELECT max(last_attempt_at) AS at FROM (SELECT last_attempt_at FROM deliveries
      WHERE webhook_id = $1 AND state = 'delivered' ORDER BY created_at DESC LIMIT 100) d`,
    [webhookRowId],
  );
  return found.rows[0]?.at ?? null;
}

/** The last failure among the LAST_OUTCOME_SCAN most recently attempted deliveries. */
async function olderFailure(pool: pg.Pool, webhookRowId: number): Promise<StoredHealth['lastFailure']> {
  const found = await pool.query<NonNullable<StoredHealth['lastFailure']>>(
    `SELECT at, "statusCode", "errorClass" FROM (
       SELECT last_attempt_at AS at, last_status AS "statusCode", last_error_class AS "errorClass"
         FROM deliveries WHERE webhook_id = $1 AND last_attempt_at IS NOT NULL
        ORDER BY last_attempt_at DESC LIMIT ${LAST_OUTCOME_SCAN}) d
      WHERE "statusCode" IS DISTINCT FROM 200 LIMIT 1`,
    [webhookRowId],
  );
  return found.rows[0] ?? null;
}

/**
 * Deliveries waiting in the whole shared database, by state (every instance's): per webhook and state a
 * count of one range of deliveries_webhook_state_created_idx, as store/support/waiting.ts counts them.
 */
export async function waitingCountsPg(pool: pg.Pool): Promise<Record<string, number>> {
  const counted = await pool.query<{ state: string; n: number }>(
    `SELECT s.state, coalesce(sum((SELECT count(*) FROM deliveries d WHERE d.webhook_id = w.id AND d.state = s.state)), 0)::int AS n
       FROM unnest($1::text[]) AS s(state) CROSS JOIN webhooks w GROUP BY s.state`,
    [[...WAITING_STATES]],
  );
  const counts: Record<string, number> = Object.fromEntries(WAITING_STATES.map((s) => [s, 0]));
  for (const r of counted.rows) counts[r.state] = r.n;
  return counts;
}
