import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** Named counters the store keeps between runs (config_revision: bumped by every configuration change). */
export const storeMarks = sqliteTable('store_marks', {
  name: text('name').primaryKey(),
  value: integer('value').notNull(),
});
