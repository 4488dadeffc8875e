import type BetterSqlite3 from 'better-sqlite3';
import { type Keyset, type Page, toPage } from './cursor.js';

export interface EventFilter {
  organizationId: string;
  eventType?: string | undefined;
  entityId?: string | undefined;
  /** Accepted at or after (ms). */
  from?: number | undefined;
  /** Accepted before (ms). */
  to?: number | undefined;
  after?: Keyset | null | undefined;
  limit: number;
}

export interface EventSummary {
  seq: number;
  id: string;
  organizationId: string;
  eventType: string;
  entityId: string;
  occurredAt: string;
  acceptedAt: number;
  expiresAt: number | null;
  matchCount: number;
  /** Its deliveries by state, e.g. { delivered: 2, retrying: 1 }. */
  deliveryStates: Record<string, number>;
}

const COLUMNS = `seq, id, organization_id AS organizationId, event_type AS eventType, entity_id AS entityId,
  occurred_at AS occurredAt, accepted_at AS acceptedAt, expires_at AS expiresAt, match_count AS matchCount`;

/**
 * An organization's events, newest first, narrowed by type, entity and acceptance time. A type or an
 * entity reads its events_org_*_accepted index in order (an entity's when both are given: an entity has
 * few events of all types). Without either, the page is merged from the newest of each type the
 * organization has (the type index, one short range per type, read from the index alone), so that
 * query needs no index of its own on the write path.
 */
export function listEvents(sqlite: BetterSqlite3.Database, f: EventFilter): Page<EventSummary> {
  const where = ['organization_id = @organizationId'];
  if (f.eventType !== undefined) where.push('event_type = @eventType');
  if (f.entityId !== undefined) where.push('entity_id = @entityId');
  if (f.from !== undefined) where.push('accepted_at >= @from');
  if (f.to !== undefined) where.push('accepted_at < @to');
  if (f.after) where.push('(accepted_at < @afterAt OR (accepted_at = @afterAt AND seq < @afterId))');
  const params = {
    organizationId: f.organizationId.toLowerCase(),
    eventType: f.eventType ?? null,
    entityId: f.entityId?.toLowerCase() ?? null,
    from: f.from ?? null,
    to: f.to ?? null,
    afterAt: f.after?.at ?? null,
    afterId: f.after?.id ?? null,
    limit: f.limit + 1,
  };
  const rows =
    f.entityId === undefined && f.eventType === undefined
      ? newestOfEveryType(sqlite, where, params)
      : (sqlite
          .prepare(
            `SELECT ${COLUMNS} FROM events INDEXED BY ${f.entityId !== undefined ? 'events_org_entity_accepted_idx' : 'events_org_type_accepted_idx'}
              WHERE ${where.join(' AND ')} ORDER BY accepted_at DESC, seq DESC LIMIT @limit`,
          )
          .all(params) as Omit<EventSummary, 'deliveryStates'>[]);
  const states = sqlite.prepare(
    'SELECT state, count(*) AS n FROM deliveries WHERE event_seq = ? GROUP BY state',
  );
  const page = toPage(rows, f.limit, (r) => ({ at: r.acceptedAt, id: r.seq }));
  return {
    nextCursor: page.nextCursor,
    items: page.items.map((r) => ({
      ...r,
      deliveryStates: Object.fromEntries(
        (states.all(r.seq) as { state: string; n: number }[]).map((s) => [s.state, s.n]),
      ),
    })),
  };
}

/** The organization's event types, one index seek each (a skip scan of the type index). */
const TYPES_OF = `WITH RECURSIVE t(type) AS (
    SELECT min(event_type) FROM events INDEXED BY events_org_type_accepted_idx WHERE organization_id = @organizationId
    UNION ALL
    SELECT (SELECT min(event_type) FROM events INDEXED BY events_org_type_accepted_idx
             WHERE organization_id = @organizationId AND event_type > t.type)
      FROM t WHERE t.type IS NOT NULL)
  SELECT type FROM t WHERE type IS NOT NULL`;

/** The newest `limit` events of the filter over all types: each type's newest keys, merged, then their rows. */
function newestOfEveryType(
  sqlite: BetterSqlite3.Database,
  where: string[],
  params: Record<string, unknown> & { limit: number },
): Omit<EventSummary, 'deliveryStates'>[] {
  const types = sqlite.prepare(TYPES_OF).pluck().all(params) as string[];
  const keysOf = sqlite.prepare(
    `SELECT accepted_at AS at, seq FROM events INDEXED BY events_org_type_accepted_idx
      WHERE ${[...where, 'event_type = @eventType'].join(' AND ')} ORDER BY accepted_at DESC, seq DESC LIMIT @limit`,
  );
  const keys: { at: number; seq: number }[] = [];
  for (const type of types) keys.push(...(keysOf.all({ ...params, eventType: type }) as typeof keys));
  keys.sort((a, b) => b.at - a.at || b.seq - a.seq);
  const row = sqlite.prepare(`SELECT ${COLUMNS} FROM events WHERE seq = ?`);
  return keys.slice(0, params.limit).map((k) => row.get(k.seq) as Omit<EventSummary, 'deliveryStates'>);
}

/** Whether an event of this Id is stored (a POST of it would be acknowledged as a duplicate, sending nothing). */
export function eventIdKnown(sqlite: BetterSqlite3.Database, id: string): boolean {
  return sqlite.prepare('SELECT 1 FROM events WHERE id = ?').get(id.toLowerCase()) !== undefined;
}
