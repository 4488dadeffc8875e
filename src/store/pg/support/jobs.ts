import type pg from 'pg';
import type { JobState } from '../../schema/support-jobs.js';
import { type createJob, fromRow, type JobRow, type RecoveryJob } from '../../support/jobs.js';
import type { RecoverySelection } from '../../support/requeue.js';
import { isConnectionError } from '../delivery-queue.js';
import { inTransaction } from '../sql.js';
import { announceDue, REQUEUE_PG } from './requeue.js';

/**
 * Advisory lock namespaces of support's jobs (beside sql.ts LOCKS): starting a webhook's job (second key:
 * its row id) and running one (second key: hashtext of its id, held by the running instance's session).
 */
export const JOB_LOCKS = { start: 7_261_040, run: 7_261_050 } as const;

const COLUMNS = `id, webhook_id AS "webhookRowId", params, state, total, done, cursor, error, created_by AS "createdBy",
  created_at AS "createdAt", updated_at AS "updatedAt"`;

/**
 * Starts a job, unless one of the same webhook is running: then that one is answered instead (its id
 * differs), decided under the webhook's lock, so two requests on two instances never both start one.
 */
export async function createJobPg(pool: pg.Pool, job: Parameters<typeof createJob>[1]): Promise<RecoveryJob> {
  const { webhookRowId, ...params } = job.selection;
  const id = await inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [JOB_LOCKS.start, webhookRowId]);
    const running = await client.query<{ id: string }>(
      `SELECT id FROM support_jobs WHERE webhook_id = $1 AND state = 'running' LIMIT 1`,
      [webhookRowId],
    );
    if (running.rows[0] !== undefined) return running.rows[0].id;
    await client.query(
      `INSERT INTO support_jobs (id, webhook_id, params, state, total, done, created_by, created_at, updated_at)
       VALUES ($1, $2, $3, 'running', $4, 0, $5, $6, $6)`,
      [job.id, webhookRowId, JSON.stringify(params), job.total, job.createdBy, job.now],
    );
    return job.id;
  });
  return (await getJobPg(pool, id)) as RecoveryJob;
}

export async function getJobPg(pool: pg.ClientBase | pg.Pool, id: string): Promise<RecoveryJob | null> {
  const found = await pool.query<JobRow>(`SELECT ${COLUMNS} FROM support_jobs WHERE id = $1`, [id]);
  return found.rows[0] === undefined ? null : fromRow(found.rows[0]);
}

/** A webhook's jobs, newest first, at most `limit`. */
export async function jobsOfPg(pool: pg.Pool, webhookRowId: number, limit: number): Promise<RecoveryJob[]> {
  const found = await pool.query<JobRow>(
    `SELECT ${COLUMNS} FROM support_jobs WHERE webhook_id = $1 ORDER BY created_at DESC, id LIMIT $2`,
    [webhookRowId, limit],
  );
  return found.rows.map(fromRow);
}

/** Jobs running (on some instance, or on none since it stopped). */
export async function runningJobsPg(pool: pg.Pool): Promise<RecoveryJob[]> {
  const found = await pool.query<JobRow>(
    `SELECT ${COLUMNS} FROM support_jobs WHERE state = 'running' ORDER BY created_at`,
  );
  return found.rows.map(fromRow);
}

/** Ends a running job (cancelled, failed or done), from any instance; false when it was no longer running. */
export async function endJobPg(
  pool: pg.ClientBase | pg.Pool,
  id: string,
  state: Exclude<JobState, 'running'>,
  error: string | null,
  now: number,
): Promise<boolean> {
  const ended = await pool.query(
    `UPDATE support_jobs SET state = $1, error = $2, updated_at = $3 WHERE id = $4 AND state = 'running'`,
    [state, error, now, id],
  );
  return ended.rowCount === 1;
}

/** A job's batches, run on one session that holds the job's lock. */
export interface PgJobRun {
  /** Null: the job no longer runs (ended), or no longer here (the session holding it was lost). */
  batch(limit: number, now: number): Promise<number | null>;
  release(): Promise<void>;
}

/**
 * Takes the right to run a job: a session advisory lock held on a connection of its own for as long as
 * the job runs here. One instance holds it at a time; when that instance stops, or dies (its connection
 * closes), the lock goes and another instance's resume takes the job over from its stored cursor. The
 * batches run on that same connection, so an instance that lost it cannot write one more batch.
 */
