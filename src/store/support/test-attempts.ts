import type BetterSqlite3 from 'better-sqlite3';
import type { AttemptRecord } from '../delivery-store.js';

/** A test send's outcome: an attempt's fields, of no delivery. */
export type TestAttemptRecord = Omit<AttemptRecord, 'deliveryId' | 'attemptNo'> & {
  webhookRowId: number;
  eventId: string;
  eventType: string;
  sentBy: string;
};

/** Test sends kept per webhook: the newest, so repeated tests (a console polling one) never grow the file. */
export const TEST_ATTEMPTS_KEPT = 20;

/** Records a test send and drops that webhook's older ones past the newest TEST_ATTEMPTS_KEPT; its row id. */
export function recordTestAttempt(sqlite: BetterSqlite3.Database, a: TestAttemptRecord): number {
  const record = sqlite.transaction(() => {
    const id = Number(
      sqlite
        .prepare(
          `INSERT INTO test_attempts (webhook_id, event_id, event_type, started_at, duration_ms, status_code,
                                      error_class, error_message, response_snippet, sent_by)
           VALUES (@webhookRowId, @eventId, @eventType, @startedAt, @durationMs, @statusCode, @errorClass,
                   @errorMessage, @responseSnippet, @sentBy)`,
        )
        .run(a).lastInsertRowid,
    );
    sqlite
      .prepare(
        `DELETE FROM test_attempts WHERE webhook_id = @webhook AND id NOT IN
           (SELECT id FROM test_attempts WHERE webhook_id = @webhook ORDER BY started_at DESC, id DESC LIMIT @kept)`,
      )
      .run({ webhook: a.webhookRowId, kept: TEST_ATTEMPTS_KEPT });
    return id;
  });
  return record.immediate();
}

/** A webhook's kept test sends, newest first. */
export function recentTestAttempts(
  sqlite: BetterSqlite3.Database,
  webhookRowId: number,
): (Omit<TestAttemptRecord, 'webhookRowId'> & { id: number })[] {
  return sqlite
    .prepare(
      `SELECT id, event_id AS eventId, event_type AS eventType, started_at AS startedAt,
              duration_ms AS durationMs, status_code AS statusCode, error_class AS errorClass,
              error_message AS errorMessage, response_snippet AS responseSnippet, sent_by AS sentBy
         FROM test_attempts WHERE webhook_id = ? ORDER BY started_at DESC, id DESC LIMIT ?`,
    )
    .all(webhookRowId, TEST_ATTEMPTS_KEPT) as (Omit<TestAttemptRecord, 'webhookRowId'> & { id: number })[];
}
