import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClaimResult, Outcome, RecordResult, ReleasedDelivery } from '../../src/store/delivery-store.js';
import type { EventRecord, HandOffs, StoredEvent } from '../../src/store/event-writer.js';
import type { PruneCounts, RetentionPolicy } from '../../src/store/pruner.js';
import type { EventTrace } from '../../src/store/trace.js';
import { eventRecord } from '../support/store.js';

/** What the gateway asks of a store (StoreClient's surface), plus what `trace` and `prune` read. */
export interface StorePort {
  write(records: readonly EventRecord[], handOffs: HandOffs): Promise<StoredEvent[]>;
  claim(webhookId: number, now: number, limit: number): Promise<ClaimResult>;
  record(outcomes: readonly Outcome[]): Promise<RecordResult>;
  release(deliveries: readonly ReleasedDelivery[]): Promise<void>;
  recoverInFlight(): Promise<number>;
}

/** One store under test: organization 'o' with live, enabled webhooks 1 and 2 and nothing else. */
export interface StoreUnderTest {
  store: StorePort;
  /** Synchronous for SQLite; a PostgreSQL store answers asynchronously, so the suite awaits both. */
  trace(eventId: string): EventTrace | Promise<EventTrace>;
  /** A whole prune pass with this policy, at `now`. */
  prune(policy: RetentionPolicy, now: number): PruneCounts | Promise<PruneCounts>;
  /** The rows the store holds, counted in its tables (what a prune must leave no trace of). */
  rows(): { deliveries: number; attempts: number } | Promise<{ deliveries: number; attempts: number }>;
  close(): Promise<void>;
}

const DAY = 24 * 60 * 60 * 1000;

/**
 * The store's contract, for any implementation given a factory (today SQLite; a PostgreSQL store is the
 * next): events with their deliveries recorded atomically, duplicates, claims, outcomes, releases,
 * recovery, retention and the queries `trace` uses.
 */
