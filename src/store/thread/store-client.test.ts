import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventRecord, openTestStore, type TestStore } from '../../../test/support/store.js';
import { type GatewayDatabase, openDatabase } from '../database.js';
import { StoreClient, StoreError, WRITE_STALL_MS } from './store-client.js';

let fixture: TestStore;
let file: string;
let g: GatewayDatabase;
let store: StoreClient | undefined;
beforeEach(() => {
  fixture = openTestStore('store-client-');
  file = fixture.file;
  g = fixture.database;
});
afterEach(async () => {
  await store?.close();
  store = undefined;
  fixture.remove();
});

const record = (id: string, webhookIds: number[] = [1]) => eventRecord(id, webhookIds);

const deliveryStates = () =>
  g.sqlite.prepare('SELECT state FROM deliveries ORDER BY id').pluck().all() as string[];

describe('StoreClient over the store thread', () => {
  it('writes events, claims their deliveries and records outcomes, all visible to other connections', async () => {
    store = await StoreClient.open(file, g.sqlite);
    const [a, b] = await store.write([record('a'), record('b')], []);
    expect(a).toMatchObject({ id: 'a', matched: 1, duplicate: false });
    expect(deliveryStates()).toEqual(['pending', 'pending']);

    const full = await store.claim(1, Date.now(), 1);
    expect(full.deliveries).toMatchObject([
      { id: a?.deliveryIds[0], payload: '{"Id":"a"}', previousState: 'pending' },
    ]);
    expect(full.nextDueAt).toBeNull(); // a full claim says nothing about what is left
    const rest = await store.claim(1, Date.now(), 10);
    expect(rest.deliveries.map((d) => d.id)).toEqual(b?.deliveryIds);
    expect(deliveryStates()).toEqual(['in_flight', 'in_flight']);

    const id = a?.deliveryIds[0] as number;
    await store.record([
      {
        deliveryId: id,
        state: 'delivered',
        attemptCount: 1,
        nextAttemptAt: null,
        finishedAt: 5,
        attempt: null,
      },
    ]);
    await store.release(rest.deliveries);
    expect(deliveryStates()).toEqual(['delivered', 'pending']);
  });

  it('reports SQLite errors with their code and keeps serving', async () => {
    store = await StoreClient.open(file, g.sqlite);
    const failing = store.write([record('x', [99])], []);
    await expect(failing).rejects.toBeInstanceOf(StoreError);
    await expect(failing).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_FOREIGNKEY' });
    // A write refused for its content is no sign of a failing store.
    expect(store.healthy()).toBe(true);
    expect(await store.write([record('y')], [])).toHaveLength(1);
  });

  it('is unhealthy while a write waits longer than WRITE_STALL_MS, and healthy again once it is written', async () => {
    store = await StoreClient.open(file, g.sqlite);
    // Another connection holds the write lock: the store's next write waits (up to its busy timeout).
    const other = new BetterSqlite3(file);
    other.exec('BEGIN EXCLUSIVE');
    const written = store.write([record('late')], []);
    await new Promise((resolve) => setTimeout(resolve, WRITE_STALL_MS + 500));
    expect(store.healthy()).toBe(false);
    other.exec('ROLLBACK');
    other.close();
    await expect(written).resolves.toHaveLength(1);
    expect(store.healthy()).toBe(true);
  });

  it('reports SQLite errors the same way when it serves a :memory: database in this thread', async () => {
    const memory = openDatabase(':memory:');
    memory.sqlite.exec(`INSERT INTO organizations (id, created_at) VALUES ('o', 0)`);
    const inline = await StoreClient.open(':memory:', memory.sqlite);
    const failing = inline.write([record('x', [99])], []);
    await expect(failing).rejects.toBeInstanceOf(StoreError);
    await expect(failing).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_FOREIGNKEY' });
    await inline.close();
    memory.close();
  });

  it('commits writes still queued when it closes, and refuses calls afterwards', async () => {
    store = await StoreClient.open(file, g.sqlite);
    const written = store.write([record('late')], []);
    await store.close();
    await expect(written).resolves.toHaveLength(1);
    expect(g.sqlite.prepare('SELECT id FROM events').pluck().all()).toEqual(['late']);
    await expect(store.claim(1, Date.now(), 1)).rejects.toThrow(/closed/);
    store = undefined;
  });

  it('fails to open with the reason when the database cannot be opened', async () => {
    const notADirectory = join(file, '..', 'file');
    writeFileSync(notADirectory, 'x');
    await expect(StoreClient.open(join(notADirectory, 'g.db'), g.sqlite)).rejects.toThrow(/EEXIST|ENOTDIR/);
  });
});
