import { bigint, bigserial, index, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { webhooks } from './config.js';

/*
 * Support's tables, column for column those of the SQLite store (src/store/schema/support-jobs.ts,
 * test-attempts.ts, admin-tokens.ts, applied-documents.ts); milliseconds since the epoch are bigint.
 */

/**
 * A recovery support started: re-queue one webhook's finished deliveries of some states, a batch at a
 * time; its cursor is written in the batch's own transaction, so a resumed job neither skips nor repeats.
 */
export const supportJobs = pgTable('support_jobs', {
  id: text('id').primaryKey(),
  webhookId: integer('webhook_id')
    .notNull()
    .references(() => webhooks.id, { onDelete: 'cascade' }),
  /** JSON: { states, since, until } as asked. */
  params: text('params').notNull(),
  /** running, done, cancelled, failed */
  state: text('state').notNull(),
  total: integer('total').notNull(),
  done: integer('done').notNull().default(0),
  /** JSON [createdAt, id] of the last delivery re-queued; null before the first batch. */
  cursor: text('cursor'),
  error: text('error'),
  createdBy: text('created_by').notNull(),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
});

/** A test send support made to a webhook, kept apart from the organization's events and deliveries. */
export const testAttempts = pgTable(
  'test_attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    webhookId: integer('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    eventId: text('event_id').notNull(),
    eventType: text('event_type').notNull(),
    startedAt: bigint('started_at', { mode: 'number' }).notNull(),
    durationMs: integer('duration_ms').notNull(),
    statusCode: integer('status_code'),
    errorClass: text('error_class'),
    errorMessage: text('error_message'),
    responseSnippet: text('response_snippet'),
    sentBy: text('sent_by').notNull(),
  },
  (t) => [index('test_attempts_webhook_idx').on(t.webhookId, t.startedAt)],
);

/** Admin tokens created over the admin API; only the token's SHA-256 is kept. */
export const adminTokens = pgTable('admin_tokens', {
  name: text('name').primaryKey(),
  /** Hex, lower case. */
  tokenSha256: text('token_sha256').notNull().unique(),
  /** viewer, editor, admin */
  role: text('role').notNull(),
  /** JSON array of lower-cased OrganizationIds; null for every organization. */
  organizations: text('organizations'),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  createdBy: text('created_by').notNull(),
});

/** The configuration document last applied at start, by its SHA-256 (the store is the source of truth). */
export const appliedDocuments = pgTable('applied_documents', {
  name: text('name').primaryKey(),
  sha256: text('sha256').notNull(),
  appliedAt: bigint('applied_at', { mode: 'number' }).notNull(),
});
