import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { webhooks } from './webhooks.js';

export const JOB_STATES = ['running', 'done', 'cancelled', 'failed'] as const;
export type JobState = (typeof JOB_STATES)[number];

/**
 * A recovery support started: re-queue one webhook's finished deliveries of some states, created in a
 * time window, a batch at a time. Its progress (the cursor past the last batch) is written in the same
 * transaction as the batch, so a job resumed after a restart neither skips nor repeats a delivery.
 */
export const supportJobs = sqliteTable('support_jobs', {
  id: text('id').primaryKey(),
  webhookId: integer('webhook_id')
    .notNull()
    .references(() => webhooks.id, { onDelete: 'cascade' }),
  /** JSON: { states, since, until } as asked. */
  params: text('params').notNull(),
  state: text('state', { enum: JOB_STATES }).notNull(),
  total: integer('total').notNull(),
  done: integer('done').notNull().default(0),
  /** JSON [createdAt, id] of the last delivery re-queued; null before the first batch. */
  cursor: text('cursor'),
  /** Why a failed job stopped. */
  error: text('error'),
  createdBy: text('created_by').notNull(),
  createdAt: integer('created_at', { mode: 'number' }).notNull(),
  updatedAt: integer('updated_at', { mode: 'number' }).notNull(),
});

export type SupportJobRow = typeof supportJobs.$inferSelect;
