import type pg from 'pg';

/**
 * The state a waiting delivery takes from its webhook's row, or NULL when the webhook is live and enabled
 * (the PostgreSQL twin of store/delivery-store.ts's HELD_STATE_OF): every write that leaves a delivery
 * waiting goes through it, so the configuration's last word holds however writes and changes interleave.
 */
export const HELD_STATE_OF = (webhookRowId: string) =>
  `(SELECT CASE WHEN w.deleted_at IS NOT NULL THEN 'cancelled' WHEN NOT w.enabled THEN 'paused' END
      FROM webhooks w WHERE w.id = ${webhookRowId})`;

/** The beginning of a read-only transaction that reads one snapshot throughout. */
export const SNAPSHOT = 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY';

/**
 * Runs `work` in one transaction on a client of the pool: committed when it resolves, rolled back when
 * not. `begin` may name an isolation level (a read in one snapshot).
 */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
  begin = 'BEGIN',
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(begin);
    try {
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    }
  } finally {
    client.release();
  }
}

/** Advisory lock keys: one namespace (the first key) per purpose, so the gateway's locks never collide. */
export const LOCKS = {
  /** Claims of one webhook (second key: its row id) are serialised, so the limit across instances holds. */
  claim: 7_261_010,
  /** Configuration changes are serialised, as SQLite's IMMEDIATE transactions serialise them. */
  config: 7_261_020,
  /** One instance at a time prunes. */
  prune: 7_261_030,
} as const;

/** The channels instances LISTEN on. */
export const CHANNELS = {
  /** Payload `<instance> <webhook row id>,<id>,...` (dueAnnouncement): new deliveries are due. */
  deliveries: 'gateway_deliveries',
  /** Payload: the configuration revision just committed. */
  config: 'gateway_config',
} as const;

/** The payload on CHANNELS.deliveries: which instance says that deliveries of these webhooks are due. */
export function dueAnnouncement(instanceId: string, webhookRowIds: readonly number[]): string {
  return `${instanceId} ${webhookRowIds.join(',')}`;
}

/** A dueAnnouncement read back. */
export function readDueAnnouncement(payload: string): { from: string; webhookRowIds: number[] } {
  const [from = '', ids = ''] = payload.split(' ');
  return { from, webhookRowIds: ids.split(',').map(Number).filter(Number.isInteger) };
}
