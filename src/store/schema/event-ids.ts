import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * The index of event Ids, kept apart from `events` and filled in sorted runs (store/event-id-index.ts):
 * a unique index on events.id took a random key per insert, and every commit rewrote the index pages it
 * touched into the WAL, most of the store's writes. Events after store_marks.event_ids_through are not
 * in it yet; the writer keeps their Ids in a temporary table and reads them back from `events` at start.
 *
 * The migration creates it WITHOUT ROWID (drizzle cannot say so): one B-tree ordered by Id, so a sorted
 * run touches each of its pages once. No foreign key: events are never deleted, and a cascade would
 * need a second index on seq.
 */
export const eventIds = sqliteTable('event_ids', {
  /** The event's Id, lower-cased. */
  id: text('id').primaryKey(),
  seq: integer('seq').notNull(),
});
