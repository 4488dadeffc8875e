import { index, integer, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { organizations } from './organizations.js';

/**
 * A receiving endpoint of one organization. `webhook_id` is its public identity (a Guid, given by the
 * document or assigned on first apply), so its Endpoint can change without losing its deliveries. A
 * deleted webhook is kept (deleted_at set) so that its deliveries and attempts stay traceable; the
 * configuration validator keeps the live Endpoints of an organization unique after normalisation.
 */
export const webhooks = sqliteTable(
  'webhooks',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    webhookId: text('webhook_id').notNull(),
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
    /** Set when the configuration deleted it: it no longer routes or delivers, its history stays. */
    deletedAt: integer('deleted_at', { mode: 'number' }),
  },
  (t) => [
    uniqueIndex('webhooks_webhook_id_unique').on(t.webhookId),
    index('webhooks_organization_idx').on(t.organizationId),
  ],
);

export type WebhookRow = typeof webhooks.$inferSelect;
export type NewWebhookRow = typeof webhooks.$inferInsert;
