import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventRecord, openTestStore, type TestStore } from '../../test/support/store.js';
import type { ClaimedDelivery, DeliveryIntake } from '../delivery/engine/ports.js';
import type { GatewayDatabase } from '../store/database.js';
import { StoreClient } from '../store/thread/store-client.js';
import { EventRecorder } from './event-recorder.js';

/** An intake that takes deliveries for the webhooks it is told to, and records what it was given. */
class RecordingIntake implements DeliveryIntake {
  admitted: ClaimedDelivery[] = [];
  waiting: number[] = [];
  released: { reserved: number[]; waiting: number[] } = { reserved: [], waiting: [] };
  constructor(private readonly takes: ReadonlySet<number>) {}
  reserve(webhookId: number): boolean {
    return this.takes.has(webhookId);
  }
  admit(handedOff: readonly ClaimedDelivery[], waiting: readonly number[]): void {
    this.admitted.push(...handedOff);
    this.waiting.push(...waiting);
  }
  release(reserved: readonly number[], waiting: readonly number[]): void {
    this.released.reserved.push(...reserved);
    this.released.waiting.push(...waiting);
  }
}

let fixture: TestStore;
let g: GatewayDatabase;
let store: StoreClient;
beforeEach(async () => {
  fixture = openTestStore('recorder-');
  g = fixture.database;
  store = await StoreClient.open(fixture.file, g.sqlite);
});
afterEach(async () => {
  await store.close();
  fixture.remove();
});

const record = (id: string, webhookIds: number[]) => eventRecord(id, webhookIds, 42);

const rows = () =>
  g.sqlite.prepare('SELECT id, webhook_id AS w, state FROM deliveries ORDER BY webhook_id').all() as {
    id: number;
    w: number;
    state: string;
  }[];

describe('EventRecorder', () => {
  it('hands the deliveries a lane takes to it in flight, by their row ids, and names the webhooks left waiting', async () => {
    const intake = new RecordingIntake(new Set([1]));
    const recorder = new EventRecorder(store, intake);
    expect(await recorder.write([record('a', [1, 2])])).toEqual([{ id: 'a', matched: 2, duplicate: false }]);
    const [first, second] = rows();
    expect([first?.state, second?.state]).toEqual(['in_flight', 'pending']);
    expect(intake.admitted).toEqual([
      {
        id: first?.id,
        webhookId: 1,
        previousState: 'pending',
        attemptCount: 0,
        eventType: 'UserStatus',
        expiresAt: 42,
        payload: '{"Id":"a"}',
      },
    ]);
    expect(intake.waiting).toEqual([2]);
  });

  it('gives back what a duplicate was counted for, since it creates no delivery', async () => {
    const intake = new RecordingIntake(new Set([1]));
    const recorder = new EventRecorder(store, intake);
    await recorder.write([record('a', [1, 2])]);
    expect(await recorder.write([record('a', [1, 2])])).toEqual([{ id: 'a', matched: 2, duplicate: true }]);
    expect(intake.released).toEqual({ reserved: [1], waiting: [2] });
    expect(intake.admitted).toHaveLength(1);
    expect(rows()).toHaveLength(2);
  });

  it('gives back everything and rethrows when the write fails, leaving nothing behind', async () => {
    const intake = new RecordingIntake(new Set([1]));
    const recorder = new EventRecorder(store, intake);
    // Webhook 99 does not exist: the batch breaks a foreign key and is rolled back whole.
    await expect(recorder.write([record('x', [1]), record('y', [99, 2])])).rejects.toThrow(/FOREIGN KEY/);
    expect(intake.released).toEqual({ reserved: [1], waiting: [99, 2] });
    expect(intake.admitted).toEqual([]);
    expect(rows()).toEqual([]);
  });
});
