import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** Named positions the store keeps between runs (event_ids_through: events up to this seq are indexed). */
export const storeMarks = sqliteTable('store_marks', {
  name: text('name').primaryKey(),
  value: integer('value').notNull(),
});