export async function takeJobPg(pool: pg.Pool, instanceId: string, id: string): Promise<PgJobRun | null> {
  const client = await pool.connect();
  let released = false;
  const release = async (locked: boolean) => {
    if (released) return;
    released = true;
    try {
      if (locked) await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [JOB_LOCKS.run, id]);
      client.release();
    } catch (error) {
      // A connection that failed is closed rather than handed back (its lock went with it).
      client.release(error instanceof Error ? error : true);
    }
  };
  try {
    const taken = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok', [
      JOB_LOCKS.run,
      id,
    ]);
    if (taken.rows[0]?.ok !== true) {
      await release(false);
      return null;
    }
  } catch (error) {
    client.release(error instanceof Error ? error : true);
    throw error;
  }
  return {
    async batch(limit, now) {
      try {
        return await runJobBatchPg(client, instanceId, id, limit, now);
      } catch (error) {
        if (!isConnectionError(error)) throw error;
        // The connection, and the lock with it, is gone: the job stays running for whoever takes it next
        // (this instance's next look included), from the cursor of the last committed batch.
        released = true;
        client.release(error instanceof Error ? error : true);
        return null;
      }
    },
    release: () => release(true),
  };
}

/**
 * One batch of a running job, in one transaction (as store/support/jobs.ts runJobBatch on SQLite): the
 * next deliveries of its selection past the cursor re-queued, the job's cursor and count moved past them,
 * and the other instances woken at commit. Null when the job is no longer running (cancelled from any
 * instance: the job row is locked first, so a cancel waits for the batch or comes before it), or its
 * webhook was deleted (then the job fails here).
 */
async function runJobBatchPg(
  client: pg.ClientBase,
  instanceId: string,
  id: string,
  limit: number,
  now: number,
): Promise<number | null> {
  await client.query('BEGIN');
  try {
    const locked = await client.query<JobRow & { deleted: boolean | null }>(
      `SELECT ${COLUMNS}, (SELECT w.deleted_at IS NOT NULL FROM webhooks w WHERE w.id = j.webhook_id) AS deleted
         FROM support_jobs j WHERE id = $1 FOR UPDATE`,
      [id],
    );
    const row = locked.rows[0];
    let result: number | null;
    if (row === undefined || row.state !== 'running') result = null;
    else if (row.deleted !== false) {
      await endJobPg(client, id, 'failed', 'the webhook was deleted', now);
      result = null;
    } else result = await requeueNext(client, instanceId, fromRow(row), limit, now);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

async function requeueNext(
  client: pg.ClientBase,
  instanceId: string,
  job: RecoveryJob,
  limit: number,
  now: number,
): Promise<number> {
  const s = job.selection;
  const after = job.cursor ?? { at: Number.MIN_SAFE_INTEGER, id: 0 };
  // Oldest first (by creation, then row), one ordered range of the state index per state, merged.
  const next = await client.query<{ id: number; createdAt: number }>(
    `SELECT x.id, x.created_at AS "createdAt" FROM unnest($2::text[]) AS st(state) CROSS JOIN LATERAL (
       SELECT id, created_at FROM deliveries
        WHERE webhook_id = $1 AND state = st.state AND created_at >= $3 AND created_at < $4
          AND created_at >= $5 AND (created_at > $5 OR id > $6)
        ORDER BY created_at, id LIMIT $7) x
      ORDER BY x.created_at, x.id LIMIT $7`,
    [s.webhookRowId, [...s.states], s.since, s.until, after.at, after.id, limit],
  );
  if (next.rows.length === 0) return 0;
  const requeued = await client.query(REQUEUE_PG, [next.rows.map((r) => r.id), now, [...s.states]]);
  const changed = requeued.rowCount ?? 0;
  const last = next.rows[next.rows.length - 1] as { id: number; createdAt: number };
  await client.query(
    `UPDATE support_jobs SET done = done + $1, total = greatest(total, done + $1), cursor = $2, updated_at = $3
      WHERE id = $4`,
    [changed, JSON.stringify([last.createdAt, last.id]), now, job.id],
  );
  if (changed > 0) await announceDue(client, instanceId, s.webhookRowId);
  return next.rows.length;
}

/**
 * A webhook's deliveries due, being attempted or held, counted up to `cap` (store/support/requeue.ts
 * busyUpTo): every instance's, since they all claim from the same rows.
 */
export async function busyUpToPg(pool: pg.Pool, webhookRowId: number, cap: number): Promise<number> {
  const counted = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT 1 FROM deliveries
      WHERE webhook_id = $1 AND state IN ('pending', 'retrying', 'in_flight', 'paused') LIMIT $2) b`,
    [webhookRowId, cap],
  );
  return counted.rows[0]?.n ?? 0;
}

/** How many deliveries a recovery would re-queue now: one index range per state. */
export async function countRecoverablePg(pool: pg.Pool, s: RecoverySelection): Promise<number> {
  const counted = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM deliveries
      WHERE webhook_id = $1 AND state = ANY($2::text[]) AND created_at >= $3 AND created_at < $4`,
    [s.webhookRowId, [...s.states], s.since, s.until],
  );
  return counted.rows[0]?.n ?? 0;
}
