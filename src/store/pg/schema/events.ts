import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  doublePrecision,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

/** Every accepted event; the unique index on id is what makes a duplicate a duplicate, across instances. */
export const events = pgTable(
  'events',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    id: text('id').notNull(),
    organizationId: text('organization_id').notNull(),
    eventType: text('event_type').notNull(),
    entityId: text('entity_id').notNull(),
    occurredAt: text('occurred_at').notNull(),
    expiresAt: bigint('expires_at', { mode: 'number' }),
    payload: text('payload').notNull(),
    acceptedAt: bigint('accepted_at', { mode: 'number' }).notNull(),
    matchCount: integer('match_count').notNull(),
  },
  (t) => [
    uniqueIndex('events_id_unique').on(t.id),
    // Support's event lists: an organization's events of one type, or of one entity, newest first.
    index('events_org_type_accepted_idx').on(t.organizationId, t.eventType, t.acceptedAt),
    index('events_org_entity_accepted_idx').on(t.organizationId, t.entityId, t.acceptedAt),
  ],
);

/**
 * One event owed to one webhook. A delivery in flight carries a lease: the instance attempting it
 * (lease_owner) and until when (lease_expires_at); an instance renews its leases while its attempts are
 * open, and a lease that expired (its instance died) lets any instance claim the delivery again.
 *
 * The queue's tables have no foreign keys: a key's check locks the row it names (a tuple lock written to
 * the WAL), once for every delivery and every attempt written, which on the publish path cost more than
 * any index. What they guarded holds by construction: a delivery is inserted by the statement that
 * inserts its event (event-writes.ts), webhooks are only ever soft-deleted (an organization keeping their
 * history is never deleted), an attempt is written only for a delivery that exists, and deleting events
 * deletes their deliveries and attempts (triggers, once per statement: drizzle-pg/0007_delete_cascades.sql).
 */
export const deliveries = pgTable(
  'deliveries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    eventSeq: bigint('event_seq', { mode: 'number' }).notNull(),
    /** webhooks.id (see above: no foreign key). */
    webhookId: integer('webhook_id').notNull(),
    state: text('state').notNull(),
    attemptCount: integer('attempt_count').notNull().default(0),
    nextAttemptAt: bigint('next_attempt_at', { mode: 'number' }).notNull(),
    lastAttemptAt: bigint('last_attempt_at', { mode: 'number' }),
    lastStatus: integer('last_status'),
    lastErrorClass: text('last_error_class'),
    lastError: text('last_error'),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    finishedAt: bigint('finished_at', { mode: 'number' }),
    leaseOwner: text('lease_owner'),
    leaseExpiresAt: bigint('lease_expires_at', { mode: 'number' }),
    /** The DeliveryId of the finished delivery a recovery or redeliver re-queued this from. */
    requeuedFrom: text('requeued_from'),
  },
  (t) => [
    index('deliveries_waiting_idx')
      .on(t.webhookId, t.nextAttemptAt)
      .where(sql`${t.state} IN ('pending', 'retrying')`),
    // Counting a webhook's open attempts (the limit across instances), renewing and taking over leases.
    index('deliveries_in_flight_idx').on(t.webhookId, t.leaseExpiresAt).where(sql`${t.state} = 'in_flight'`),
    index('deliveries_lease_owner_idx').on(t.leaseOwner).where(sql`${t.state} = 'in_flight'`),
    index('deliveries_event_seq_idx').on(t.eventSeq),
    index('deliveries_paused_idx').on(t.webhookId).where(sql`${t.state} = 'paused'`),
    // Support's delivery lists by state and time, and a webhook's health over its recent attempts. Only
    // attempted rows are in the second: the versions a delivery's insert and first claim write (every
    // update writes all indexes, its state being in their keys) are left out of it.
    index('deliveries_webhook_state_created_idx').on(t.webhookId, t.state, t.createdAt),
    index('deliveries_webhook_attempted_idx')
      .on(t.webhookId, t.lastAttemptAt)
      .where(sql`${t.lastAttemptAt} IS NOT NULL`),
  ],
);

/** One HTTP try of a delivery. */
export const attempts = pgTable(
  'attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** deliveries.id (no foreign key: see deliveries). */
    deliveryId: bigint('delivery_id', { mode: 'number' }).notNull(),
    attemptNo: integer('attempt_no').notNull(),
    startedAt: bigint('started_at', { mode: 'number' }).notNull(),
    durationMs: integer('duration_ms').notNull(),
    statusCode: integer('status_code'),
    errorClass: text('error_class'),
    errorMessage: text('error_message'),
    responseSnippet: text('response_snippet'),
  },
  (t) => [index('attempts_delivery_id_idx').on(t.deliveryId)],
);

/** What is left of a pruned event, for `trace`. */
export const prunedEvents = pgTable(
  'pruned_events',
  {
    id: text('id').primaryKey(),
    acceptedAt: bigint('accepted_at', { mode: 'number' }).notNull(),
    prunedAt: bigint('pruned_at', { mode: 'number' }).notNull(),
    retentionDays: doublePrecision('retention_days').notNull(),
    forgetAt: bigint('forget_at', { mode: 'number' }).notNull(),
  },
  (t) => [index('pruned_events_forget_at_idx').on(t.forgetAt)],
);

/**
 * Each instance's share of a webhook's MaxInFlightPerEndpoint: the attempts it may have open to the
 * webhook at once. The shares of live rows never add up to more than the limit (claims of a webhook are
 * serialised by an advisory lock and take from what the others leave); an instance that wants places
 * has a row (with none, at first), and the others shrink to a fair share as their attempts end. A row
 * lives until `until`, renewed with the instance's leases, so the places of an instance that died return.
 */
export const webhookPlaces = pgTable(
  'webhook_places',
  {
    webhookId: bigint('webhook_id', { mode: 'number' }).notNull(),
    instance: text('instance').notNull(),
    places: integer('places').notNull(),
    until: bigint('until', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.webhookId, t.instance] })],
);

/**
 * A webhook's circuit breaker as the instances share it: the instance whose breaker opened writes how
 * often it opened in a row and until when, and no instance claims the webhook's deliveries before then;
 * the success that closes a breaker deletes the row.
 */
export const webhookBreakers = pgTable('webhook_breakers', {
  webhookId: bigint('webhook_id', { mode: 'number' }).primaryKey(),
  opens: integer('opens').notNull(),
  until: bigint('until', { mode: 'number' }).notNull(),
});
