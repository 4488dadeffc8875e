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
    /**
     * The configuration document lists the members (EntityIds): a producer's PUT is refused, since the
     * next apply of the document would put its list back.
     */
    membersFromDocument: integer('members_from_document', { mode: 'boolean' }).notNull().default(false),
    /** The configuration revision that last changed the members (see config-revision). */
    revision: integer('revision').notNull().default(0),
    updatedAt: integer('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.id] })],
);

export type SecurityGroupRow = typeof securityGroups.$inferSelect;
export type NewSecurityGroupRow = typeof securityGroups.$inferInsert;
