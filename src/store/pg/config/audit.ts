import type { AuditQuery, AuditRecord } from '../../config/audit.js';
import type { Queryable } from './apply.js';

interface AuditRow {
  seq: string;
  at: string;
  actor: string;
  organization_id: string | null;
  resource: string;
  resource_id: string | null;
  action: AuditRecord['action'];
  before: unknown;
  after: unknown;
}

/** Audit entries newest first, one page (limit + 1 read to tell whether another page follows). */
export async function readAuditPg(
  client: Queryable,
  q: AuditQuery,
): Promise<{ records: AuditRecord[]; more: boolean }> {
  const where: string[] = [];
  const values: unknown[] = [];
  const add = (condition: (at: string) => string, value: unknown) => {
    values.push(value);
    where.push(condition(`$${values.length}`));
  };
  if (q.organizations !== null) add((p) => `organization_id = ANY(${p}::text[])`, [...q.organizations]);
  if (q.organizationId !== undefined) add((p) => `organization_id = ${p}`, q.organizationId);
  if (q.resource !== undefined) add((p) => `resource = ${p}`, q.resource);
  if (q.from !== undefined) add((p) => `at >= ${p}`, q.from);
  if (q.to !== undefined) add((p) => `at < ${p}`, q.to);
  if (q.beforeSeq !== undefined) add((p) => `seq < ${p}`, q.beforeSeq);
  values.push(q.limit + 1);
  const rows = await client.query<AuditRow>(
    `SELECT seq, at, actor, organization_id, resource, resource_id, action, before, after FROM audit_log
      ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`} ORDER BY seq DESC LIMIT $${values.length}`,
    values,
  );
  const records = rows.rows.slice(0, q.limit).map(
    (row): AuditRecord => ({
      seq: Number(row.seq),
      at: Number(row.at),
      actor: row.actor,
      organizationId: row.organization_id,
      resource: row.resource,
      resourceId: row.resource_id,
      action: row.action,
      before: row.before,
      after: row.after,
    }),
  );
  return { records, more: rows.rows.length > q.limit };
}

/** What still refers to an organization: webhook rows (deleted ones keep their deliveries' history) and groups. */
export async function organizationHoldingsPg(
  client: Queryable,
  organizationId: string,
): Promise<{ webhookRows: number; groups: number }> {
  const row = await client.query<{ webhook_rows: number; groups: number }>(
    `SELECT (SELECT count(*)::int FROM webhooks WHERE organization_id = $1) AS webhook_rows,
            (SELECT count(*)::int FROM security_groups WHERE organization_id = $1) AS groups`,
    [organizationId],
  );
  const { webhook_rows = 0, groups = 0 } = row.rows[0] ?? {};
  return { webhookRows: webhook_rows, groups };
}
