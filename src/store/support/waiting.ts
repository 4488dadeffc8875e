import type BetterSqlite3 from 'better-sqlite3';

/**
 * Deliveries waiting in the whole store, by state: a count over the partial indexes of waiting rows
 * (deliveries_waiting_idx, deliveries_paused_idx), so it costs what waits, not the history.
 */
export function waitingCounts(sqlite: BetterSqlite3.Database): Record<string, number> {
  const pending = sqlite
    .prepare(
      `SELECT state, count(*) AS n FROM deliveries INDEXED BY deliveries_waiting_idx
        WHERE state IN ('pending', 'retrying') GROUP BY state`,
    )
    .all() as { state: string; n: number }[];
  const paused = sqlite
    .prepare(`SELECT count(*) FROM deliveries INDEXED BY deliveries_paused_idx WHERE state = 'paused'`)
    .pluck()
    .get() as number;
  const counts: Record<string, number> = { pending: 0, retrying: 0, paused };
  for (const r of pending) counts[r.state] = r.n;
  return counts;
}
