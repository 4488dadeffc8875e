import type pg from 'pg';
import type { EventRecord, HandOffs, StoredEvent } from '../event-writer.js';
import { CHANNELS, dueAnnouncement, HELD_STATE_OF } from './sql.js';

/** Who writes: the instance (its leases name it) and how long a lease on a handed-off delivery lasts. */
export interface Writer {
  instanceId: string;
  leaseMs: number;
}

type Queryable = Pick<pg.Pool, 'query'>;

const held = HELD_STATE_OF('x.webhook');

/**
 * Joins the batch's payloads into one text parameter, split by the server: a text[] parameter would have
 * every quote of every payload escaped by the driver, which costs the gateway more than the rest of
 * the statement's parameters together. Payloads are JSON, which never holds this control character raw;
 * a batch where one does (or one is empty) is sent as an array.
 */
const PAYLOAD_SEPARATOR = '\x1e';

/**
 * The batch's events, their deliveries and the announcement of those left waiting, as one statement:
 * one round trip, and atomic by itself (all of it is committed or none). The unique index on events.id
 * decides what is a duplicate, whichever instance stored it first: an Id already there inserts nothing,
 * so its deliveries find no event to join and are not created either. A delivery to a webhook that does
 * not exist gets no webhook_id, which refuses the whole statement (the check a foreign key would make,
 * without its row lock: schema/events.ts). NOTIFY is sent at commit.
 */
const write = (payloads: string) => `
  WITH ev AS (
    INSERT INTO events (id, organization_id, event_type, entity_id, occurred_at, expires_at, payload, accepted_at, match_count)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], ${payloads},
                         $8::bigint[], $9::int[])
    ON CONFLICT (id) DO NOTHING RETURNING seq, id),
  ins AS (
    INSERT INTO deliveries (event_seq, webhook_id, state, attempt_count, next_attempt_at, created_at, finished_at,
                            lease_owner, lease_expires_at)
    SELECT ev.seq, (SELECT w.id FROM webhooks w WHERE w.id = x.webhook), CASE WHEN x.handed THEN 'in_flight' ELSE coalesce(${held}, 'pending') END,
           0, $13, $13, CASE WHEN NOT x.handed AND ${held} = 'cancelled' THEN $13::bigint END,
           CASE WHEN x.handed THEN $14 END, CASE WHEN x.handed THEN $15::bigint END
      FROM unnest($10::text[], $11::int[], $12::bool[]) AS x(event_id, webhook, handed)
      JOIN ev ON ev.id = x.event_id
    RETURNING id, event_seq, webhook_id, state),
  announced AS (
    SELECT pg_notify($16, $17) FROM (SELECT 1 FROM ins WHERE state = 'pending' LIMIT 1) AS waiting)
  SELECT 'event' AS kind, seq AS a, id AS b, NULL::int AS c FROM ev
  UNION ALL SELECT 'delivery', id, event_seq::text, webhook_id FROM ins
  UNION ALL SELECT 'notify', 0, '', 0 FROM announced`;
const WRITE_JOINED = write('string_to_array($7::text, chr(30))');
const WRITE_ARRAY = write('$7::text[]');

/** Records a batch of events with their deliveries; see write. */
export async function writeEvents(
  client: Queryable,
  writer: Writer,
  records: readonly EventRecord[],
  handOffs: HandOffs,
  now: number,
): Promise<StoredEvent[]> {
  const column = <T>(pick: (r: EventRecord) => T) => records.map(pick);
  // Deliveries are sent for the first record of each Id only: a later one in the batch is a duplicate.
  const firstOf = new Map<string, number>();
  records.forEach((r, i) => {
    if (!firstOf.has(r.id)) firstOf.set(r.id, i);
  });
  const rows = { event: [] as string[], webhook: [] as number[], handed: [] as boolean[] };
  for (const i of firstOf.values()) {
    const r = records[i] as EventRecord;
    r.webhookIds.forEach((webhookId, j) => {
      rows.event.push(r.id);
      rows.webhook.push(webhookId);
      rows.handed.push(handOffs[i]?.[j] === true);
    });
  }
  const waiting = [...new Set(rows.webhook.filter((_, k) => !rows.handed[k]))];
  const payloads = column((r) => r.payload);
  // string_to_array makes no element of an empty text: a lone empty payload is sent as an array too.
  const joined = payloads.every((p) => p.length > 0 && !p.includes(PAYLOAD_SEPARATOR));
  const result = await client.query<{ kind: string; a: number; b: string; c: number | null }>(
    joined ? WRITE_JOINED : WRITE_ARRAY,
    [
      column((r) => r.id),
      column((r) => r.organizationId),
      column((r) => r.eventType),
      column((r) => r.entityId),
      column((r) => r.occurredAt),
      column((r) => r.expiresAt),
      joined ? payloads.join(PAYLOAD_SEPARATOR) : payloads,
      records.map(() => now),
      column((r) => r.webhookIds.length),
      rows.event,
      rows.webhook,
      rows.handed,
      now,
      writer.instanceId,
      now + writer.leaseMs,
      CHANNELS.deliveries,
      dueAnnouncement(writer.instanceId, waiting),
    ],
  );
  const seqOf = new Map<string, number>();
  const idsOf = new Map<string, number[]>();
  for (const row of result.rows) {
    if (row.kind === 'event') seqOf.set(row.b, row.a);
    if (row.kind !== 'delivery') continue;
    const key = `${row.b} ${row.c}`;
    idsOf.set(key, [...(idsOf.get(key) ?? []), row.a]);
  }
  for (const ids of idsOf.values()) ids.sort((x, y) => x - y);
  const matchOf = await matchCounts(client, records, seqOf);
  return records.map((r, i): StoredEvent => {
    const seq = seqOf.get(r.id);
    if (seq === undefined || firstOf.get(r.id) !== i)
      return { id: r.id, matched: matchOf.get(r.id) ?? 0, duplicate: true, deliveryIds: [] };
    const deliveryIds = r.webhookIds.map((webhookId) => idsOf.get(`${seq} ${webhookId}`)?.shift() as number);
    return { id: r.id, matched: r.webhookIds.length, duplicate: false, deliveryIds };
  });
}

/** The match count each duplicate's Id was first accepted with (a second read, only when there are any). */
async function matchCounts(
  client: Queryable,
  records: readonly EventRecord[],
  stored: ReadonlyMap<string, number>,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const r of records) if (stored.has(r.id) && !counts.has(r.id)) counts.set(r.id, r.webhookIds.length);
  const unknown = [...new Set(records.filter((r) => !counts.has(r.id)).map((r) => r.id))];
  if (unknown.length > 0) {
    const found = await client.query<{ id: string; match_count: number }>(
      'SELECT id, match_count FROM events WHERE id = ANY($1::text[])',
      [unknown],
    );
    for (const row of found.rows) counts.set(row.id, row.match_count);
  }
  return counts;
}