export function describeStoreContract(name: string, open: () => Promise<StoreUnderTest>): void {
  describe(`store contract: ${name}`, () => {
    let t: StoreUnderTest;
    beforeEach(async () => {
      t = await open();
    });
    afterEach(() => t.close());

    const delivered = (deliveryId: number, at: number, attemptNo = 1): Outcome => ({
      deliveryId,
      state: 'delivered',
      attemptCount: attemptNo,
      nextAttemptAt: null,
      finishedAt: at,
      attempt: {
        deliveryId,
        attemptNo,
        startedAt: at,
        durationMs: 3,
        statusCode: 200,
        errorClass: null,
        errorMessage: null,
        responseSnippet: null,
      },
    });

    it('records an event with one delivery per matched webhook, or nothing of a batch that fails', async () => {
      const [stored] = await t.store.write([eventRecord('a', [1, 2])], [[false, false]]);
      expect(stored).toMatchObject({ id: 'a', matched: 2, duplicate: false });
      expect(stored?.deliveryIds).toHaveLength(2);
      // Webhook 99 does not exist: the whole batch is refused, event 'b' included.
      await expect(t.store.write([eventRecord('b', [1]), eventRecord('c', [99])], [])).rejects.toThrow();
      expect((await t.trace('b')).event).toBeNull();
      expect((await t.trace('a')).deliveries.map((d) => d.state)).toEqual(['pending', 'pending']);
    });

    it('acknowledges an Id seen before as a duplicate with its first match count, creating nothing', async () => {
      await t.store.write([eventRecord('a', [1, 2])], []);
      const again = await t.store.write([eventRecord('a', [1]), eventRecord('a', [2])], []);
      expect(again).toEqual([
        { id: 'a', matched: 2, duplicate: true, deliveryIds: [] },
        { id: 'a', matched: 2, duplicate: true, deliveryIds: [] },
      ]);
      expect((await t.trace('a')).deliveries).toHaveLength(2);
    });

    it('records a handed-off delivery in flight, so no claim returns it', async () => {
      await t.store.write([eventRecord('a', [1, 2])], [[true, false]]);
      const claim = await t.store.claim(1, Date.now(), 10);
      expect(claim.deliveries).toEqual([]);
      expect((await t.trace('a')).deliveries.map((d) => d.state)).toEqual(['in_flight', 'pending']);
    });

    it('claims due deliveries of one webhook oldest first, once, and says when the next is due', async () => {
      await t.store.write([eventRecord('a', [1]), eventRecord('b', [1]), eventRecord('c', [2])], []);
      const first = await t.store.claim(1, Date.now(), 1);
      expect(first.deliveries.map((d) => JSON.parse(d.payload).Id)).toEqual(['a']);
      expect(first.deliveries[0]).toMatchObject({ webhookId: 1, previousState: 'pending', attemptCount: 0 });
      const rest = await t.store.claim(1, Date.now(), 10);
      expect(rest.deliveries.map((d) => JSON.parse(d.payload).Id)).toEqual(['b']);
      expect(rest.nextDueAt).toBeNull();
      expect((await t.store.claim(1, Date.now(), 10)).deliveries).toEqual([]);
    });

    it('records outcomes with their attempts, as trace reads them', async () => {
      await t.store.write([eventRecord('a', [1])], []);
      const [claimed] = (await t.store.claim(1, Date.now(), 10)).deliveries;
      const at = Date.now();
      const outcome = delivered(claimed?.id as number, at);
      const result = await t.store.record([outcome]);
      expect(result.failed).toEqual([]);
      const [d] = (await t.trace('a')).deliveries;
      expect(d).toMatchObject({ state: 'delivered', attemptCount: 1 });
      // The attempt as recorded, every field of it, less the delivery it belongs to.
      const { deliveryId: _delivery, ...attempt } = outcome.attempt as NonNullable<Outcome['attempt']>;
      expect(d?.attempts).toEqual([attempt]);
    });

    it('makes a retrying delivery claimable once due', async () => {
      await t.store.write([eventRecord('a', [1])], []);
      const [claimed] = (await t.store.claim(1, Date.now(), 10)).deliveries;
      const due = Date.now() + 60_000;
      await t.store.record([
        {
          ...delivered(claimed?.id as number, Date.now()),
          state: 'retrying',
          nextAttemptAt: due,
          finishedAt: null,
        },
      ]);
      const early = await t.store.claim(1, Date.now(), 10);
      expect(early).toEqual({ deliveries: [], nextDueAt: due });
      const later = await t.store.claim(1, due, 10);
      expect(later.deliveries).toMatchObject([{ previousState: 'retrying', attemptCount: 1 }]);
    });

    it('releases claimed deliveries to their former state, and recovers what a dead process left in flight', async () => {
      await t.store.write([eventRecord('a', [1]), eventRecord('b', [1])], []);
      const claimed = (await t.store.claim(1, Date.now(), 10)).deliveries;
      await t.store.release(claimed.slice(0, 1));
      expect((await t.trace('a')).deliveries[0]?.state).toBe('pending');
      expect((await t.trace('b')).deliveries[0]?.state).toBe('in_flight');
      expect(await t.store.recoverInFlight()).toBe(1);
      expect((await t.store.claim(1, Date.now(), 10)).deliveries).toHaveLength(2);
    });

    it('prunes what retention no longer keeps, keeps what waits, and trace says what was pruned', async () => {
      await t.store.write([eventRecord('done', [1]), eventRecord('waiting', [2])], []);
      const [claimed] = (await t.store.claim(1, Date.now(), 10)).deliveries;
      await t.store.record([delivered(claimed?.id as number, Date.now())]);
      const policy = { deliveredDays: 1, failedDays: 30, attemptsPerDelivery: 20, auditDays: 365 };
      expect((await t.prune(policy, Date.now())).events).toBe(0);
      expect(await t.prune(policy, Date.now() + 2 * DAY)).toMatchObject({
        events: 1,
        deliveries: 1,
        attempts: 1,
      });
      // Its delivery and attempt are gone from their tables, not just counted: those of 'waiting' stay.
      expect(await t.rows()).toEqual({ deliveries: 1, attempts: 0 });
      expect(await t.trace('done')).toMatchObject({ event: null, pruned: { retentionDays: 1 } });
      expect((await t.trace('waiting')).event?.id).toBe('waiting');
      expect((await t.trace('never')).pruned).toBeNull();
    });
  });
}
