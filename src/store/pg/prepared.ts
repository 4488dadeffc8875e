import type pg from 'pg';
import { HELD_STATE_OF, LOCKS } from './sql.js';

/**
 * The delivery queue's statements, prepared once on each connection and run with EXECUTE. A claim or an
 * outcome batch is several statements in one round trip (the simple protocol, each statement with a
 * fresh snapshot), and the simple protocol takes no parameters: without PREPARE, the server would parse
 * and plan every statement of every claim again, which costs it as much as running them.
 */

/**
 * Deliveries an instance may hold claimed per place it has, counted as the store counts them (in flight
 * until their outcome is recorded, so the attempts finished since the last outcome batch count too):
 * enough that a claim (or an outcome write) takes a batch for many attempts, and that a lane does not
 * run dry between two outcome batches (their records are what refill it), few enough that an instance
 * does not sit on the webhook's backlog while another has places and nothing to send. What a lane holds
 * in memory is bounded apart, by what it asks for at once.
 */
export const CLAIMED_PER_PLACE = 16;

const held = HELD_STATE_OF('d.webhook_id');
/** A delivery whose attempt may or may not have reached the receiver is due again, as pending or retrying. */
export const WAITING_AGAIN = `coalesce(${held}, CASE WHEN d.attempt_count = 0 THEN 'pending' ELSE 'retrying' END)`;

const MINE = `webhook_id = $1 AND state = 'in_flight' AND lease_owner = $3`;

/**
 * One webhook's claim, after its advisory lock (CLAIM_STEPS, in this order). Parameters: $1 webhook,
 * $2 now, $3 this instance; gw_take's further: $4 MaxInFlightPerEndpoint, $5 lease expiry, $6 the expiry
 * of a row that only wants places, $7 the places this instance keeps whatever the share (those it may
 * still be using), $8 whether to take the webhook's lock only if it is free, $9 the most rows to lock.
 * See DeliveryQueue.claimStatements for what the places are.
 */
const CLAIM = {
  // Deliveries whose lease expired (their instance died) are first made waiting again, so the claim
  // itself is one ordered read of the waiting rows' index, however many wait.
  gw_expire: {
    types: 'bigint, bigint, text',
    text: `UPDATE deliveries d SET state = ${WAITING_AGAIN}, lease_owner = NULL, lease_expires_at = NULL
            WHERE d.webhook_id = $1 AND d.state = 'in_flight' AND d.lease_expires_at <= $2`,
  },
  gw_drop_expired_places: {
    types: 'bigint, bigint, text',
    text: 'DELETE FROM webhook_places WHERE webhook_id = $1 AND until <= $2 AND instance <> $3',
  },
  gw_take: {
    types: 'bigint, bigint, text, int, bigint, bigint, int, boolean, int',
    text: `WITH others AS (SELECT coalesce(sum(places), 0) AS placed, greatest($4 / (count(*) + 1), 1) AS fair
                             FROM webhook_places WHERE webhook_id = $1 AND instance <> $3),
                share AS (
                  INSERT INTO webhook_places (webhook_id, instance, places, until)
                  SELECT $1, $3, p, CASE WHEN p > 0 THEN $5 ELSE $6 END
                    FROM (SELECT greatest($7, least(fair, $4 - placed)) AS p
                            FROM others
                           WHERE CASE WHEN $8 THEN pg_try_advisory_xact_lock(${LOCKS.claim}, $1::int) ELSE true END) AS mine
                  ON CONFLICT (webhook_id, instance) DO UPDATE SET places = excluded.places, until = excluded.until
                  RETURNING places),
                held AS (SELECT count(*) AS n FROM deliveries WHERE ${MINE}),
                locked AS (
                  SELECT d.id, d.state AS previous, d.next_attempt_at
                    FROM deliveries d
                   WHERE d.webhook_id = $1 AND d.state IN ('pending', 'retrying') AND d.next_attempt_at <= $2
                     AND EXISTS (SELECT 1 FROM share)
                     AND NOT EXISTS (SELECT 1 FROM webhook_breakers b WHERE b.webhook_id = $1 AND b.until > $2)
                   ORDER BY d.next_attempt_at
                   LIMIT $9
                   FOR UPDATE SKIP LOCKED),
                taken AS (
                  SELECT id, previous FROM locked ORDER BY next_attempt_at
                   LIMIT greatest(0, ${CLAIMED_PER_PLACE} * least(coalesce((SELECT places FROM share), 0),
                                                                   (SELECT fair FROM others))
                                     - (SELECT n FROM held)))
           UPDATE deliveries d SET state = 'in_flight', lease_owner = $3, lease_expires_at = $5
             FROM taken, events e
            WHERE d.id = taken.id AND e.seq = d.event_seq
           RETURNING d.id, d.webhook_id AS "webhookId", taken.previous AS "previousState",
                     d.attempt_count AS "attemptCount", e.event_type AS "eventType",
                     -- Support re-queued it for one more attempt past its TTL on purpose (store/delivery-store.ts).
                     CASE WHEN d.requeued_from IS NOT NULL THEN NULL ELSE e.expires_at END AS "expiresAt",
                     e.payload, d.next_attempt_at AS "nextAttemptAt"`,
  },
  gw_give_up_places: {
    types: 'bigint, bigint, text',
    text: `DELETE FROM webhook_places WHERE webhook_id = $1 AND instance = $3
              AND NOT EXISTS (SELECT 1 FROM deliveries WHERE ${MINE})
              AND NOT EXISTS (SELECT 1 FROM deliveries WHERE webhook_id = $1 AND state IN ('pending', 'retrying')
                                                          AND next_attempt_at <= $2)`,
  },
  gw_claim_state: {
    types: 'bigint, bigint, text',
    text: `SELECT coalesce((SELECT places FROM webhook_places WHERE webhook_id = $1 AND instance = $3), 0) AS places,
                  (SELECT count(*) FROM webhook_places
                    WHERE webhook_id = $1 AND instance <> $3 AND until > $2)::int AS others,
                  (SELECT opens FROM webhook_breakers WHERE webhook_id = $1) AS "breakerOpens",
                  (SELECT until FROM webhook_breakers WHERE webhook_id = $1) AS "breakerUntil",
                  (SELECT count(*) FROM deliveries WHERE ${MINE})::int AS held,
                  -- Ordered and limited, not min(): with the statistics of a fast-growing table stale, the
                  -- planner may aggregate over every waiting row instead of reading the index's first.
                  (SELECT next_attempt_at FROM deliveries WHERE webhook_id = $1 AND state IN ('pending', 'retrying')
                    ORDER BY next_attempt_at LIMIT 1) AS at`,
  },
} as const;

