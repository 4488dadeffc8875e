import type BetterSqlite3 from 'better-sqlite3';
import { ENTITY_INDEX_MARK } from '../entity-index.js';
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

const columns = (e: string) => `${e}.seq AS seq, ${e}.id AS id, ${e}.organization_id AS organizationId,
  ${e}.event_type AS eventType, ${e}.entity_id AS entityId, ${e}.occurred_at AS occurredAt,
  ${e}.accepted_at AS acceptedAt, ${e}.expires_at AS expiresAt, ${e}.match_count AS matchCount`;

type EventRow = Omit<EventSummary, 'deliveryStates'>;

/** The filter's conditions on a table (or alias) with events' organization, time and seq columns. */
function conditions(f: EventFilter, t: string, withType: boolean): string[] {
  const where = [`${t}.organization_id = @organizationId`];
  if (withType && f.eventType !== undefined) where.push(`${t}.event_type = @eventType`);
  if (f.entityId !== undefined) where.push(`${t}.entity_id = @entityId`);
  if (f.from !== undefined) where.push(`${t}.accepted_at >= @from`);
  if (f.to !== undefined) where.push(`${t}.accepted_at < @to`);
  if (f.after)
    where.push(`(${t}.accepted_at < @afterAt OR (${t}.accepted_at = @afterAt AND ${t}.seq < @afterId))`);
  return where;
}

const NEWEST_FIRST = (t: string) => `ORDER BY ${t}.accepted_at DESC, ${t}.seq DESC LIMIT @limit`;
const newestFirst = (a: EventRow, b: EventRow) => b.acceptedAt - a.acceptedAt || b.seq - a.seq;

/**
 * An organization's events, newest first, narrowed by type, entity and acceptance time. A type reads its
 * events_org_type_accepted index in order; an entity reads event_entities (an entity has few events of
 * all types) and the events accepted since its mark. Without either, the page is merged from the newest
 * of each type the organization has (the type index, one short range per type, read from the index
 * alone), so that query needs no index of its own on the write path.
 */
export function listEvents(sqlite: BetterSqlite3.Database, f: EventFilter): Page<EventSummary> {
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
    f.entityId !== undefined
      ? ofEntity(sqlite, f, params)
      : f.eventType !== undefined
        ? (sqlite
            .prepare(
              `SELECT ${columns('e')} FROM events e INDEXED BY events_org_type_accepted_idx
                WHERE ${conditions(f, 'e', true).join(' AND ')} ${NEWEST_FIRST('e')}`,
            )
            .all(params) as EventRow[])
        : newestOfEveryType(sqlite, conditions(f, 'events', false), params);
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

/**
 * An entity's events: those up to the mark from event_entities, those after it (not indexed yet, a short
 * tail in seq order) from events, in one read transaction so the mark and both reads agree.
 */
function ofEntity(
  sqlite: BetterSqlite3.Database,
  f: EventFilter,
  params: Record<string, unknown> & { limit: number },
): EventRow[] {
  const read = sqlite.transaction(() => {
    const mark = (sqlite
      .prepare('SELECT value FROM store_marks WHERE name = ?')
      .pluck()
      .get(ENTITY_INDEX_MARK) ?? 0) as number;
    const indexed = sqlite
      .prepare(
        `SELECT ${columns('e')} FROM event_entities x JOIN events e ON e.seq = x.seq
          WHERE ${[...conditions({ ...f, eventType: undefined }, 'x', false), 'x.seq <= @mark', ...(f.eventType === undefined ? [] : ['e.event_type = @eventType'])].join(' AND ')}
          ${NEWEST_FIRST('x')}`,
      )
      .all({ ...params, mark }) as EventRow[];
    // NOT INDEXED: the tail is a rowid range (seq > mark), never a walk of the organization's type index.
    const tail = sqlite
      .prepare(
        `SELECT ${columns('e')} FROM events e NOT INDEXED
          WHERE e.seq > @mark AND ${conditions(f, 'e', true).join(' AND ')} ${NEWEST_FIRST('e')}`,
      )
      .all({ ...params, mark }) as EventRow[];
    return [...indexed, ...tail].sort(newestFirst).slice(0, params.limit);
  });
  return read();
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
): EventRow[] {
  const types = sqlite.prepare(TYPES_OF).pluck().all(params) as string[];
  const keysOf = sqlite.prepare(
    `SELECT accepted_at AS at, seq FROM events INDEXED BY events_org_type_accepted_idx
      WHERE ${[...where, 'event_type = @eventType'].join(' AND ')} ORDER BY accepted_at DESC, seq DESC LIMIT @limit`,
  );
  const keys: { at: number; seq: number }[] = [];
  for (const type of types) keys.push(...(keysOf.all({ ...params, eventType: type }) as typeof keys));
  keys.sort((a, b) => b.at - a.at || b.seq - a.seq);
  const row = sqlite.prepare(`SELECT ${columns('events')} FROM events WHERE seq = ?`);
  return keys.slice(0, params.limit).map((k) => row.get(k.seq) as EventRow);
}

/** Whether an event of this Id is stored (a POST of it would be acknowledged as a duplicate, sending nothing). */
export function eventIdKnown(sqlite: BetterSqlite3.Database, id: string): boolean {
  return sqlite.prepare('SELECT 1 FROM events WHERE id = ?').get(id.toLowerCase()) !== undefined;
}
