import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestStore, eventRecord as record, type TestStore } from '../../test/support/store.js';
import type { GatewayDatabase } from './database.js';
import { DeliveryStore, type Outcome } from './delivery-store.js';
import { EventWriter } from './event-writer.js';

let store: TestStore;
let g: GatewayDatabase;
beforeEach(() => {
  store = openTestStore('delivery-store-');
  g = store.database;
});
afterEach(() => store.remove());

const state = (id: number) =>
  g.sqlite.prepare('SELECT state, finished_at AS finishedAt FROM deliveries WHERE id = ?').get(id) as {
    state: string;
    finishedAt: number | null;
  };
const attempts = (id: number) =>
  g.sqlite.prepare('SELECT count(*) FROM attempts WHERE delivery_id = ?').pluck().get(id) as number;

const outcome = (deliveryId: number, state: Outcome['state'], attemptNo = 1): Outcome => ({
  deliveryId,
  state,
  attemptCount: attemptNo,
  nextAttemptAt: state === 'retrying' ? Date.now() + 60_000 : null,
  finishedAt: state === 'retrying' ? null : Date.now(),
  attempt: {
    deliveryId,
    attemptNo,
    startedAt: Date.now(),
    durationMs: 3,
    statusCode: state === 'delivered' ? 200 : 500,
    errorClass: state === 'delivered' ? null : 'http-status',
    errorMessage: null,
    responseSnippet: null,
  },
});

/** Two events, each to webhooks 1 and 2, claimed: four deliveries in flight. */
async function inFlight(): Promise<number[]> {
  const writer = new EventWriter(g.sqlite);
  const stored = await writer.write(
    [record('a', [1, 2]), record('b', [1, 2])],
    [
      [true, true],
      [true, true],
    ],
  );
  return stored.flatMap((s) => s.deliveryIds);
}

describe('DeliveryStore', () => {
  it('records the outcomes it can when one row of the batch cannot be written', async () => {
    const [a1, a2, b1, b2] = (await inFlight()) as [number, number, number, number];
    // One attempt row is refused (as a broken constraint would be): only that delivery is affected.
    g.sqlite.exec(`CREATE TRIGGER refuse BEFORE INSERT ON attempts WHEN NEW.delivery_id = ${a2}
      BEGIN SELECT RAISE(ABORT, 'refused'); END`);
    const deliveries = new DeliveryStore(g.sqlite);
    const result = deliveries.record([
      outcome(a1, 'delivered'),
      outcome(a2, 'delivered'),
      outcome(b1, 'retrying'),
      outcome(b2, 'delivered'),
    ]);
    expect(result.failed).toEqual([{ deliveryId: a2, message: 'refused', retryable: false }]);
    expect([a1, a2, b1, b2].map((id) => state(id).state)).toEqual([
      'delivered',
      'in_flight',
      'retrying',
      'delivered',
    ]);
    expect([a1, a2, b1, b2].map(attempts)).toEqual([1, 0, 1, 1]);
  });

  it('holds what waits for a paused webhook and cancels what waits for a deleted one, however the writes interleave', async () => {
    const [a1, a2, b1, b2] = (await inFlight()) as [number, number, number, number];
    g.sqlite.exec('UPDATE webhooks SET enabled = 0 WHERE id = 1');
    g.sqlite.exec('UPDATE webhooks SET deleted_at = 1 WHERE id = 2');
    const deliveries = new DeliveryStore(g.sqlite);
    // A retry asked for after the change, and a release of a claimed delivery never attempted.
    deliveries.record([outcome(a1, 'retrying'), outcome(a2, 'retrying')]);
    deliveries.releaseAll([
      { id: b1, previousState: 'pending' },
      { id: b2, previousState: 'pending' },
    ]);
    expect(state(a1)).toEqual({ state: 'paused', finishedAt: null });
    expect(state(a2)).toEqual({ state: 'cancelled', finishedAt: expect.any(Number) });
    expect(state(b1).state).toBe('paused');
    expect(state(b2).state).toBe('cancelled');
    expect([a1, a2].map(attempts)).toEqual([1, 1]); // the attempts in flight are recorded all the same
    // New deliveries written after the change take the same states.
    const [c] = await new EventWriter(g.sqlite).write([record('c', [1, 2])]);
    expect(c?.deliveryIds.map((id) => state(id).state)).toEqual(['paused', 'cancelled']);
    // Nothing paused or cancelled is ever claimed.
    expect(deliveries.claim(1, Date.now() + 3_600_000, 100).deliveries).toEqual([]);
    expect(deliveries.claim(2, Date.now() + 3_600_000, 100).deliveries).toEqual([]);
  });

  it('expires paused deliveries whose event TTL passed, where they wait, in batches', async () => {
    const writer = new EventWriter(g.sqlite);
    g.sqlite.exec('UPDATE webhooks SET enabled = 0 WHERE id = 1');
    const now = Date.now();
    await writer.write([
      record('old-1', [1], now - 1000),
      record('old-2', [1], now - 1000),
      record('fresh', [1], now + 60_000),
      record('forever', [1], null),
    ]);
    const deliveries = new DeliveryStore(g.sqlite);
    expect(deliveries.expirePaused(now, 1)).toBe(1);
    expect(deliveries.expirePaused(now, 10)).toBe(1);
    expect(deliveries.expirePaused(now, 10)).toBe(0);
    const rows = g.sqlite
      .prepare('SELECT e.id, d.state FROM deliveries d JOIN events e ON e.seq = d.event_seq ORDER BY e.id')
      .all();
    expect(rows).toEqual([
      { id: 'forever', state: 'paused' },
      { id: 'fresh', state: 'paused' },
      { id: 'old-1', state: 'expired' },
      { id: 'old-2', state: 'expired' },
    ]);
  });

  it('makes deliveries left in flight due again at start, held or cancelled when their webhook is', async () => {
    const [a1, a2] = (await inFlight()) as [number, number];
    g.sqlite.exec('UPDATE webhooks SET deleted_at = 1 WHERE id = 2');
    expect(new DeliveryStore(g.sqlite).recoverInFlight()).toBe(4);
    expect(state(a1).state).toBe('pending');
    expect(state(a2).state).toBe('cancelled');
  });
});
