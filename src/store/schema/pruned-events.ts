import { index, integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * What is left of an event the pruner removed (Gateway.Retention): enough for `trace` to answer "pruned
 * after N days" instead of "never accepted". Tombstones are pruned in turn, once the longest retention
 * period has passed again, so the table stays bounded.
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
  },
  (t) => [index('pruned_events_pruned_at_idx').on(t.prunedAt)],
);
