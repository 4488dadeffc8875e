import type BetterSqlite3 from 'better-sqlite3';

export interface TestAttemptRecord {
  webhookRowId: number;
  eventId: string;
  eventType: string;
  startedAt: number;
  durationMs: number;
  statusCode: number | null;
  errorClass: string | null;
  errorMessage: string | null;
  responseSnippet: string | null;
  sentBy: string;
}

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
