import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { events } from './events.js';
import { webhooks } from './webhooks.js';

export const DELIVERY_STATES = [
  'pending',
  'in_flight',
  'retrying',
  /** Held while its webhook is disabled: not attempted, not charged; due again when it is enabled. */
  'paused',
  'delivered',
  'discarded',
  'expired',
  /** Its webhook was deleted before it was delivered. */
  'cancelled',
] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/** One event owed to one webhook; the delivery engine drives it through DELIVERY_STATES. */
export const deliveries = sqliteTable(
  'deliveries',
  {
    id: integer('id').primaryKey(),
    eventSeq: integer('event_seq')
      .notNull()
      .references(() => events.seq, { onDelete: 'cascade' }),
    webhookId: integer('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    state: text('state', { enum: DELIVERY_STATES }).notNull(),
    attemptCount: integer('attempt_count').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at', { mode: 'number' }).notNull(),
    lastAttemptAt: integer('last_attempt_at', { mode: 'number' }),
    lastStatus: integer('last_status'),
    lastErrorClass: text('last_error_class'),
    lastError: text('last_error'),
    createdAt: integer('created_at', { mode: 'number' }).notNull(),
    finishedAt: integer('finished_at', { mode: 'number' }),
    /**
     * Set when support re-queued a finished delivery (redeliver, recover): the state it was in. It gets one
     * more attempt, not a new retry schedule; 'expired' (re-queued with Force) is attempted past its TTL.
     * The attempt's outcome clears it.
     */
    requeuedFrom: text('requeued_from'),
  },
  (t) => [
    // The engine claims one endpoint's due deliveries in due order; a partial index of the waiting rows
    // makes that a short ordered read however many delivered or discarded rows the endpoint has.
    index('deliveries_waiting_idx')
      .on(t.webhookId, t.nextAttemptAt)
      .where(sql`${t.state} IN ('pending', 'retrying')`),
    index('deliveries_event_seq_idx').on(t.eventSeq),
    // Resuming a webhook and expiring what it holds read only its paused rows.
    index('deliveries_paused_idx').on(t.webhookId).where(sql`${t.state} = 'paused'`),
    // Support's reads: one webhook's deliveries by state and age (lists, waiting counts, recovery), and
    // its recently attempted ones (health over the last hour, last success and failure).
    index('deliveries_webhook_state_created_idx').on(t.webhookId, t.state, t.createdAt),
    index('deliveries_webhook_attempted_idx').on(t.webhookId, t.lastAttemptAt),
  ],
);

export type DeliveryRow = typeof deliveries.$inferSelect;
export type NewDeliveryRow = typeof deliveries.$inferInsert;
