import { integer, real, sqliteTable, text, unique } from 'drizzle-orm/sqlite-core';
import { organizations } from './organizations.js';

/** A receiving endpoint of one organization; the document identifies it by Endpoint within the organization. */
export const webhooks = sqliteTable(
  'webhooks',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    endpoint: text('endpoint').notNull(),
    description: text('description'),
    secret: text('secret'),
    insecureSsl: integer('insecure_ssl', { mode: 'boolean' }).notNull().default(false),
    timeoutSeconds: real('timeout_seconds').notNull().default(5),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    /** JSON array of seconds; null means the gateway's Delivery.RetryScheduleSeconds applies. */
    retryScheduleSeconds: text('retry_schedule_seconds'),
    createdAt: integer('created_at', { mode: 'number' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [unique('webhooks_organization_endpoint_unique').on(t.organizationId, t.endpoint)],
);

export type WebhookRow = typeof webhooks.$inferSelect;
export type NewWebhookRow = typeof webhooks.$inferInsert;
