import { index, integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * What is left of an event the pruner removed (Gateway.Retention): enough for `trace` to answer "pruned
 * after N days" instead of "never accepted". A tombstone is kept for its event's retention period again,
 * so the table is bounded the way the events are: by the rate and the period, not by all time.
 */
export const prunedEvents = sqliteTable(
  'pruned_events',
  {
    /** The event's Id, lower-cased. */
    id: text('id').primaryKey(),
    acceptedAt: integer('accepted_at', { mode: 'number' }).notNull(),
    prunedAt: integer('pruned_at', { mode: 'number' }).notNull(),
    /** The retention period that applied to the event (the longest of its deliveries'), in days. */
    retentionDays: real('retention_days').notNull(),
    /** When the tombstone goes in turn: pruned_at plus the same period again. */
    forgetAt: integer('forget_at', { mode: 'number' }).notNull(),
  },
  (t) => [index('pruned_events_forget_at_idx').on(t.forgetAt)],
);
