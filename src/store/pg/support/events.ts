import type pg from 'pg';
import { type Page, toPage } from '../../support/cursor.js';
import type { EventFilter, EventSummary } from '../../support/events.js';

const COLUMNS = `seq, id, organization_id AS "organizationId", event_type AS "eventType", entity_id AS "entityId",
  occurred_at AS "occurredAt", accepted_at AS "acceptedAt", expires_at AS "expiresAt", match_count AS "matchCount"`;

type Row = Omit<EventSummary, 'deliveryStates'>;

/**
 * An organization's events, newest first, narrowed by type, entity and acceptance time (the PostgreSQL
 * twin of store/support/events.ts, on the same two indexes). A type or an entity reads its
 * events_org_*_accepted_idx range in order; without either, the newest of each of the organization's
 * types (found by a skip scan of the type index) are merged in the statement.
 */
export async function listEventsPg(pool: pg.Pool, f: EventFilter): Promise<Page<EventSummary>> {
  const values: unknown[] = [f.organizationId.toLowerCase()];
  const arg = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  const where = ['organization_id = $1'];
  if (f.entityId !== undefined) where.push(`entity_id = ${arg(f.entityId.toLowerCase())}`);
  if (f.from !== undefined) where.push(`accepted_at >= ${arg(f.from)}::bigint`);
  if (f.to !== undefined) where.push(`accepted_at < ${arg(f.to)}::bigint`);
  if (f.after) {
    // accepted_at <= is the index's range; the row id only breaks ties within one millisecond.
    const [at, id] = [arg(f.after.at), arg(f.after.id)];
    where.push(`accepted_at <= ${at}::bigint AND (accepted_at < ${at}::bigint OR seq < ${id}::bigint)`);
  }
  const limit = arg(f.limit + 1);
  const order = `ORDER BY accepted_at DESC, seq DESC LIMIT ${limit}`;
  let text: string;
  if (f.eventType !== undefined) {
    where.push(`event_type = ${arg(f.eventType)}`);
    text = `SELECT ${COLUMNS} FROM events WHERE ${where.join(' AND ')} ${order}`;
  } else if (f.entityId !== undefined) {
    text = `SELECT ${COLUMNS} FROM events WHERE ${where.join(' AND ')} ${order}`;
  } else {
    text = `WITH RECURSIVE t(type) AS (
        SELECT min(event_type) FROM events WHERE organization_id = $1
        UNION ALL
        SELECT (SELECT min(event_type) FROM events WHERE organization_id = $1 AND event_type > t.type)
          FROM t WHERE t.type IS NOT NULL)
      SELECT e.* FROM t CROSS JOIN LATERAL (
        SELECT ${COLUMNS} FROM events WHERE ${[...where, 'event_type = t.type'].join(' AND ')} ${order}) e
       WHERE t.type IS NOT NULL
       ORDER BY e."acceptedAt" DESC, e.seq DESC LIMIT ${limit}`;
  }
  const rows = (await pool.query<Row>(text, values)).rows;
  const page = toPage(rows, f.limit, (r) => ({ at: r.acceptedAt, id: r.seq }));
  const states = await pool.query<{ seq: number; state: string; n: number }>(
    `SELECT event_seq AS seq, state, count(*)::int AS n FROM deliveries
      WHERE event_seq = ANY($1::bigint[]) GROUP BY event_seq, state`,
    [page.items.map((r) => r.seq)],
  );
  return {
    nextCursor: page.nextCursor,
    items: page.items.map((r) => ({
      ...r,
      deliveryStates: Object.fromEntries(
        states.rows.filter((s) => s.seq === r.seq).map((s) => [s.state, s.n]),
      ),
    })),
  };
}

/** Whether an event of this Id is stored (a POST of it would be acknowledged as a duplicate). */
export async function eventIdKnownPg(pool: pg.Pool, id: string): Promise<boolean> {
  return (await pool.query('SELECT 1 FROM events WHERE id = $1', [id.toLowerCase()])).rowCount === 1;
}
