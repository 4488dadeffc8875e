import type pg from 'pg';
import type { WebhookRef } from '../../support/deliveries.js';

const WEBHOOK = `SELECT id AS "rowId", webhook_id AS "webhookId", organization_id AS "organizationId", endpoint,
  enabled, deleted_at AS "deletedAt" FROM webhooks`;

/** The webhook with this WebhookId in this organization, deleted ones included (their history stays). */
export async function findWebhookPg(
  pool: pg.Pool,
  organizationId: string,
  webhookId: string,
): Promise<WebhookRef | null> {
  const found = await pool.query<WebhookRef>(`${WEBHOOK} WHERE organization_id = $1 AND webhook_id = $2`, [
    organizationId.toLowerCase(),
    webhookId.toLowerCase(),
  ]);
  return found.rows[0] ?? null;
}

/** The webhook of a store row, deleted or not. */
export async function webhookOfRowPg(pool: pg.Pool, rowId: number): Promise<WebhookRef | null> {
  const found = await pool.query<WebhookRef>(`${WEBHOOK} WHERE id = $1`, [rowId]);
  return found.rows[0] ?? null;
}
