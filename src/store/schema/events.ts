import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * Every accepted event, in acceptance order (seq). No foreign key to organizations on purpose: events of
 * an organization the gateway has no configuration for are still accepted and recorded (with no match).
 */
export const events = sqliteTable(
  'events',
  {
    // A plain rowid key, not AUTOINCREMENT: these tables are on the hot path and need no never-reused ids
    // (their dependants are deleted with them), so the sqlite_sequence write per row is saved.
    seq: integer('seq').primaryKey(),
    /** The event's Id, lower-cased. */
    id: text('id').notNull(),
    /** RootEntityId, lower-cased. */
    organizationId: text('organization_id').notNull(),
    eventType: text('event_type').notNull(),
    entityId: text('entity_id').notNull(),
    /** The Timestamp exactly as the producer sent it. */
    occurredAt: text('occurred_at').notNull(),
    /** Timestamp + MessageTTLSeconds when the TTL is positive; past it, pending deliveries expire. */
    expiresAt: integer('expires_at', { mode: 'number' }),
    payload: text('payload').notNull(),
    acceptedAt: integer('accepted_at', { mode: 'number' }).notNull(),
    matchCount: integer('match_count').notNull(),
  },
  // The database itself refuses a second event with the same Id, whichever process writes it.
  (t) => [
    uniqueIndex('events_id_unique').on(t.id),
    // Support's event search: an organization's events newest first, narrowed by type (with no type, merged
    // from the type index's ranges: no index of its own on the write path). By entity: event_entities.
    index('events_org_type_accepted_idx').on(t.organizationId, t.eventType, t.acceptedAt),
  ],
);

export type EventRow = typeof events.$inferSelect;
export type NewEventRow = typeof events.$inferInsert;
