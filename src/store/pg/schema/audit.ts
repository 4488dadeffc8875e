import { bigint, bigserial, index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';

/**
 * Every configuration change, written in the transaction that makes it (the PostgreSQL twin of SQLite's
 * audit_log: the same columns; before and after are jsonb here). Paged newest first by seq.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    at: bigint('at', { mode: 'number' }).notNull(),
    actor: text('actor').notNull(),
    /** Lower-cased; null for changes of the Gateway section or of the whole document. */
    organizationId: text('organization_id'),
    resource: text('resource').notNull(),
    resourceId: text('resource_id'),
    /** create, update, delete */
    action: text('action').notNull(),
    before: jsonb('before'),
    after: jsonb('after'),
  },
  (t) => [
    index('audit_log_organization_idx').on(t.organizationId, t.seq),
    index('audit_log_resource_idx').on(t.resource, t.seq),
    index('audit_log_at_idx').on(t.at),
  ],
);
