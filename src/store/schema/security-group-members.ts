import { foreignKey, index, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { securityGroups } from './security-groups.js';

/** Membership of an entity in a security group; looked up by (organization, entity) when routing. */
export const securityGroupMembers = sqliteTable(
  'security_group_members',
  {
    organizationId: text('organization_id').notNull(),
    securityGroupId: text('security_group_id').notNull(),
    entityId: text('entity_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.securityGroupId, t.entityId] }),
    foreignKey({
      name: 'security_group_members_group_fk',
      columns: [t.organizationId, t.securityGroupId],
      foreignColumns: [securityGroups.organizationId, securityGroups.id],
    }).onDelete('cascade'),
    index('security_group_members_org_entity_idx').on(t.organizationId, t.entityId),
  ],
);

export type SecurityGroupMemberRow = typeof securityGroupMembers.$inferSelect;
export type NewSecurityGroupMemberRow = typeof securityGroupMembers.$inferInsert;
