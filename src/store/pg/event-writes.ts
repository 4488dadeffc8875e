import type pg from 'pg';
import type { EventRecord, HandOffs, StoredEvent } from '../event-writer.js';
import { CHANNELS, HELD_STATE_OF } from './sql.js';

/** Who writes: the instance (its leases name it) and how long a lease on a handed-off delivery lasts. */
export interface Writer {
  instanceId: string;
  leaseMs: number;
}

/**
 * Records a batch of events with their deliveries in the caller's transaction: one statement for the
 * events, one for the deliveries. The unique index on events.id decides what is a duplicate, whichever
 * instance stored it first: an Id already there inserts nothing. Deliveries left waiting are announced
 * (NOTIFY, sent at commit) to every instance.
 */
export async function writeEvents(
  client: pg.PoolClient,
  writer: Writer,
  records: readonly EventRecord[],
  handOffs: HandOffs,
  now: number,
): Promise<StoredEvent[]> {
  const column = <T>(pick: (r: EventRecord) => T) => records.map(pick);
  const inserted = await client.query<{ seq: number; id: string }>(
    `INSERT INTO events (id, organization_id, event_type, entity_id, occurred_at, expires_at, payload, accepted_at, match_count)
     SELECT id, org, type, entity, occurred, expires, payload, $8, matched
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[], $9::int[])
            AS r(id, org, type, entity, occurred, expires, payload, matched)
     ON CONFLICT (id) DO NOTHING RETURNING seq, id`,
    [
      column((r) => r.id),
      column((r) => r.organizationId),
      column((r) => r.eventType),
      column((r) => r.entityId),
      column((r) => r.occurredAt),
      column((r) => r.expiresAt),
      column((r) => r.payload),
      now,
      column((r) => r.webhookIds.length),
    ],
  );
  const seqOf = new Map(inserted.rows.map((row) => [row.id, row.seq]));
  // The first record of an Id new to the store is the one stored; any later one in the batch is a duplicate.
  const fresh = records.map((r) => {
    const seq = seqOf.get(r.id);
    if (seq === undefined) return undefined;
    seqOf.delete(r.id);
    return seq;
  });
  const matchOf = await matchCounts(client, records, fresh);

  const rows = { seq: [] as number[], webhook: [] as number[], handedOff: [] as boolean[] };
  records.forEach((r, i) => {
    const seq = fresh[i];
    if (seq === undefined) return;
    r.webhookIds.forEach((webhookId, j) => {
      rows.seq.push(seq);
      rows.webhook.push(webhookId);
      rows.handedOff.push(handOffs[i]?.[j] === true);
    });
  });
  const idOf = new Map<string, number[]>();
  if (rows.seq.length > 0) {
    const held = HELD_STATE_OF('r.webhook');
    const created = await client.query<{ id: number; event_seq: number; webhook_id: number }>(
      `INSERT INTO deliveries (event_seq, webhook_id, state, attempt_count, next_attempt_at, created_at, finished_at, lease_owner, lease_expires_at)
       SELECT r.seq, r.webhook, CASE WHEN r.handed THEN 'in_flight' ELSE coalesce(${held}, 'pending') END,
              0, $4, $4, CASE WHEN NOT r.handed AND ${held} = 'cancelled' THEN $4::bigint END,
              CASE WHEN r.handed THEN $5 END, CASE WHEN r.handed THEN $6::bigint END
         FROM unnest($1::bigint[], $2::int[], $3::bool[]) AS r(seq, webhook, handed)
       RETURNING id, event_seq, webhook_id`,
      [rows.seq, rows.webhook, rows.handedOff, now, writer.instanceId, now + writer.leaseMs],
    );
    for (const row of created.rows.sort((a, b) => a.id - b.id)) {
      const key = `${row.event_seq} ${row.webhook_id}`;
      idOf.set(key, [...(idOf.get(key) ?? []), row.id]);
    }
    const waiting = [...new Set(rows.webhook.filter((_, k) => !rows.handedOff[k]))];
    if (waiting.length > 0)
      await client.query('SELECT pg_notify($1, $2)', [
        CHANNELS.deliveries,
        `${writer.instanceId} ${waiting.join(',')}`,
      ]);
  }

  return records.map((r, i): StoredEvent => {
    const seq = fresh[i];
    if (seq === undefined)
      return { id: r.id, matched: matchOf.get(r.id) ?? 0, duplicate: true, deliveryIds: [] };
    const deliveryIds = r.webhookIds.map((webhookId) => idOf.get(`${seq} ${webhookId}`)?.shift() as number);
    return { id: r.id, matched: r.webhookIds.length, duplicate: false, deliveryIds };
  });
}

/** The match count each duplicate's Id was first accepted with. */
async function matchCounts(
  client: pg.PoolClient,
  records: readonly EventRecord[],
  fresh: readonly (number | undefined)[],
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  records.forEach((r, i) => {
    if (fresh[i] !== undefined) counts.set(r.id, r.webhookIds.length);
  });
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
