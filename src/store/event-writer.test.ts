import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestStore, eventRecord as record, type TestStore } from '../../test/support/store.js';
import type { GatewayDatabase } from './database.js';
import { EventWriter } from './event-writer.js';

let store: TestStore;
let g: GatewayDatabase;
beforeEach(() => {
  store = openTestStore('writer-');
  g = store.database;
});
afterEach(() => store.remove());

const states = () =>
  g.sqlite.prepare('SELECT webhook_id AS w, state FROM deliveries ORDER BY webhook_id').all() as {
    w: number;
    state: string;
  }[];

describe('EventWriter', () => {
  it('records deliveries handed off as in flight and the others pending, and names the rows it created', async () => {
    const writer = new EventWriter(g.sqlite);
    const [stored] = await writer.write([record('a', [1, 2])], [[true, false]]);
    expect(states()).toEqual([
      { w: 1, state: 'in_flight' },
      { w: 2, state: 'pending' },
    ]);
    const rows = g.sqlite.prepare('SELECT id FROM deliveries ORDER BY webhook_id').pluck().all();
    expect(stored).toEqual({ id: 'a', matched: 2, duplicate: false, deliveryIds: rows });
  });

  it('records every delivery pending when no hand-offs are given', async () => {
    await new EventWriter(g.sqlite).write([record('a', [1, 2])]);
    expect(states().map((s) => s.state)).toEqual(['pending', 'pending']);
  });

  it('acknowledges a repeated Id as a duplicate with its first match count, creating nothing', async () => {
    const writer = new EventWriter(g.sqlite);
    await writer.write([record('a', [1, 2])]);
    expect(await writer.write([record('a', [1])], [[true]])).toEqual([
      { id: 'a', matched: 2, duplicate: true, deliveryIds: [] },
    ]);
    expect(states()).toHaveLength(2);
  });

  it('rolls back a failing batch alone and commits the others of its group', async () => {
    const writer = new EventWriter(g.sqlite);
    // Webhook 99 does not exist: its delivery breaks a foreign key after webhook 1's was inserted.
    const failing = writer.write([record('x', [1]), record('y', [99])]);
    const passing = writer.write([record('z', [1])]);
    await expect(failing).rejects.toThrow(/FOREIGN KEY/);
    expect(await passing).toMatchObject([{ id: 'z', matched: 1, duplicate: false }]);
    expect(g.sqlite.prepare('SELECT id FROM events ORDER BY id').pluck().all()).toEqual(['z']);
    expect(states()).toEqual([{ w: 1, state: 'pending' }]);
  });

  it('forgets the Ids of a batch that rolled back, so they are accepted when sent again', async () => {
    const writer = new EventWriter(g.sqlite);
    await expect(writer.write([record('x', [1]), record('y', [99])])).rejects.toThrow(/FOREIGN KEY/);
    expect(await writer.write([record('x', [1]), record('y', [2])])).toMatchObject([
      { id: 'x', matched: 1, duplicate: false },
      { id: 'y', matched: 1, duplicate: false },
    ]);
  });

  it('groups concurrent writers into one commit, up to the cap, without splitting a batch', async () => {
    const writer = new EventWriter(g.sqlite, { maxEventsPerCommit: 3 });
    const commits: number[] = [];
    const original = writer.flush.bind(writer);
    let groups = 0;
    writer.flush = () => {
      groups++;
      const before = g.sqlite.prepare('SELECT count(*) FROM events').pluck().get() as number;
      original();
      commits.push((g.sqlite.prepare('SELECT count(*) FROM events').pluck().get() as number) - before);
    };
    await Promise.all([
      writer.write([record('a', []), record('b', [])]),
      writer.write([record('c', []), record('d', [])]),
      writer.write([record('e', [])]),
    ]);
    expect(groups).toBe(2);
    expect(commits).toEqual([2, 3]);
  });
});