/** The claim's statements in the order they run; each answers one result. */
export const CLAIM_STEPS = [
  'gw_expire',
  'gw_drop_expired_places',
  'gw_take',
  'gw_give_up_places',
  'gw_claim_state',
] as const satisfies readonly (keyof typeof CLAIM)[];

/** Where gw_take's claimed rows are among a claim's results. */
export const TAKE_STEP = CLAIM_STEPS.indexOf('gw_take');
/** Where gw_claim_state's row is among a claim's results. */
export const STATE_STEP = CLAIM_STEPS.indexOf('gw_claim_state');

/**
 * Outcomes: the deliveries' new states and their attempts, answering the webhooks whose rows were updated
 * (parameters: the outcomes' columns $1-$9, $10 now, $11 this instance, the attempts' columns $12-$19).
 * A retry asked for after the webhook was paused or deleted is held or cancelled instead; a delivery
 * support re-queued (requeued_from set) had its one more attempt, and a failure ends it discarded. Only
 * rows this instance still holds the lease of are updated, while the attempt is kept whatever became of
 * the lease (it is part of the delivery's history) if the delivery is still there.
 */
const OUTCOMES = {
  gw_outcomes: {
    types:
      'bigint[], text[], int[], bigint[], bigint[], int[], text[], text[], bigint[], bigint, text, ' +
      'bigint[], int[], bigint[], int[], int[], text[], text[], text[]',
    text: `WITH o AS (
             SELECT * FROM unnest($1, $2, $3, $4, $5, $6, $7, $8, $9)
                    AS o(id, state, attempts, next_at, started_at, status, error_class, error, finished_at)),
           updated AS (
             UPDATE deliveries d
                SET state = CASE WHEN o.state <> 'retrying' THEN o.state WHEN d.requeued_from IS NOT NULL THEN 'discarded'
                                 ELSE coalesce(${held}, 'retrying') END,
                    attempt_count = o.attempts, next_attempt_at = coalesce(o.next_at, d.next_attempt_at),
                    last_attempt_at = coalesce(o.started_at, d.last_attempt_at), last_status = o.status,
                    last_error_class = o.error_class, last_error = o.error,
                    finished_at = CASE WHEN o.state = 'retrying' AND (d.requeued_from IS NOT NULL OR ${held} = 'cancelled')
                                       THEN $10 ELSE o.finished_at END,
                    requeued_from = NULL, lease_owner = NULL, lease_expires_at = NULL
               FROM o
              WHERE d.id = o.id AND d.state = 'in_flight' AND d.lease_owner = $11
             RETURNING d.webhook_id),
           inserted AS (
             INSERT INTO attempts (delivery_id, attempt_no, started_at, duration_ms, status_code, error_class,
                                   error_message, response_snippet)
             SELECT * FROM unnest($12, $13, $14, $15, $16, $17, $18, $19)
                      AS a(delivery_id, attempt_no, started_at, duration_ms, status_code, error_class,
                           error_message, response_snippet)
              -- What a foreign key would check, without locking the row (schema/events.ts).
              WHERE EXISTS (SELECT 1 FROM deliveries x WHERE x.id = a.delivery_id))
           SELECT DISTINCT webhook_id FROM updated`,
  },
  // Keeps the newest AttemptsPerDelivery attempts of the deliveries just attempted ($1 their ids, $2 the
  // highest attempt number to delete of each): a clean-up, rows a failed trim leaves are trimmed by the
  // delivery's next attempt.
  gw_trim: {
    types: 'bigint[], int[]',
    text: `DELETE FROM attempts t USING unnest($1, $2) AS o(id, below)
            WHERE t.delivery_id = o.id AND t.attempt_no <= o.below`,
  },
} as const;

