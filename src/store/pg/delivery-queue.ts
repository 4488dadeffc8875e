import type pg from 'pg';
import type {
  ClaimedDelivery,
  ClaimResult,
  Outcome,
  RecordResult,
  ReleasedDelivery,
} from '../delivery-store.js';
import {
  CLAIM_STEPS,
  CLAIMED_PER_PLACE,
  connectPrepared,
  execute,
  forgetPrepared,
  integer,
  STATE_STEP,
  TAKE_STEP,
  WAITING_AGAIN,
} from './prepared.js';
import { CHANNELS, dueAnnouncement, HELD_STATE_OF, LOCKS } from './sql.js';

/** What the queue needs to know of the instance it runs in. */
export interface QueueSettings {
  instanceId: string;
  leaseMs: number;
  /** Gateway.Delivery.MaxInFlightPerEndpoint: deliveries of one webhook in flight across all instances. */
  maxInFlightPerEndpoint: number;
}

/**
 * When a claim found due deliveries but the webhook's limit across instances had no room, the lane asks
 * again this much later (by then some instance has recorded outcomes).
 */
export const FULL_RETRY_MS = 25;

/**
 * How long the row of an instance that wants places and got none lives, renewed by each of its retries
 * (every FULL_RETRY_MS): long enough to outlast a loaded machine's pauses, short enough that an instance
 * that stopped wanting soon stops halving the others' share. (Rows with places live as long as a lease,
 * renewed with the leases.)
 */
const WANT_MARK_MS = 20 * FULL_RETRY_MS;

/** A row the claim took, before it is shaped for the engine. */
interface ClaimedRow extends ClaimedDelivery {
  nextAttemptAt: number;
}

const held = HELD_STATE_OF('d.webhook_id');

/**
 * The engine's side of the PostgreSQL store. A claim takes due deliveries with FOR UPDATE SKIP LOCKED and
 * writes a lease (this instance, an expiry) in one short transaction before any HTTP call: no row lock
 * or transaction is held across an attempt. Outcomes and releases only touch deliveries this instance
 * still holds the lease of, so an instance that lost a lease (it stalled past the expiry and another took
 * the delivery over) cannot overwrite the other's work.
 */
export class DeliveryQueue {
  /** The webhook of every delivery this queue claimed and has not yet recorded or released. */
  private readonly claimed = new Map<number, number>();
  /** How many of those each webhook has. */
  private readonly heldCount = new Map<number, number>();

