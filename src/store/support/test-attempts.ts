import type BetterSqlite3 from 'better-sqlite3';
import type { AttemptRecord } from '../delivery-store.js';

/** A test send's outcome: an attempt's fields, of no delivery. */
export type TestAttemptRecord = Omit<AttemptRecord, 'deliveryId' | 'attemptNo'> & {
  webhookRowId: number;
  eventId: string;
  eventType: string;
  sentBy: string;
};

/** Records a test send; returns its row id. */
export function recordTestAttempt(sqlite: BetterSqlite3.Database, a: TestAttemptRecord): number {
  return Number(
    sqlite
      .prepare(
        `INSERT INTO test_attempts (webhook_id, event_id, event_type, started_at, duration_ms, status_code,
                                    error_class, error_message, response_snippet, sent_by)
         VALUES (@webhookRowId, @eventId, @eventType, @startedAt, @durationMs, @statusCode, @errorClass,
                 @errorMessage, @responseSnippet, @sentBy)`,
      )
      .run(a).lastInsertRowid,
  );
}
