import type BetterSqlite3 from 'better-sqlite3';

const WAITING_STATES = ['pending', 'retrying', 'paused'] as const;

/**
 * Deliveries waiting in the whole store, by state: per webhook and state, a count of one range of
 * deliveries_webhook_state_created_idx, which holds the state (the partial indexes of waiting rows do
 * not, so grouping them by state would read every waiting row from the table). It costs what waits and
 * the number of webhooks, not the history.
 */
export function waitingCounts(sqlite: BetterSqlite3.Database): Record<string, number> {
  const count = sqlite
    .prepare(
      `SELECT coalesce(sum((SELECT count(*) FROM deliveries d INDEXED BY deliveries_webhook_state_created_idx
                             WHERE d.webhook_id = w.id AND d.state = ?)), 0)
         FROM webhooks w`,
    )
    .pluck();
  return Object.fromEntries(WAITING_STATES.map((state) => [state, count.get(state) as number]));
}