  /** This instance's places (its share of the webhook's limit) as its last claim of the webhook left them. */
  private readonly places = new Map<number, number>();
  /** The fair share its last claim saw (the limit over the instances that want the webhook). */
  private readonly fair = new Map<number, number>();
  /** Each webhook's breaker opening as this instance last knew it (webhook_breakers). */
  private readonly breakers = new Map<number, { opens: number; until: number }>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly settings: QueueSettings,
    /** Attempts this instance has open to the webhook now (its delivery engine's count). */
    private readonly openOf: (webhookId: number) => number = () => 0,
  ) {}

  /** The webhook's breaker opening this instance knows of, from its own breaker or its last claim. */
  breakerOf(webhookId: number): { opens: number; until: number } | null {
    return this.breakers.get(webhookId) ?? null;
  }

  /** This instance's breaker of the webhook opened: the others hold off until `until` too. */
  async breakerOpened(webhookId: number, opens: number, until: number): Promise<void> {
    const known = this.breakers.get(webhookId);
    if (known === undefined || known.until < until) this.breakers.set(webhookId, { opens, until });
    await this.pool.query(
      `INSERT INTO webhook_breakers (webhook_id, opens, until) VALUES ($1, $2, $3)
       ON CONFLICT (webhook_id) DO UPDATE SET opens = greatest(webhook_breakers.opens, excluded.opens),
         until = greatest(webhook_breakers.until, excluded.until)`,
      [webhookId, opens, until],
    );
  }

  /** A success closed this instance's breaker of the webhook: the shared opening goes. */
  async breakerClosed(webhookId: number): Promise<void> {
    this.breakers.delete(webhookId);
    await this.pool.query('DELETE FROM webhook_breakers WHERE webhook_id = $1', [webhookId]);
  }

  /**
   * Places are held while deliveries are: those of the webhooks this instance now holds none of go back
   * (after outcomes written without a claim, and after a release: a lane parked by its breaker, or one
   * whose webhook was paused, does not sit on places another instance could use).
   */
  private async dropIdlePlaces(
    client: pg.PoolClient | pg.Pool,
    webhookIds: readonly number[],
  ): Promise<void> {
    const idle = webhookIds.filter((id) => !this.holdsAny(id));
    if (idle.length === 0) return;
    for (const id of idle) this.places.delete(id);
    await client.query(
      `DELETE FROM webhook_places p WHERE p.instance = $1 AND p.webhook_id = ANY($2::bigint[])
          AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.webhook_id = p.webhook_id
                           AND d.state = 'in_flight' AND d.lease_owner = $1)`,
      [this.settings.instanceId, idle],
    );
  }

  private hold(deliveryId: number, webhookId: number): void {
    if (this.claimed.has(deliveryId)) return;
    this.claimed.set(deliveryId, webhookId);
    this.heldCount.set(webhookId, (this.heldCount.get(webhookId) ?? 0) + 1);
  }

  private unhold(deliveryId: number): void {
    const webhookId = this.claimed.get(deliveryId);
    if (webhookId === undefined) return;
    this.claimed.delete(deliveryId);
    const left = (this.heldCount.get(webhookId) ?? 1) - 1;
    if (left > 0) this.heldCount.set(webhookId, left);
    else this.heldCount.delete(webhookId);
  }

  /**
   * Whether this instance holds at least half of what its places let it hold of the webhook: a claim
   * then would mostly find nothing (what it may take is taken back by its outcomes' claims), so it is
   * not worth a round trip. Every held delivery ends in an outcome or a release, which claims again.
   */
  holdsEnough(webhookId: number): boolean {
    const limit = this.holdLimitOf(webhookId);
    return limit > 0 && 2 * (this.heldCount.get(webhookId) ?? 0) >= limit;
  }

  /**
   * The most deliveries of the webhook this instance may hold claimed: CLAIMED_PER_PLACE per place it
   * has (see placesOf). A claim never takes more; when its share shrinks, its lane hands back the excess.
   */
  holdLimitOf(webhookId: number): number {
    return CLAIMED_PER_PLACE * this.placesOf(webhookId);
  }

  private holdsAny(webhookId: number): boolean {
    return (this.heldCount.get(webhookId) ?? 0) > 0;
  }

  /**
   * The attempts this instance may have open to the webhook: its share of MaxInFlightPerEndpoint, as its
   * last claim found it (none before any claim).
   */
  placesOf(webhookId: number): number {
    const places = this.places.get(webhookId) ?? 0;
    return Math.min(places, this.fair.get(webhookId) ?? places);
  }

  /**
   * Up to `limit` due deliveries of one webhook, oldest due first, within what this instance's places
   * let it hold (see claimStatements). Deliveries whose lease expired (their instance died) count as due.
   * Claims of one webhook are serialised by an advisory lock, so two instances never both take places
   * that only one of them may have.
   */
  async claim(webhookId: number, now: number, limit: number): Promise<ClaimResult> {
    // One round trip: the simple protocol runs the statements in order, each with a fresh snapshot, so the
    // places the others hold are read after the lock, when no other claim of this webhook can run.
    const results = await this.script(
      `BEGIN; ${lockStatement(webhookId)} ${this.claimStatements(webhookId, now, limit, 'held')} COMMIT;`,
    );
    const { full: _, ...claim } = this.claimResult(webhookId, results, 2, now, limit);
    return claim;
  }

  /**
   * The statements of one webhook's claim, to run after its advisory lock (CLAIM_STEPS, a result each): the
   * expired leases made waiting again; others' expired places dropped; this instance's places taken and
   * its due deliveries claimed, up to CLAIMED_PER_PLACE per place; its places given up when it holds and
   * awaits nothing; and what it then has (places, deliveries held) and when the next waiting one is due.
   *
   * Places: with n other instances wanting the webhook, a fair share is max / (n + 1) (one at least); an
   * instance takes its share of what the others leave. It never gives up a place it may still be using:
   * it keeps the attempts open when the claim was sent, or, if more, the places its lanes may fill until
   * the answer arrives (placesOf, which is already held to the fair share the last claim saw: so an
   * instance first stops using what it will give up, then gives it up). So the live rows' places never
   * add up to more than the limit, nor the attempts open across instances.
   */
  private claimStatements(webhookId: number, now: number, limit: number, locked: 'held' | 'try'): string {
    const { instanceId, leaseMs, maxInFlightPerEndpoint } = this.settings;
    const key = [webhookId, now, instanceId];
    const take = [
      ...key,
      maxInFlightPerEndpoint,
      now + leaseMs,
      now + WANT_MARK_MS,
      // Places it may still be using: its open attempts, or what its lanes may fill until the answer.
      Math.max(this.openOf(webhookId), this.placesOf(webhookId)),
      // With outcomes, the claim is made only if the webhook's lock is free at once: an outcome never
      // waits for another instance's claim (the lane, woken by the outcome, claims itself then).
      locked === 'try',
      Math.max(0, Math.min(limit, CLAIMED_PER_PLACE * maxInFlightPerEndpoint)),
    ];
    return CLAIM_STEPS.map((step) => execute(step, step === 'gw_take' ? take : key)).join('\n');
  }

  /**
   * The claim whose CLAIM_STEPS.length results start at `at` (see claimStatements); `full`: this instance may
   * claim no more of the webhook now (no place, or as many held as its places allow).
   */
  private claimResult(
    webhookId: number,
    results: pg.QueryResult[],
    at: number,
    now: number,
    limit: number,
  ): ClaimResult & { full: boolean } {
    const rows = (results[at + TAKE_STEP]?.rows ?? []) as ClaimedRow[];
    const after = results[at + STATE_STEP]?.rows[0] as {
      places: number;
      others: number;
      breakerOpens: number | null;
      breakerUntil: string | number | null;
      held: number;
      at: number | null;
    };
    const deliveries = rows
      .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.id - b.id)
      .map(({ nextAttemptAt: _, ...delivery }) => delivery);
    for (const d of deliveries) this.hold(d.id, d.webhookId);
    if (after.places > 0) this.places.set(webhookId, after.places);
    else this.places.delete(webhookId);
    this.fair.set(
      webhookId,
      Math.max(1, Math.floor(this.settings.maxInFlightPerEndpoint / (after.others + 1))),
    );
    const breakerUntil = after.breakerUntil === null ? null : Number(after.breakerUntil);
    if (breakerUntil === null) this.breakers.delete(webhookId);
    else this.breakers.set(webhookId, { opens: after.breakerOpens ?? 1, until: breakerUntil });
    const full = after.held >= this.holdLimitOf(webhookId);
    // The webhook's breaker is open (an instance found it failing): nothing is claimed before it reopens.
    if (breakerUntil !== null && breakerUntil > now && deliveries.length === 0 && after.at !== null)
      return { deliveries, nextDueAt: Math.max(breakerUntil, after.at), full };
    if (deliveries.length >= limit) return { deliveries, nextDueAt: null, full };
    // Due now but no place, or no more may be held: ask again shortly, once outcomes free some.
    if (after.at !== null && after.at <= now && full)
      return { deliveries, nextDueAt: now + FULL_RETRY_MS, full };
    return { deliveries, nextDueAt: after.at, full };
  }

  /**
   * Records outcomes and, in the same transaction and round trip, claims the next due deliveries of
   * their webhooks (up to `limit` each, within the room the limit across instances leaves), so a place an
   * attempt frees is taken again without a claim of its own. A webhook's claim is made only if its
   * advisory lock is free (pg_try_advisory_xact_lock): outcomes never wait for another instance's claim,
   * and no two scripts wait on each other. If the script fails, the outcomes are recorded as record()
   * does, and nothing is claimed.
   */
  async recordAndClaim(
    outcomes: readonly Outcome[],
    keepAttempts: number,
    limit: number,
  ): Promise<RecordResult & { webhookIds: number[]; claims: Map<number, ClaimResult & { full: boolean }> }> {
    const claims = new Map<number, ClaimResult & { full: boolean }>();
    if (outcomes.length === 0) return { failed: [], webhookIds: [], claims };
    const webhooks = [...new Set(outcomes.flatMap((o) => this.claimed.get(o.deliveryId) ?? []))].sort(
      (a, b) => a - b,
    );
    for (const o of outcomes) this.unhold(o.deliveryId);
    const now = Date.now();
    const trim = outcomeTrim(outcomes, keepAttempts);
    const statements = [
      'BEGIN;',
      outcomeStatement(outcomes, now, this.settings.instanceId),
      ...(trim === null ? [] : [trim]),
      ...webhooks.map((w) => this.claimStatements(w, now, limit, 'try')),
      'COMMIT;',
    ];
    let results: pg.QueryResult[];
    try {
      results = await this.script(statements.join('\n'));
    } catch {
      const recorded = await this.record(outcomes, keepAttempts);
      return { ...recorded, claims };
    }
    const updated = 1;
    const webhookIds = (results[updated]?.rows ?? []).map((r: { webhook_id: number }) => r.webhook_id);
    let at = updated + 1 + (trim === null ? 0 : 1);
    for (const w of webhooks) {
      claims.set(w, this.claimResult(w, results, at, now, limit));
      at += CLAIM_STEPS.length;
    }
    return { failed: [], webhookIds, claims };
  }

  private async withClient<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await connectPrepared(this.pool);
    try {
      return await work(client);
    } catch (error) {
      forgetPrepared(client, error);
      throw error;
    } finally {
      client.release();
    }
  }

  /** Runs several statements in one round trip; a failure rolls back before the connection is reused. */
  private async script(text: string): Promise<pg.QueryResult[]> {
    const client = await connectPrepared(this.pool);
    try {
      return (await client.query(text)) as unknown as pg.QueryResult[];
    } catch (error) {
      forgetPrepared(client, error);
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * Writes the outcomes and their attempts in one transaction; if that fails, one by one, so a row that
   * cannot be written fails alone.
   */
  async record(
    outcomes: readonly Outcome[],
    keepAttempts: number,
  ): Promise<RecordResult & { webhookIds: number[] }> {
    if (outcomes.length === 0) return { failed: [], webhookIds: [] };
    for (const o of outcomes) this.unhold(o.deliveryId);
    try {
      const webhookIds = await this.withClient((client) =>
        this.writeOutcomes(client, outcomes, keepAttempts),
      );
      return { failed: [], webhookIds };
    } catch {
      const failed: RecordResult['failed'] = [];
      for (const o of outcomes) {
        try {
          await this.withClient((client) => this.writeOutcomes(client, [o], keepAttempts));
        } catch (error) {
          failed.push({
            deliveryId: o.deliveryId,
            message: error instanceof Error ? error.message : String(error),
            retryable: isConnectionError(error),
          });
        }
      }
      return { failed, webhookIds: [] };
    }
  }

  /** One statement (atomic by itself): the deliveries' new states and their attempts; then the trim. */
  private async writeOutcomes(
    client: pg.PoolClient,
    outcomes: readonly Outcome[],
    keepAttempts: number,
  ): Promise<number[]> {
    const updated = await client.query<{ webhook_id: number }>(
      outcomeStatement(outcomes, Date.now(), this.settings.instanceId),
    );
    const trim = outcomeTrim(outcomes, keepAttempts);
    if (trim !== null) await client.query(trim);
    const webhookIds = updated.rows.map((r) => r.webhook_id);
    await this.dropIdlePlaces(client, webhookIds);
    return webhookIds;
  }

  /** Hands claimed deliveries back unattempted, to the state they had (or held, or cancelled). */
  async release(deliveries: readonly ReleasedDelivery[]): Promise<void> {
    if (deliveries.length === 0) return;
    const webhooksOf = [...new Set(deliveries.flatMap((d) => this.claimed.get(d.id) ?? []))];
    for (const d of deliveries) this.unhold(d.id);
    // Deliveries due again are announced, so another instance with places sends them now, not at its
    // next poll (NOTIFY is sent at commit; this instance's listener skips its own).
    await this.pool.query(
      `WITH released AS (
         UPDATE deliveries d SET state = coalesce(${held}, r.previous),
                finished_at = CASE WHEN ${held} = 'cancelled' THEN $3 ELSE d.finished_at END,
                requeued_from = CASE WHEN ${held} = 'cancelled' THEN NULL ELSE d.requeued_from END,
                lease_owner = NULL, lease_expires_at = NULL
           FROM unnest($1::bigint[], $2::text[]) AS r(id, previous)
          WHERE d.id = r.id AND d.state = 'in_flight' AND d.lease_owner = $4
         RETURNING d.state)
       SELECT pg_notify($5, $6) FROM (SELECT 1 FROM released WHERE state IN ('pending', 'retrying') LIMIT 1) AS due`,
      [
        deliveries.map((d) => d.id),
        deliveries.map((d) => d.previousState),
        Date.now(),
        this.settings.instanceId,
        CHANNELS.deliveries,
        dueAnnouncement(this.settings.instanceId, webhooksOf),
      ],
    );
    await this.dropIdlePlaces(this.pool, webhooksOf);
  }

  /**
   * At start: deliveries this instance (a previous run under the same InstanceId) left in flight, and any
   * whose lease expired, are due again at once. Other instances' live leases are left alone.
   */
  async recoverInFlight(): Promise<number> {
    const now = Date.now();
    await this.releasePlaces();
    const result = await this.pool.query(
      `UPDATE deliveries d SET state = ${WAITING_AGAIN},
              finished_at = CASE WHEN ${held} = 'cancelled' THEN $1 ELSE d.finished_at END,
              lease_owner = NULL, lease_expires_at = NULL
        WHERE d.state = 'in_flight' AND (d.lease_owner = $2 OR d.lease_expires_at <= $1)`,
      [now, this.settings.instanceId],
    );
    return result.rowCount ?? 0;
  }

  /** Expires up to `limit` paused deliveries whose event's TTL passed; how many. */
  async expirePaused(now: number, limit: number): Promise<number> {
    const result = await this.pool.query(
      `UPDATE deliveries SET state = 'expired', last_error_class = 'expired', finished_at = $1
        WHERE id IN (SELECT d.id FROM deliveries d JOIN events e ON e.seq = d.event_seq
                      WHERE d.state = 'paused' AND e.expires_at IS NOT NULL AND e.expires_at <= $1
                      LIMIT $2)`,
      [now, limit],
    );
    return result.rowCount ?? 0;
  }

  /** Extends every lease this instance holds, and its places: its attempts are still open. */
  async renewLeases(now: number): Promise<number> {
    const until = now + this.settings.leaseMs;
    await this.pool.query('UPDATE webhook_places SET until = $1 WHERE instance = $2 AND places > 0', [
      until,
      this.settings.instanceId,
    ]);
    const result = await this.pool.query(
      `UPDATE deliveries SET lease_expires_at = $1 WHERE state = 'in_flight' AND lease_owner = $2`,
      [until, this.settings.instanceId],
    );
    return result.rowCount ?? 0;
  }

  /** Gives up every place this instance holds (it stops, or starts again under the same InstanceId). */
  async releasePlaces(): Promise<void> {
    this.places.clear();
    this.fair.clear();
    await this.pool.query('DELETE FROM webhook_places WHERE instance = $1', [this.settings.instanceId]);
  }

  /** Webhooks with deliveries whose lease expired: their instance died, and they wait to be taken over. */
  async expiredLeases(now: number): Promise<number[]> {
    const result = await this.pool.query<{ webhook_id: number }>(
      `SELECT DISTINCT webhook_id FROM deliveries WHERE state = 'in_flight' AND lease_expires_at <= $1`,
      [now],
    );
    return result.rows.map((r) => r.webhook_id);
  }
}

/** Errors of the connection or the server's state (not of a row): the write may succeed later. */
export function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return error instanceof Error;
  // Class 08 (connection), 53 (insufficient resources), 57 (operator intervention), 40 (rollback), and
  // the socket's own codes.
  return /^(08|53|57|40|58)/.test(code) || /^E[A-Z]+$/.test(code);
}

