import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestStore, eventRecord as record, type TestStore } from '../../../test/support/store.js';
import { StoreService } from './store-service.js';

const FULL = 2;

let store: TestStore;
beforeEach(() => {
  store = openTestStore('service-');
});
afterEach(() => store.remove());

describe('StoreService', () => {
  it('commits accepted events with synchronous=FULL, before and after the relaxed writes of deliveries', async () => {
    const sqlite = store.database.sqlite;
    const seen: unknown[] = [];
    // The writer reads its clock inside the transaction of each group commit: the level then in force
    // is the one its COMMIT uses.
    const service = new StoreService(sqlite, {
      prune: false,
      now: () => {
        seen.push(sqlite.pragma('synchronous', { simple: true }));
        return Date.now();
      },
    });
    await service.write([record('a', [1])], [[false]]);
    const { deliveries } = service.claim(1, Date.now(), 10);
    service.record(
      deliveries.map((d) => ({
        deliveryId: d.id,
        state: 'delivered' as const,
        attemptCount: 1,
        nextAttemptAt: null,
        finishedAt: Date.now(),
        attempt: null,
      })),
    );
    service.release([]);
    await service.write([record('b', [1])], [[false]]);
    expect(seen).toEqual([FULL, FULL]);
    service.drain();
  });
});
