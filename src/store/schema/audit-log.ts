import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Every configuration change, written in the transaction that makes it: who (an admin token's Name, or
 * `document` for a reload or import), when, and what (the resource, its state before and after as JSON,
 * secrets redacted). Paged newest first by seq.
 */
export const auditLog = sqliteTable(
  'audit_log',
  {
    seq: integer('seq').primaryKey(),
    at: integer('at', { mode: 'number' }).notNull(),
    actor: text('actor').notNull(),
    /** Lower-cased; null for changes of the Gateway section or of the whole document. */
    organizationId: text('organization_id'),
    /** organization, webhook, subscription, security-group, security-group-members, document, admin-token */
    resource: text('resource').notNull(),
    /** The resource's id within its kind (WebhookId, SubscriptionId, SecurityGroupId, ...). */
    resourceId: text('resource_id'),
    /** create, update, delete */
    action: text('action').notNull(),
    before: text('before'),
    after: text('after'),
  },
  (t) => [
    index('audit_log_organization_idx').on(t.organizationId, t.seq),
    index('audit_log_resource_idx').on(t.resource, t.seq),
    index('audit_log_at_idx').on(t.at),
  ],
);

export type AuditRow = typeof auditLog.$inferSelect;
export type NewAuditRow = typeof auditLog.$inferInsert;
