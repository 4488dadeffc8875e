import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { webhooks } from './webhooks.js';

/**
 * One event type bound to a webhook, with exactly one target: entity_id, security_group_id or
 * all_entities (the configuration validator enforces the "exactly one").
 */
export const subscriptions = sqliteTable(
  'subscriptions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    webhookId: integer('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    eventType: text('event_type').notNull(),
    entityId: text('entity_id'),
    securityGroupId: text('security_group_id'),
    allEntities: integer('all_entities', { mode: 'boolean' }).notNull().default(false),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
  },
  (t) => [index('subscriptions_webhook_id_idx').on(t.webhookId)],
);

export type SubscriptionRow = typeof subscriptions.$inferSelect;
export type NewSubscriptionRow = typeof subscriptions.$inferInsert;
