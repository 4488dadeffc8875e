import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openPgDatabase, type PgDatabase } from '../../src/store/pg/database.js';
import { FULL_RETRY_MS } from '../../src/store/pg/delivery-queue.js';
import { PgStore } from '../../src/store/pg/pg-store.js';
import { LOCKS } from '../../src/store/pg/sql.js';
import { traceEventPg } from '../../src/store/pg/trace.js';
import { openTestPgDatabase } from '../support/pg-store.js';
import { postgresAvailable, startPostgres, type TestPostgres } from '../support/postgres.js';
import { eventRecord } from '../support/store.js';

/** What the PostgreSQL store promises beyond the contract: several instances on one database. */
describe.skipIf(!postgresAvailable())('PostgreSQL store, several instances', () => {
  let server: TestPostgres;
  const open: PgStore[] = [];
  const pools: PgDatabase['pool'][] = [];
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(() => server?.stop());
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

  /** Instances on one fresh database, each with its own pool. */
  async function instances(n: number, options: ConstructorParameters<typeof PgStore>[1] = {}) {
    const first = await openTestPgDatabase(server);
    const url = (first.pool.options as { connectionString: string }).connectionString;
    const dbs: PgDatabase[] = [first];
    for (let i = 1; i < n; i++) dbs.push(await openPgDatabase(url, { poolSize: 4 }));
    pools.push(first.pool);
    const stores = dbs.map((db) => new PgStore(db, { prune: false, ...options }));
    open.push(...stores);
    return stores;
  }

  it('stores an Id once when instances record it at the same time', async () => {
    const stores = await instances(3);
    const results = await Promise.all(stores.map((s) => s.write([eventRecord('same', [1, 2])], [])));
    expect(results.flat().filter((r) => !r.duplicate)).toHaveLength(1);
    expect(results.flat().every((r) => r.matched === 2)).toBe(true);
    const trace = await traceEventPg(pools.at(-1) as PgDatabase['pool'], 'same');
    expect(trace.deliveries).toHaveLength(2);
  });

  it("claims a webhook's next deliveries with its outcomes, within the limit across instances, and hands back what no lane takes", async () => {
    const rooms: number[][] = [];
    const [a, b] = await instances(2, {
      maxInFlightPerEndpoint: 2,
      claimWithOutcomes: true,
      onRoom: (ids) => rooms.push(ids),
    });
    if (a === undefined || b === undefined) throw new Error('two stores');
    const pool = pools.at(-1) as PgDatabase['pool'];
    await a.write(
      Array.from({ length: 5 }, (_, i) => eventRecord(`w${i}`, [1])),
      [],
    );
    const states = async () =>
      (
        await pool.query<{ state: string; n: number }>(
          'SELECT state, count(*)::int AS n FROM deliveries GROUP BY state ORDER BY state',
        )
      ).rows;
    const now = Date.now();
    const first = await a.claim(1, now, 10);
    expect(first.deliveries).toHaveLength(2);
    const done = (id: number) => ({
      deliveryId: id,
      state: 'delivered' as const,
      attemptCount: 1,
      nextAttemptAt: null,
      finishedAt: now,
      attempt: null,
    });
    await a.record([done((first.deliveries[0] as { id: number }).id)]);
    // The place the outcome freed was taken in the same transaction, before any claim: the limit holds.
    expect(await states()).toEqual([
      { state: 'delivered', n: 1 },
      { state: 'in_flight', n: 2 },
      { state: 'pending', n: 2 },
    ]);
    expect(rooms).toEqual([[1]]);
    expect((await b.claim(1, Date.now(), 10)).deliveries).toEqual([]);
    // The lane's next claim gets it; the webhook is full, so it is told to ask again shortly.
    const next = await a.claim(1, Date.now(), 10);
    expect(next.deliveries).toHaveLength(1);
    expect(first.deliveries.map((d) => d.id)).not.toContain(next.deliveries[0]?.id);
    expect(next.nextDueAt).not.toBeNull();
    // Claimed with an outcome but not asked for: back in the store within half a second, for anyone.
    await a.record([done((first.deliveries[1] as { id: number }).id)]);
    expect((await states()).find((r) => r.state === 'in_flight')?.n).toBe(2);
    await sleep(700);
    expect((await states()).find((r) => r.state === 'in_flight')?.n).toBe(1);
    expect((await b.claim(1, Date.now(), 10)).deliveries).toHaveLength(1);
  });

  it('never claims a delivery for two instances, and holds the limit across them', async () => {
    const [a, b] = await instances(2, { maxInFlightPerEndpoint: 5 });
    if (a === undefined || b === undefined) throw new Error('two stores');
    await a.write(
      Array.from({ length: 20 }, (_, i) => eventRecord(`e${i}`, [1])),
      [],
    );
    const now = Date.now();
    const [fromA, fromB] = await Promise.all([a.claim(1, now, 10), b.claim(1, now, 10)]);
    const ids = [...fromA.deliveries, ...fromB.deliveries].map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(5);
    // Full: the one that got less is told to ask again shortly, not when the next is due.
    const short = fromA.deliveries.length < fromB.deliveries.length ? fromA : fromB;
    expect(short.nextDueAt).toBe(now + FULL_RETRY_MS);
    // An outcome frees a place, for whichever instance claims next.
    const owner = fromA.deliveries.length > 0 ? a : b;
    const first = (fromA.deliveries[0] ?? fromB.deliveries[0]) as { id: number };
    await owner.record([
      {
        deliveryId: first.id,
        state: 'delivered',
        attemptCount: 1,
        nextAttemptAt: null,
        finishedAt: now,
        attempt: null,
      },
    ]);
    // The other instance asks again when its answer said to.
    await sleep(FULL_RETRY_MS);
    expect((await (owner === a ? b : a).claim(1, Date.now(), 10)).deliveries).toHaveLength(1);
  });

  it('lets another instance take over deliveries whose lease expired', async () => {
    const [a, b] = await instances(2, { leaseMs: 300 });
    if (a === undefined || b === undefined) throw new Error('two stores');
    await a.write([eventRecord('x', [1])], []);
    const [taken] = (await a.claim(1, Date.now(), 10)).deliveries;
    expect((await b.claim(1, Date.now(), 10)).deliveries).toEqual([]);
    // `a` dies: its renewals stop, and its lease runs out.
    await a.close();
    open.splice(open.indexOf(a), 1);
    await sleep(400);
    const [again] = (await b.claim(1, Date.now(), 10)).deliveries;
    expect(again).toMatchObject({ id: taken?.id, previousState: 'pending', attemptCount: 0 });
  });

  it('renews the leases of an instance that is alive, and only the holder of a lease may hand it back', async () => {
    const [a, b] = await instances(2, { leaseMs: 300 });
    if (a === undefined || b === undefined) throw new Error('two stores');
    await a.write([eventRecord('slow', [1])], []);
    const [taken] = (await a.claim(1, Date.now(), 10)).deliveries;
    await sleep(900);
    expect((await b.claim(1, Date.now(), 10)).deliveries).toEqual([]);
    // An instance whose lease was lost cannot overwrite the new holder's outcome.
    await b.release([{ id: taken?.id as number, previousState: 'pending' }]);
    expect((await b.claim(1, Date.now(), 10)).deliveries).toEqual([]);
  });

  it('recovers at start only its own and expired leases, not those of instances alive', async () => {
    const [a, b] = await instances(2);
    if (a === undefined || b === undefined) throw new Error('two stores');
    await a.write([eventRecord('p', [1]), eventRecord('q', [2])], []);
    await a.claim(1, Date.now(), 10);
    await b.claim(2, Date.now(), 10);
    expect(await b.recoverInFlight()).toBe(1);
    expect(await a.recoverInFlight()).toBe(1);
  });

  it('keeps the retry timing when another instance makes the next attempt', async () => {
    const [a, b] = await instances(2);
    if (a === undefined || b === undefined) throw new Error('two stores');
    await a.write([eventRecord('r', [1])], []);
    const [first] = (await a.claim(1, Date.now(), 10)).deliveries;
    const due = Date.now() + 400;
    await a.record([
      {
        deliveryId: first?.id as number,
        state: 'retrying',
        attemptCount: 1,
        nextAttemptAt: due,
        finishedAt: null,
        attempt: null,
      },
    ]);
    expect(await b.claim(1, Date.now(), 10)).toEqual({ deliveries: [], nextDueAt: due });
    await sleep(Math.max(0, due - Date.now()));
    expect((await b.claim(1, Date.now(), 10)).deliveries).toMatchObject([
      { id: first?.id, previousState: 'retrying', attemptCount: 1 },
    ]);
  });

  it('prunes on one instance at a time: a pass finds the lock taken and leaves the rows to that one', async () => {
    const [a] = await instances(1);
    if (a === undefined) throw new Error('a store');
    await a.write([eventRecord('old', [1])], []);
    const [claimed] = (await a.claim(1, Date.now(), 10)).deliveries;
    await a.record([
      {
        deliveryId: claimed?.id as number,
        state: 'delivered',
        attemptCount: 1,
        nextAttemptAt: null,
        finishedAt: Date.now(),
        attempt: null,
      },
    ]);
    const policy = { deliveredDays: 1, failedDays: 1, attemptsPerDelivery: 20, auditDays: 365 };
    const later = () => Date.now() + 2 * 24 * 60 * 60 * 1000;
    const other = await (pools.at(-1) as PgDatabase['pool']).connect();
    try {
      await other.query('SELECT pg_advisory_lock($1)', [LOCKS.prune]);
      expect((await a.prune(policy, { now: later })).events).toBe(0);
      await other.query('SELECT pg_advisory_unlock($1)', [LOCKS.prune]);
    } finally {
      other.release();
    }
    expect((await a.prune(policy, { now: later })).events).toBe(1);
  });

  it('writes batches that arrive together in one statement, and a batch it refuses fails alone', async () => {
    const [a] = await instances(1);
    if (a === undefined) throw new Error('a store');
    const results = await Promise.allSettled([
      a.write([eventRecord('g1', [1])], []),
      a.write([eventRecord('bad', [99])], []),
      a.write([eventRecord('g2', [2]), eventRecord('g1', [2])], []),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(results[2]).toMatchObject({
      value: [
        { id: 'g2', duplicate: false },
        { id: 'g1', duplicate: true, matched: 1 },
      ],
    });
    const pool = pools.at(-1) as PgDatabase['pool'];
    expect((await traceEventPg(pool, 'bad')).event).toBeNull();
    expect((await traceEventPg(pool, 'g1')).deliveries).toHaveLength(1);
  });
});
