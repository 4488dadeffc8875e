import type pg from 'pg';
import type { Planned } from '../../config/apply-changes.js';
import type { AuditEntry } from '../../config/audit.js';
import type { ReadStateOptions } from '../../config/read-state.js';
import type { Change, StoredOrgState } from '../../config/state.js';
import { indexStates } from '../../config/write-changes.js';
import { CHANNELS, inTransaction, LOCKS } from '../sql.js';
import { readStatePg } from './read-state.js';
import { writeChangesPg } from './write-changes.js';

export type Queryable = Pick<pg.PoolClient, 'query'>;

/** Takes the next configuration revision; call inside the change's transaction. */
export async function nextRevisionPg(client: Queryable): Promise<number> {
  const row = await client.query<{ value: number }>(
    `INSERT INTO store_marks (name, value) VALUES ('config_revision', 1)
     ON CONFLICT (name) DO UPDATE SET value = store_marks.value + 1 RETURNING value`,
  );
  return row.rows[0]?.value as number;
}

/** The last configuration revision committed (0 before any). */
export async function currentRevisionPg(client: Queryable): Promise<number> {
  const row = await client.query<{ value: number }>(
    `SELECT value FROM store_marks WHERE name = 'config_revision'`,
  );
  return row.rows[0]?.value ?? 0;
}

/** Tells every instance that the configuration changed (sent when the transaction commits). */
export async function announceRevision(client: Queryable, revision: number): Promise<void> {
  await client.query('SELECT pg_notify($1, $2)', [CHANNELS.config, String(revision)]);
}

/**
 * Runs `work` in one transaction that holds the configuration lock: configuration changes of every
 * instance are serialised by it, so a plan cannot go stale before it is written (what SQLite's IMMEDIATE
 * transaction does). A dry run takes no lock.
 */
export function inConfigTransaction<T>(
  pool: pg.Pool,
  dryRun: boolean,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  return inTransaction(pool, async (client) => {
    if (!dryRun) await client.query('SELECT pg_advisory_xact_lock($1)', [LOCKS.config]);
    return work(client);
  });
}

/**
 * Inside a configuration transaction: reads the stored configuration of these organizations, lets
 * `plan` work out the changes and writes them, with their audit entries, under the next revision
 * (announced to every instance at commit). A dry run only plans.
 */
export async function planAndWritePg(
  client: Queryable,
  organizationIds: readonly string[] | undefined,
  read: ReadStateOptions,
  plan: (current: StoredOrgState[], client: Queryable) => Promise<Planned>,
  dryRun: boolean,
): Promise<Change[]> {
  const current = await readStatePg(client, organizationIds, read);
  const { changes, desired, audit = [] } = await plan(current, client);
  if (!dryRun && changes.length > 0) {
    const at = Date.now();
    const revision = await nextRevisionPg(client);
    await writeChangesPg(client, changes, indexStates(current), indexStates(desired), at, revision);
    await writeAuditPg(client, audit, at);
    await announceRevision(client, revision);
  }
  return changes;
}

/** planAndWritePg in a transaction of its own: all or nothing. */
export function applyPlannedPg(
  pool: pg.Pool,
  organizationIds: readonly string[],
  read: ReadStateOptions,
  plan: (current: StoredOrgState[], client: Queryable) => Promise<Planned>,
  dryRun: boolean,
): Promise<Change[]> {
  return inConfigTransaction(pool, dryRun, (client) =>
    planAndWritePg(client, organizationIds, read, plan, dryRun),
  );
}

/** Writes audit entries in one statement; call inside the transaction of the change they describe. */
export async function writeAuditPg(
  client: Queryable,
  entries: readonly AuditEntry[],
  at: number,
): Promise<void> {
  if (entries.length === 0) return;
  const col = (pick: (e: AuditEntry) => unknown) => entries.map(pick);
  const json = (value: unknown) => (value === null ? null : JSON.stringify(value));
  await client.query(
    `INSERT INTO audit_log (at, actor, organization_id, resource, resource_id, action, before, after)
     SELECT $1::bigint, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::jsonb[])`,
    [
      at,
      col((e) => e.actor),
      col((e) => e.organizationId),
      col((e) => e.resource),
      col((e) => e.resourceId),
      col((e) => e.action),
      col((e) => json(e.before)),
      col((e) => json(e.after)),
    ],
  );
}

/** The organization each of these WebhookIds belongs to (deleted webhooks included), for those that exist. */
export async function webhookOrganizationsPg(
  client: Queryable,
  webhookIds: readonly string[],
): Promise<{ webhookId: string; organizationId: string }[]> {
  const rows = await client.query<{ webhookId: string; organizationId: string }>(
    'SELECT webhook_id AS "webhookId", organization_id AS "organizationId" FROM webhooks WHERE webhook_id = ANY($1::text[])',
    [webhookIds],
  );
  return rows.rows;
}
