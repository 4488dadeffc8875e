import type pg from 'pg';
import { TEST_ATTEMPTS_KEPT, type TestAttemptRecord } from '../../support/test-attempts.js';
import { inTransaction } from '../sql.js';

/** Records a test send and drops that webhook's older ones past the newest TEST_ATTEMPTS_KEPT; its row id. */
export function recordTestAttemptPg(pool: pg.Pool, a: TestAttemptRecord): Promise<number> {
  return inTransaction(pool, async (client) => {
    const inserted = await client.query<{ id: number }>(
      `INSERT INTO test_attempts (webhook_id, event_id, event_type, started_at, duration_ms, status_code,
                                  error_class, error_message, response_snippet, sent_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
      [
        a.webhookRowId,
        a.eventId,
        a.eventType,
        a.startedAt,
        Math.round(a.durationMs),
        a.statusCode,
        a.errorClass,
        a.errorMessage,
        a.responseSnippet,
        a.sentBy,
      ],
    );
    await client.query(
      `DELETE FROM test_attempts WHERE webhook_id = $1 AND id NOT IN
         (SELECT id FROM test_attempts WHERE webhook_id = $1 ORDER BY started_at DESC, id DESC LIMIT $2)`,
      [a.webhookRowId, TEST_ATTEMPTS_KEPT],
    );
    return (inserted.rows[0] as { id: number }).id;
  });
}

/** A webhook's kept test sends, newest first. */
export async function recentTestAttemptsPg(
  pool: pg.Pool,
  webhookRowId: number,
): Promise<(Omit<TestAttemptRecord, 'webhookRowId'> & { id: number })[]> {
  const found = await pool.query<Omit<TestAttemptRecord, 'webhookRowId'> & { id: number }>(
    `SELECT id, event_id AS "eventId", event_type AS "eventType", started_at AS "startedAt",
            duration_ms AS "durationMs", status_code AS "statusCode", error_class AS "errorClass",
            error_message AS "errorMessage", response_snippet AS "responseSnippet", sent_by AS "sentBy"
       FROM test_attempts WHERE webhook_id = $1 ORDER BY started_at DESC, id DESC LIMIT $2`,
    [webhookRowId, TEST_ATTEMPTS_KEPT],
  );
  return found.rows;
}
