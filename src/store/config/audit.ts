import { and, desc, eq, gte, inArray, isNotNull, lt, type SQL } from 'drizzle-orm';
import type { GatewayDatabase } from '../database.js';
import { auditLog } from '../schema/index.js';

/** The audit's actor for a producer's group PUT (producer tokens have no Name). */
export const PRODUCER_ACTOR = 'producer';

/** One audited change of one resource; before and after are its redacted views (null: none). */
export interface AuditEntry {
  actor: string;
  organizationId: string | null;
  resource: string;
  resourceId: string | null;
  action: 'create' | 'update' | 'delete';
  before: unknown;
  after: unknown;
}

export interface AuditRecord extends AuditEntry {
  seq: number;
  at: number;
}

/** Writes audit entries; call inside the transaction of the change they describe. */
export function writeAudit(
  g: Pick<GatewayDatabase, 'sqlite'>,
  entries: readonly AuditEntry[],
  at: number,
): void {
  if (entries.length === 0) return;
  // One prepared statement for every row: a document's first apply may audit 100,000 subscriptions.
  const insert = g.sqlite.prepare(
    `INSERT INTO audit_log (at, actor, organization_id, resource, resource_id, action, before, after)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const text = (value: unknown) => (value === null ? null : JSON.stringify(value));
  for (const e of entries)
    insert.run(
      at,
      e.actor,
      e.organizationId,
      e.resource,
      e.resourceId,
      e.action,
      text(e.before),
      text(e.after),
    );
}

export interface AuditQuery {
  /** Only entries of these organizations (a scoped token); null: every entry. */
  organizations: readonly string[] | null;
  organizationId?: string;
  resource?: string;
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive (as every To of the API). */
  to?: number;
  /** Entries older than this seq (the previous page's last). */
  beforeSeq?: number;
  limit: number;
}

/** Audit entries newest first, one page (limit + 1 read to tell whether another page follows). */
export function readAudit(g: GatewayDatabase, q: AuditQuery): { records: AuditRecord[]; more: boolean } {
  const where: (SQL | undefined)[] = [];
  if (q.organizations !== null)
    where.push(
      isNotNull(auditLog.organizationId),
      inArray(auditLog.organizationId, q.organizations.length === 0 ? [''] : [...q.organizations]),
    );
  if (q.organizationId !== undefined) where.push(eq(auditLog.organizationId, q.organizationId));
  if (q.resource !== undefined) where.push(eq(auditLog.resource, q.resource));
  if (q.from !== undefined) where.push(gte(auditLog.at, q.from));
  if (q.to !== undefined) where.push(lt(auditLog.at, q.to));
  if (q.beforeSeq !== undefined) where.push(lt(auditLog.seq, q.beforeSeq));
  const rows = g.db
    .select()
    .from(auditLog)
    .where(and(...where))
    .orderBy(desc(auditLog.seq))
    .limit(q.limit + 1)
    .all();
  const records = rows.slice(0, q.limit).map(
    (row): AuditRecord => ({
      seq: row.seq,
      at: row.at,
      actor: row.actor,
      organizationId: row.organizationId,
      resource: row.resource,
      resourceId: row.resourceId,
      action: row.action as AuditEntry['action'],
      before: row.before === null ? null : (JSON.parse(row.before) as unknown),
      after: row.after === null ? null : (JSON.parse(row.after) as unknown),
    }),
  );
  return { records, more: rows.length > q.limit };
}

/** What still refers to an organization: webhook rows (deleted ones keep their deliveries' history) and groups. */
export function organizationHoldings(
  g: GatewayDatabase,
  organizationId: string,
): { webhookRows: number; groups: number } {
  const count = (table: string) =>
    g.sqlite
      .prepare(`SELECT COUNT(*) FROM ${table} WHERE organization_id = ?`)
      .pluck()
      .get(organizationId) as number;
  return { webhookRows: count('webhooks'), groups: count('security_groups') };
}
