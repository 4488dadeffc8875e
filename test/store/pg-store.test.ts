import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openPgDatabase, type PgDatabase } from '../../src/store/pg/database.js';
import { FULL_RETRY_MS } from '../../src/store/pg/delivery-queue.js';
import { PgStore } from '../../src/store/pg/pg-store.js';
import { CLAIMED_PER_PLACE } from '../../src/store/pg/prepared.js';
import { CHANNELS, LOCKS } from '../../src/store/pg/sql.js';
import { traceEventPg } from '../../src/store/pg/trace.js';
import { openTestPgDatabase } from '../support/pg-store.js';
import { postgresAvailable, startPostgres, type TestPostgres } from '../support/postgres.js';
import { eventRecord } from '../support/store.js';
import { waitFor } from '../support/wait.js';

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

  /** Places held in the database per instance for webhook 1, and their sum. */
  async function placesInDatabase(): Promise<{ rows: number; sum: number }> {
    const pool = pools.at(-1) as PgDatabase['pool'];
    const { rows } = await pool.query<{ places: number }>(
      'SELECT places FROM webhook_places WHERE webhook_id = 1 AND until > $1',
      [Date.now()],
    );
    return { rows: rows.length, sum: rows.reduce((n, r) => n + r.places, 0) };
  }

  const done = (id: number) => ({
    deliveryId: id,
    state: 'delivered' as const,
    attemptCount: 1,
    nextAttemptAt: null,
    finishedAt: Date.now(),
    attempt: null,
  });

  it("claims a webhook's next deliveries with its outcomes, sharing its places across instances, and hands back what no lane takes", async () => {
    const rooms: number[][] = [];
    const [a, b] = await instances(2, {
      maxInFlightPerEndpoint: 2,
      claimWithOutcomes: true,
      onRoom: (ids) => rooms.push(ids),
    });
    if (a === undefined || b === undefined) throw new Error('two stores');
    const pool = pools.at(-1) as PgDatabase['pool'];
    // More than both instances may hold: some wait in the store throughout.
    await a.write(
      Array.from({ length: 4 * CLAIMED_PER_PLACE }, (_, i) => eventRecord(`w${i}`, [1])),
      [],
    );
    const inFlight = async () =>
      (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM deliveries WHERE state = 'in_flight'`))
        .rows[0]?.n;
    // Alone, an instance takes every place and holds up to CLAIMED_PER_PLACE deliveries per place.
    const first = await a.claim(1, Date.now(), 100);
    expect(first.deliveries).toHaveLength(2 * CLAIMED_PER_PLACE);
    expect(a.placesOf(1)).toBe(2);
    // The other finds every place taken: it says it wants some, and is told to ask again shortly.
    const now = Date.now();
    const refused = await b.claim(1, now, 100);
    expect(refused).toEqual({ deliveries: [], nextDueAt: now + FULL_RETRY_MS });
    expect(b.placesOf(1)).toBe(0);
    expect(await placesInDatabase()).toEqual({ rows: 2, sum: 2 });
    // An outcome of the first tells it of the other: it stops using more than a fair share at once, and
    // gives the place up with its next outcome (it has no attempt open): one place is then left.
    await a.record([done((first.deliveries[0] as { id: number }).id)]);
    expect(rooms).toEqual([[1]]);
    expect(a.placesOf(1)).toBe(1);
    expect((await placesInDatabase()).sum).toBe(2);
    await a.record([done((first.deliveries[1] as { id: number }).id)]);
    expect(await placesInDatabase()).toEqual({ rows: 2, sum: 1 });
    // The other takes it at its next claim (when told to ask again), and the places never add up to
    // more than the limit.
    await sleep(FULL_RETRY_MS);
    const second = await b.claim(1, Date.now(), 100);
    expect(second.deliveries).toHaveLength(CLAIMED_PER_PLACE);
    expect(b.placesOf(1)).toBe(1);
    expect(await placesInDatabase()).toEqual({ rows: 2, sum: 2 });
    const ids = [...first.deliveries, ...second.deliveries].map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    // Outcomes that bring the first below what its place allows claim more with them; not asked for by
    // a lane, those are back in the store within half a second, for anyone.
    const before = await inFlight();
    await a.record(first.deliveries.slice(2, CLAIMED_PER_PLACE + 3).map((d) => done(d.id)));
    const held = (before ?? 0) - (CLAIMED_PER_PLACE + 1);
    // It holds what it claimed alone less the 2 + CLAIMED_PER_PLACE + 1 recorded, with one place now.
    const stillHeld = 2 * CLAIMED_PER_PLACE - 2 - (CLAIMED_PER_PLACE + 1);
    expect(await inFlight()).toBe(held + CLAIMED_PER_PLACE - stillHeld);
    await sleep(700);
    expect(await inFlight()).toBe(held);
  });

  it('never claims a delivery for two instances, and their places never add up to more than the limit', async () => {
    const [a, b] = await instances(2, { maxInFlightPerEndpoint: 5 });
    if (a === undefined || b === undefined) throw new Error('two stores');
    // Twice what one instance may hold with every place: some wait for the other throughout.
    await a.write(
      Array.from({ length: 2 * 5 * CLAIMED_PER_PLACE }, (_, i) => eventRecord(`e${i}`, [1])),
      [],
    );
    const seen = new Set<number>();
    const held = new Map<PgStore, number[]>([
      [a, []],
      [b, []],
    ]);
    // Lanes on both claim at once, again and again, and finish one delivery between rounds.
    for (let round = 0; round < 4; round++) {
      const now = Date.now();
      const answers = await Promise.all([a.claim(1, now, 100), b.claim(1, now, 100)]);
      for (const [store, answer] of [
        [a, answers[0]],
        [b, answers[1]],
      ] as const) {
        const before = held.get(store)?.length ?? 0;
        // A claim takes no more than the instance's places allow it to hold.
        expect(answer.deliveries.length).toBeLessThanOrEqual(
          Math.max(0, CLAIMED_PER_PLACE * store.placesOf(1) - before),
        );
        for (const d of answer.deliveries) {
          expect(seen.has(d.id)).toBe(false);
          seen.add(d.id);
          held.get(store)?.push(d.id);
        }
      }
      expect(a.placesOf(1) + b.placesOf(1)).toBeLessThanOrEqual(5);
      expect((await placesInDatabase()).sum).toBeLessThanOrEqual(5);
      for (const store of [a, b]) {
        const id = held.get(store)?.shift();
        if (id !== undefined) await store.record([done(id)]);
      }
      await sleep(FULL_RETRY_MS);
    }
    // Both ended up with places: the limit is shared, not kept by the first.
    expect(a.placesOf(1)).toBeGreaterThan(0);
    expect(b.placesOf(1)).toBeGreaterThan(0);
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

  it('stores every payload as given, whether its batch is sent joined or, holding the separator or an empty one, as an array', async () => {
    const [a] = await instances(1);
    if (a === undefined) throw new Error('a store');
    const payloads = [
      ['{"Id":"j1","Text":"quotes \\" and \\\\ backslashes, ünïcödé"}', '{"Id":"j2"}', '{"Id":"j3"}'],
      ['{"Id":"s1"}', 'not JSON \x1e with the separator', '{"Id":"s3"}'],
      [''],
    ];
    for (const [batch, texts] of payloads.entries())
      await a.write(
        texts.map((payload, i) => ({ ...eventRecord(`p${batch}-${i}`, [1]), payload })),
        [],
      );
    const pool = pools.at(-1) as PgDatabase['pool'];
    const { rows } = await pool.query<{ id: string; payload: string }>(
      'SELECT id, payload FROM events ORDER BY seq',
    );
    expect(rows.map((r) => r.payload)).toEqual(payloads.flat());
    expect(rows.map((r) => r.id)).toEqual(payloads.flatMap((texts, b) => texts.map((_, i) => `p${b}-${i}`)));
  });

  it('announces deliveries it hands back, so another instance sends them without waiting for its poll', async () => {
    const [a] = await instances(1);
    if (a === undefined) throw new Error('a store');
    await a.write([eventRecord('back', [1])], []);
    const [claimed] = (await a.claim(1, Date.now(), 10)).deliveries;
    const pool = pools.at(-1) as PgDatabase['pool'];
    const listener = await pool.connect();
    try {
      const heard: string[] = [];
      listener.on('notification', (n) => heard.push(n.payload ?? ''));
      await listener.query(`LISTEN ${CHANNELS.deliveries}`);
      await a.release([{ id: claimed?.id as number, previousState: 'pending' }]);
      await waitFor(() => heard.length > 0, 'the release announced');
      expect(heard).toEqual([`${a.instanceId} 1`]);
    } finally {
      listener.release();
    }
  });

  it('writes no attempt for a delivery that is gone by the time its outcome is recorded', async () => {
    const [a] = await instances(1);
    if (a === undefined) throw new Error('a store');
    await a.write([eventRecord('gone', [1]), eventRecord('kept', [1])], []);
    const [gone, kept] = (await a.claim(1, Date.now(), 10)).deliveries;
    const pool = pools.at(-1) as PgDatabase['pool'];
    // As if pruned meanwhile (its lease long lost): the table has no foreign key to refuse the attempt.
    await pool.query('DELETE FROM deliveries WHERE id = $1', [gone?.id]);
    const attempted = (id: number) => ({
      ...done(id),
      attempt: {
        deliveryId: id,
        attemptNo: 1,
        startedAt: Date.now(),
        durationMs: 3,
        statusCode: 200,
        errorClass: null,
        errorMessage: null,
        responseSnippet: null,
      },
    });
    expect(await a.record([attempted(gone?.id as number), attempted(kept?.id as number)])).toEqual({
      failed: [],
    });
    const { rows } = await pool.query<{ delivery_id: number }>('SELECT delivery_id FROM attempts');
    expect(rows.map((r) => r.delivery_id)).toEqual([kept?.id]);
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
