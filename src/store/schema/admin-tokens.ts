import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Admin tokens created over the admin API (the file's Gateway.AdminTokens are not here: they stay the
 * file's). Only the token's SHA-256 is kept; the token itself is shown once, in the answer that made it.
 */
export const adminTokens = sqliteTable('admin_tokens', {
  name: text('name').primaryKey(),
  /** Hex, lower case. */
  tokenSha256: text('token_sha256').notNull().unique(),
  /** viewer, editor, admin */
  role: text('role').notNull(),
  /** JSON array of lower-cased OrganizationIds; null for every organization. */
  organizations: text('organizations'),
  createdAt: integer('created_at', { mode: 'number' }).notNull(),
  /** The Name of the token that created it. */
  createdBy: text('created_by').notNull(),
});

export type AdminTokenRow = typeof adminTokens.$inferSelect;
