import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { organizations } from './organizations.js';

/**
 * Who owns a group's existence: 'config' groups are declared by the configuration document (and deleted
 * when it stops declaring them); 'producer' groups were created by a producer's PUT and a document never
 * deletes them.
 */
export const SECURITY_GROUP_SOURCES = ['config', 'producer'] as const;
export type SecurityGroupSource = (typeof SECURITY_GROUP_SOURCES)[number];

export const securityGroups = sqliteTable(
  'security_groups',
  {
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    source: text('source', { enum: SECURITY_GROUP_SOURCES }).notNull(),
    updatedAt: integer('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.id] })],
);

export type SecurityGroupRow = typeof securityGroups.$inferSelect;
export type NewSecurityGroupRow = typeof securityGroups.$inferInsert;
