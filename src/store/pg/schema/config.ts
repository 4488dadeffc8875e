import {
  bigint,
  boolean,
  doublePrecision,
  foreignKey,
  index,
  integer,
  pgTable,
  primaryKey,
  serial,
  text,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

/*
 * The configuration tables, column for column those of the SQLite store (src/store/schema/), so the two
 * stores hold the same facts under the same names; milliseconds since the epoch are bigint.
 */

export const SECURITY_GROUP_SOURCES = ['config', 'producer'] as const;

/** One tenant; its revision is the configuration revision that last changed it. */
export const organizations = pgTable('organizations', {
  id: text('id').primaryKey(),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  revision: integer('revision').notNull().default(0),
});

/** A receiving endpoint; deleted ones are kept (deleted_at) so their deliveries stay traceable. */
export const webhooks = pgTable(
  'webhooks',
  {
    id: serial('id').primaryKey(),
    webhookId: text('webhook_id').notNull(),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    endpoint: text('endpoint').notNull(),
    description: text('description'),
    secret: text('secret'),
    insecureSsl: boolean('insecure_ssl').notNull().default(false),
    timeoutSeconds: doublePrecision('timeout_seconds').notNull().default(5),
    enabled: boolean('enabled').notNull().default(true),
    /** JSON array of seconds; null means the gateway's Delivery.RetryScheduleSeconds applies. */
    retryScheduleSeconds: text('retry_schedule_seconds'),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
    deletedAt: bigint('deleted_at', { mode: 'number' }),
  },
  (t) => [
    uniqueIndex('webhooks_webhook_id_unique').on(t.webhookId),
    index('webhooks_organization_idx').on(t.organizationId),
  ],
);

/** One event type bound to a webhook, with exactly one target. */
export const subscriptions = pgTable(
  'subscriptions',
  {
    id: serial('id').primaryKey(),
    webhookId: integer('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    eventType: text('event_type').notNull(),
    entityId: text('entity_id'),
    securityGroupId: text('security_group_id'),
    allEntities: boolean('all_entities').notNull().default(false),
    enabled: boolean('enabled').notNull().default(true),
  },
  (t) => [index('subscriptions_webhook_id_idx').on(t.webhookId)],
);

export const securityGroups = pgTable(
  'security_groups',
  {
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    source: text('source', { enum: SECURITY_GROUP_SOURCES }).notNull(),
    membersFromDocument: boolean('members_from_document').notNull().default(false),
    revision: integer('revision').notNull().default(0),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.id] })],
);

export const securityGroupMembers = pgTable(
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

/** Named counters (config_revision: bumped by every configuration change). */
export const storeMarks = pgTable('store_marks', {
  name: text('name').primaryKey(),
  value: integer('value').notNull(),
});
