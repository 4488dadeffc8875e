import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { webhooks } from './webhooks.js';

/**
 * A test send support made to a webhook: a sample event POSTed once, recorded apart from the
 * organization's events and deliveries (it is no event of theirs, and retention or trace never see it).
 */
export const testAttempts = sqliteTable(
  'test_attempts',
  {
    id: integer('id').primaryKey(),
    webhookId: integer('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    eventId: text('event_id').notNull(),
    eventType: text('event_type').notNull(),
    startedAt: integer('started_at', { mode: 'number' }).notNull(),
    durationMs: integer('duration_ms').notNull(),
    statusCode: integer('status_code'),
    errorClass: text('error_class'),
    errorMessage: text('error_message'),
    responseSnippet: text('response_snippet'),
    sentBy: text('sent_by').notNull(),
  },
  (t) => [index('test_attempts_webhook_idx').on(t.webhookId, t.startedAt)],
);
