import { setImmediate as nextTurn } from 'node:timers/promises';
import type pg from 'pg';
import {
  addCounts,
  type Candidate,
  noCounts,
  type PruneCounts,
  type RetentionPolicy,
  STEP_BUDGET_MS,
} from '../pruner.js';
import { LOCKS } from './sql.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const MIN_BATCH = 8;
const MAX_BATCH = 4096;

/**
 * Gateway.Retention on PostgreSQL: the same rules as the SQLite pruner (store/pruner.ts), in steps of
 * one short transaction each whose batch adapts to stay within STEP_BUDGET_MS, so publishing never waits
 * on it. A pass runs under a session advisory lock: with several instances on one database, one prunes
 * at a time and the others skip the pass. PostgreSQL's autovacuum returns the space.
 */
export async function prunePass(
  pool: pg.Pool,
  policy: RetentionPolicy,
  options: { dry?: boolean; now?: () => number } = {},
): Promise<{ removed: PruneCounts; ran: boolean }> {
  const now = options.now ?? Date.now;
  const dry = options.dry === true;
  const removed = noCounts();
  const client = await pool.connect();
  try {
    const locked = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [
      LOCKS.prune,
    ]);
    if (locked.rows[0]?.ok !== true) return { removed, ran: false };
    try {
      let batch = 64;
      const adapt = (took: number) => {
        if (took < STEP_BUDGET_MS / 4) batch = Math.min(batch * 2, MAX_BATCH);
        else if (took > STEP_BUDGET_MS / 2) batch = Math.max(Math.floor(batch / 2), MIN_BATCH);
      };
      for (;;) {
        const started = performance.now();
        const gone = await pruneOld(client, 'tombstones', now(), batch, dry);
        removed.tombstones += gone;
        adapt(performance.now() - started);
        if (dry || gone < batch) break;
        await nextTurn();
      }
      // Audit log entries older than AuditDays, oldest first, in the same short steps.
      for (;;) {
        const started = performance.now();
        const gone = await pruneOld(
          client,
          'audit',
          Math.floor(now() - policy.auditDays * DAY_MS),
          batch,
          dry,
        );
        removed.audit += gone;
        adapt(performance.now() - started);
        if (dry || gone < batch) break;
        await nextTurn();
      }
      let after = 0;
      for (;;) {
        const started = performance.now();
        const step = await pruneStep(client, policy, now(), after, batch, dry);
        addCounts(removed, step.removed);
        adapt(performance.now() - started);
        if (step.done) break;
        after = step.after;
        await nextTurn();
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [LOCKS.prune]);
    }
    return { removed, ran: true };
  } finally {
    client.release();
  }
}

/** Rows past their time, oldest first: the tombstones of pruned events, and old audit log entries. */
const OLD_ROWS = {
  tombstones: { table: 'pruned_events', key: 'id', at: 'forget_at' },
  audit: { table: 'audit_log', key: 'seq', at: 'at' },
} as const;

/** Removes up to `batch` rows of the kind whose time is at or before `before` (a dry run counts them all). */
async function pruneOld(
  client: pg.PoolClient,
  kind: keyof typeof OLD_ROWS,
  before: number,
  batch: number,
  dry: boolean,
): Promise<number> {
  const { table, key, at } = OLD_ROWS[kind];
  if (dry) {
    const counted = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${table} WHERE ${at} <= $1`,
      [before],
    );
    return counted.rows[0]?.n ?? 0;
  }
  const deleted = await client.query(
    `DELETE FROM ${table} WHERE ${key} IN (SELECT ${key} FROM ${table} WHERE ${at} <= $1 ORDER BY ${at} LIMIT $2)`,
    [before, batch],
  );
  return deleted.rowCount ?? 0;
}

/**
 * The next batch of events in acceptance order after `after`: those whose every delivery finished longer
 * ago than its period go, with their deliveries and attempts, leaving a tombstone. Done at the
 * first event too young for either period.
 */
async function pruneStep(
  client: pg.PoolClient,
  policy: RetentionPolicy,
  now: number,
  after: number,
  batch: number,
  dry: boolean,
): Promise<{ done: boolean; after: number; removed: PruneCounts }> {
  const deliveredBefore = now - policy.deliveredDays * DAY_MS;
  const failedBefore = now - policy.failedDays * DAY_MS;
  const youngest = Math.max(deliveredBefore, failedBefore);
  const rows = (
    await client.query<Candidate>(
      `SELECT e.seq, e.id, e.accepted_at AS "acceptedAt",
              (SELECT count(*)::int FROM deliveries d WHERE d.event_seq = e.seq AND NOT coalesce(
                 (d.state = 'delivered' AND d.finished_at <= $3)
                 OR (d.state IN ('discarded', 'expired', 'cancelled') AND d.finished_at <= $4), false)) AS kept,
              (SELECT count(*)::int FROM deliveries d WHERE d.event_seq = e.seq AND d.state <> 'delivered') AS failed,
              (SELECT count(*)::int FROM deliveries d WHERE d.event_seq = e.seq) AS deliveries,
              (SELECT count(*)::int FROM attempts a JOIN deliveries d ON d.id = a.delivery_id
                WHERE d.event_seq = e.seq) AS attempts
         FROM events e WHERE e.seq > $1 ORDER BY e.seq LIMIT $2`,
      [after, batch, deliveredBefore, failedBefore],
    )
  ).rows;
  const removed = noCounts();
  const prunable: Candidate[] = [];
  let done = rows.length < batch;
  let last = after;
  for (const row of rows) {
    if (row.acceptedAt > youngest) {
      done = true;
      break;
    }
    last = row.seq;
    const owedNothing = row.deliveries === 0;
    if (row.kept === 0 && (!owedNothing || row.acceptedAt <= deliveredBefore)) prunable.push(row);
  }
  if (!dry && prunable.length > 0) {
    const days = prunable.map((row) => (row.failed > 0 ? policy.failedDays : policy.deliveredDays));
    await client.query('BEGIN');
    try {
      // Their deliveries and attempts go with them (triggers of migration 0007).
      await client.query('DELETE FROM events WHERE seq = ANY($1::bigint[])', [prunable.map((r) => r.seq)]);
      await client.query(
        `INSERT INTO pruned_events (id, accepted_at, pruned_at, retention_days, forget_at)
         SELECT id, accepted, $3::bigint, days, round($3::bigint + days * ${DAY_MS})
           FROM unnest($1::text[], $2::bigint[], $4::float8[]) AS t(id, accepted, days)
         ON CONFLICT (id) DO UPDATE SET accepted_at = excluded.accepted_at, pruned_at = excluded.pruned_at,
           retention_days = excluded.retention_days, forget_at = excluded.forget_at`,
        [prunable.map((r) => r.id), prunable.map((r) => r.acceptedAt), now, days],
      );
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    }
  }
  for (const row of prunable) {
    removed.events++;
    removed.deliveries += row.deliveries;
    removed.attempts += row.attempts;
  }
  return { done, after: last, removed };
}
