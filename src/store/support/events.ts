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
 * An organization's events, newest first, narrowed by type, entity and acceptance time. Each filter
 * combination reads one of the events_org_*_accepted indexes in order (an entity's index when both
 * type and entity are given: an entity has few events of all types).
 */
export function listEvents(sqlite: BetterSqlite3.Database, f: EventFilter): Page<EventSummary> {
  const where = ['organization_id = @organizationId'];
  if (f.eventType !== undefined) where.push('event_type = @eventType');
  if (f.entityId !== undefined) where.push('entity_id = @entityId');
  if (f.from !== undefined) where.push('accepted_at >= @from');
  if (f.to !== undefined) where.push('accepted_at < @to');
  if (f.after) where.push('(accepted_at < @afterAt OR (accepted_at = @afterAt AND seq < @afterId))');
  const index =
    f.entityId !== undefined
      ? 'events_org_entity_accepted_idx'
      : f.eventType !== undefined
        ? 'events_org_type_accepted_idx'
        : 'events_org_accepted_idx';
  const rows = sqlite
    .prepare(
      `SELECT ${COLUMNS} FROM events INDEXED BY ${index} WHERE ${where.join(' AND ')}
        ORDER BY accepted_at DESC, seq DESC LIMIT @limit`,
    )
    .all({
      organizationId: f.organizationId.toLowerCase(),
      eventType: f.eventType ?? null,
      entityId: f.entityId?.toLowerCase() ?? null,
      from: f.from ?? null,
      to: f.to ?? null,
      afterAt: f.after?.at ?? null,
      afterId: f.after?.id ?? null,
      limit: f.limit + 1,
    }) as Omit<EventSummary, 'deliveryStates'>[];
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
