import type BetterSqlite3 from 'better-sqlite3';
import type { JobState } from '../schema/support-jobs.js';
import type { Keyset } from './cursor.js';
import { nextRecoverable, REQUEUE, type RecoverySelection } from './requeue.js';

export interface RecoveryJob {
  id: string;
  webhookRowId: number;
  selection: RecoverySelection;
  state: JobState;
  total: number;
  done: number;
  cursor: Keyset | null;
  error: string | null;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
}

export interface JobRow {
  id: string;
  webhookRowId: number;
  params: string;
  state: JobState;
  total: number;
  done: number;
  cursor: string | null;
  error: string | null;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
}

const COLUMNS = `id, webhook_id AS webhookRowId, params, state, total, done, cursor, error, created_by AS createdBy,
  created_at AS createdAt, updated_at AS updatedAt`;

export function fromRow(r: JobRow): RecoveryJob {
  const p = JSON.parse(r.params) as Omit<RecoverySelection, 'webhookRowId'>;
  const c = r.cursor === null ? null : (JSON.parse(r.cursor) as [number, number]);
  return {
    id: r.id,
    webhookRowId: r.webhookRowId,
    selection: { ...p, webhookRowId: r.webhookRowId },
    state: r.state,
    total: r.total,
    done: r.done,
    cursor: c === null ? null : { at: c[0], id: c[1] },
    error: r.error,
    createdBy: r.createdBy,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

/**
 * Starts a job, unless one of the same webhook is running: then that one is answered instead (its id
 * differs from the one asked for), in the same transaction as the check, so two requests at once (a
 * double click) never both run and re-send everything twice.
 */
export function createJob(
  sqlite: BetterSqlite3.Database,
  job: { id: string; selection: RecoverySelection; total: number; createdBy: string; now: number },
): RecoveryJob {
  const { webhookRowId, ...params } = job.selection;
  const create = sqlite.transaction(() => {
    const running = sqlite
      .prepare(`SELECT id FROM support_jobs WHERE webhook_id = ? AND state = 'running' LIMIT 1`)
      .pluck()
      .get(webhookRowId) as string | undefined;
    if (running !== undefined) return running;
    sqlite
      .prepare(
        `INSERT INTO support_jobs (id, webhook_id, params, state, total, done, created_by, created_at, updated_at)
         VALUES (?, ?, ?, 'running', ?, 0, ?, ?, ?)`,
      )
      .run(job.id, webhookRowId, JSON.stringify(params), job.total, job.createdBy, job.now, job.now);
    return job.id;
  });
  return getJob(sqlite, create.immediate()) as RecoveryJob;
}

export function getJob(sqlite: BetterSqlite3.Database, id: string): RecoveryJob | null {
  const row = sqlite.prepare(`SELECT ${COLUMNS} FROM support_jobs WHERE id = ?`).get(id) as
    | JobRow
    | undefined;
  return row === undefined ? null : fromRow(row);
}

/** A webhook's jobs, newest first, at most `limit`: how support finds a job whose JobId it lost. */
export function jobsOf(sqlite: BetterSqlite3.Database, webhookRowId: number, limit: number): RecoveryJob[] {
  return (
    sqlite
      .prepare(
        `SELECT ${COLUMNS} FROM support_jobs WHERE webhook_id = ? ORDER BY created_at DESC, id LIMIT ?`,
      )
      .all(webhookRowId, limit) as JobRow[]
  ).map(fromRow);
}

/** Jobs left running by the last process (resumed at start). */
export function runningJobs(sqlite: BetterSqlite3.Database): RecoveryJob[] {
  return (
    sqlite
      .prepare(`SELECT ${COLUMNS} FROM support_jobs WHERE state = 'running' ORDER BY created_at`)
      .all() as JobRow[]
  ).map(fromRow);
}

/** Ends a running job (cancelled, failed or done); false when it was no longer running. */
export function endJob(
  sqlite: BetterSqlite3.Database,
  id: string,
  state: Exclude<JobState, 'running'>,
  error: string | null,
  now: number,
): boolean {
  return (
    sqlite
      .prepare(
        `UPDATE support_jobs SET state = ?, error = ?, updated_at = ? WHERE id = ? AND state = 'running'`,
      )
      .run(state, error, now, id).changes === 1
  );
}

/**
 * One batch of a running job, in one transaction: the next deliveries of its selection are re-queued and
 * the job's cursor and count move past them, so a crash leaves both or neither. Returns how many were
 * re-queued (0: the selection is exhausted), or null when the job is no longer running (cancelled, or
 * failed here because its webhook was deleted: the check is in the batch's transaction, so a delete
 * committed meanwhile wins).
 * Total is the count when the job started; a delivery that entered the selection since (one of it that
 * failed again, past the cursor) is re-queued too, and raises it, so Done never passes Total.
 */
export function runJobBatch(
  sqlite: BetterSqlite3.Database,
  id: string,
  limit: number,
  now: number,
): number | null {
  const step = sqlite.transaction(() => {
    const job = getJob(sqlite, id);
    if (job === null || job.state !== 'running') return null;
    const deleted = sqlite
      .prepare('SELECT deleted_at IS NOT NULL FROM webhooks WHERE id = ?')
      .pluck()
      .get(job.webhookRowId);
    if (deleted !== 0) {
      endJob(sqlite, id, 'failed', 'the webhook was deleted', now);
      return null;
    }
    const rows = nextRecoverable(sqlite, job.selection, job.cursor, limit);
    if (rows.length === 0) return 0;
    const requeue = sqlite.prepare(REQUEUE);
    let changed = 0;
    for (const r of rows) changed += requeue.run({ id: r.id, due: now }).changes;
    const last = rows[rows.length - 1] as { id: number; createdAt: number };
    sqlite
      .prepare(
        `UPDATE support_jobs SET done = done + @changed, total = max(total, done + @changed), cursor = @cursor,
                updated_at = @now WHERE id = @id`,
      )
      .run({ changed, cursor: JSON.stringify([last.createdAt, last.id]), now, id });
    return rows.length;
  });
  return step.immediate();
}
