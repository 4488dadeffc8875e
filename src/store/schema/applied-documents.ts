import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * The configuration document last applied at start, by its SHA-256: a start whose document is the same
 * leaves the store (the source of truth, changed over the admin API meanwhile) as it is.
 */
export const appliedDocuments = sqliteTable('applied_documents', {
  /** Which document: 'start' (the one `gateway serve` reads). */
  name: text('name').primaryKey(),
  sha256: text('sha256').notNull(),
  appliedAt: integer('applied_at', { mode: 'number' }).notNull(),
});