const lockStatement = (webhookId: number) =>
  `SELECT pg_advisory_xact_lock(${LOCKS.claim}, ${integer(webhookId)});`;

/** The EXECUTE writing outcomes and their attempts (gw_outcomes in prepared.ts). */
function outcomeStatement(outcomes: readonly Outcome[], now: number, owner: string): string {
  const attempts = outcomes.flatMap((o) => (o.attempt === null ? [] : [o.attempt]));
  return execute('gw_outcomes', [
    outcomes.map((o) => o.deliveryId),
    outcomes.map((o) => o.state),
    outcomes.map((o) => o.attemptCount),
    outcomes.map((o) => o.nextAttemptAt),
    outcomes.map((o) => o.attempt?.startedAt ?? null),
    outcomes.map((o) => o.attempt?.statusCode ?? null),
    outcomes.map((o) => o.attempt?.errorClass ?? (o.state === 'expired' ? 'expired' : null)),
    outcomes.map((o) => o.attempt?.errorMessage ?? null),
    outcomes.map((o) => o.finishedAt),
    now,
    owner,
    attempts.map((x) => x.deliveryId),
    attempts.map((x) => x.attemptNo),
    attempts.map((x) => x.startedAt),
    attempts.map((x) => Math.round(x.durationMs)),
    attempts.map((x) => x.statusCode),
    attempts.map((x) => x.errorClass),
    attempts.map((x) => x.errorMessage),
    attempts.map((x) => x.responseSnippet),
  ]);
}

/**
 * Keeps the newest AttemptsPerDelivery attempts of the deliveries just attempted (gw_trim); null when
 * none has more.
 */
function outcomeTrim(outcomes: readonly Outcome[], keepAttempts: number): string | null {
  const over = outcomes.flatMap((o) =>
    o.attempt !== null && o.attempt.attemptNo > keepAttempts ? [o.attempt] : [],
  );
  if (over.length === 0) return null;
  return execute('gw_trim', [over.map((x) => x.deliveryId), over.map((x) => x.attemptNo - keepAttempts)]);
}
