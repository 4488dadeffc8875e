import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** One tenant (the events' RootEntityId). Created by a configuration document or by a producer's group PUT. */
export const organizations = sqliteTable('organizations', {
  id: text('id').primaryKey(),
  createdAt: integer('created_at', { mode: 'number' }).notNull(),
  /**
   * The configuration revision that last changed its webhooks, subscriptions or groups: a running gateway
   * polls the revision and reloads the routing of the organizations past the one it has.
   */
  revision: integer('revision').notNull().default(0),
});

export type OrganizationRow = typeof organizations.$inferSelect;
export type NewOrganizationRow = typeof organizations.$inferInsert;