const ALL = { ...CLAIM, ...OUTCOMES };
export type Prepared = keyof typeof ALL;

/** Every PREPARE, as one script: run once on each connection before its first EXECUTE. */
export const PREPARE_ALL = Object.entries(ALL)
  .map(([name, s]) => `PREPARE ${name} (${s.types}) AS ${s.text};`)
  .join('\n');

/** SQLSTATE 26000: the session has no prepared statement of that name (it must prepare them again). */
export const NOT_PREPARED = '26000';

/** A value inlined into an EXECUTE: numbers must be integers, strings become literals. */
export type Literal = number | string | boolean | null | readonly (string | number | null)[];

/** Each statement's parameter types, as its PREPARE declares them. */
const PARAMETER_TYPES = Object.fromEntries(
  Object.entries(ALL).map(([name, s]) => [name, s.types.split(',').map((t) => t.trim())]),
) as Record<Prepared, string[]>;

/**
 * `EXECUTE name(args)`, with every argument inlined as a literal (the simple protocol takes no
 * parameters), arrays cast to the type the PREPARE declares for them (an empty ARRAY[] has none of its
 * own). Strings are quoted for standard_conforming_strings on, which the queue's connections set.
 */
export function execute(name: Prepared, args: readonly Literal[]): string {
  const types = PARAMETER_TYPES[name];
  if (args.length !== types.length)
    throw new Error(`internal: ${name} takes ${types.length} arguments, not ${args.length}`);
  const scalar = (value: string | number | boolean | null): string => {
    if (value === null) return 'NULL';
    if (typeof value === 'boolean') return value ? 'true' : 'false';
    if (typeof value === 'number') return String(integer(value));
    return quote(value);
  };
  const literal = (value: Literal, i: number): string =>
    Array.isArray(value)
      ? `ARRAY[${value.map(scalar).join(',')}]::${types[i]}`
      : scalar(value as string | number | boolean | null);
  return `EXECUTE ${name}(${args.map(literal).join(', ')});`;
}

/** A number inlined into SQL: an integer, or the statement is refused before it is sent. */
export function integer(value: number): number {
  if (!Number.isSafeInteger(value)) throw new Error(`internal: ${value} is not an integer`);
  return value;
}

/** A string inlined into SQL as a literal. */
function quote(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** The connections the statements are prepared on (a session's statements are the session's, not a queue's). */
const ready = new WeakSet<pg.PoolClient>();

/** A connection of the pool, with the queue's statements prepared on it (the first time it is used). */
export async function connectPrepared(pool: pg.Pool): Promise<pg.PoolClient> {
  const client = await pool.connect();
  if (ready.has(client)) return client;
  try {
    await client.query(PREPARE_ALL);
  } catch (error) {
    client.release(error instanceof Error ? error : true);
    throw error;
  }
  ready.add(client);
  return client;
}

/** After a failure naming a missing statement (the session was reset), the next use prepares again. */
export function forgetPrepared(client: pg.PoolClient, error: unknown): void {
  if ((error as { code?: unknown } | null)?.code === NOT_PREPARED) ready.delete(client);
}
