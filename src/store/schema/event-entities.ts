import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Support's index of events by entity: which events an organization's entity had, newest first. It is
 * kept apart from events, and filled behind the writes (store/entity-index.ts), because an index on
 * events by entity takes a page of its own for nearly every event of a commit (entities are many, each
 * event lands beside its entity's last one), which doubled what a commit of events writes; filled in
 * large batches in key order, each page takes many rows at once. Events newer than the entity_index_seq
 * mark in store_marks are not in it yet: the query reads those from events directly.
 *
 * WITHOUT ROWID (in the migration; drizzle does not declare it): the key is the row, one B-tree.
 */
export const eventEntities = sqliteTable(
  'event_entities',
  {
    organizationId: text('organization_id').notNull(),
    entityId: text('entity_id').notNull(),
    acceptedAt: integer('accepted_at', { mode: 'number' }).notNull(),
    seq: integer('seq').notNull(),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.entityId, t.acceptedAt, t.seq] })],
);
