import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { deliveries } from './deliveries.js';

/** One HTTP try of a delivery, kept for troubleshooting. */
export const attempts = sqliteTable(
  'attempts',
  {
    id: integer('id').primaryKey(),
    deliveryId: integer('delivery_id')
      .notNull()
      .references(() => deliveries.id, { onDelete: 'cascade' }),
    attemptNo: integer('attempt_no').notNull(),
    startedAt: integer('started_at', { mode: 'number' }).notNull(),
    durationMs: integer('duration_ms').notNull(),
    statusCode: integer('status_code'),
    errorClass: text('error_class'),
    errorMessage: text('error_message'),
    responseSnippet: text('response_snippet'),
  },
  (t) => [index('attempts_delivery_id_idx').on(t.deliveryId)],
);

export type AttemptRow = typeof attempts.$inferSelect;
export type NewAttemptRow = typeof attempts.$inferInsert;
