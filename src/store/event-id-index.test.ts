import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { openTestStore, eventRecord as record, type TestStore } from '../../test/support/store.js';
import { openDatabase } from './database.js';
import type { EventIdIndex } from './event-id-index.js';
import { EventWriter } from './event-writer.js';

let store: TestStore;
beforeEach(() => {
  store = openTestStore('id-index-');
});
afterEach(() => store.remove());

const ids = (n: number, from = 0) => Array.from({ length: n }, (_, i) => record(`id-${from + i}`, [1]));
const indexed = () => store.database.sqlite.prepare('SELECT count(*) FROM event_ids').pluck().get();
const through = () =>
  store.database.sqlite
    .prepare("SELECT value FROM store_marks WHERE name = 'event_ids_through'")
    .pluck()
    .get();

function runToEnd(index: EventIdIndex): number {
  const run = index.startRun();
  let steps = 0;
  if (run === null) return steps;
  while (!run.step(1024)) steps++;
  return steps + 1;
}

describe('EventIdIndex', () => {
  it('moves recorded Ids to event_ids in steps of one transaction, then marks how far it got', async () => {
    const writer = new EventWriter(store.database.sqlite);
    await writer.write(ids(2500));
    expect(writer.ids.unindexed).toBe(2500);
    const run = writer.ids.startRun();
    expect(run?.step(1024)).toBe(false);
    // Part of a run is on disk but not marked: those Ids are still found among the waiting ones.
    expect(indexed()).toBe(1024);
    expect(through()).toBe(0);
    expect(run?.step(1024)).toBe(false);
    expect(run?.step(1024)).toBe(true);
    expect(indexed()).toBe(2500);
    expect(through()).toBe(2500);
    expect(writer.ids.unindexed).toBe(0);
    expect(writer.ids.startRun()).toBeNull();
  });

  it('finds a duplicate whether its Id is waiting or already indexed', async () => {
    const writer = new EventWriter(store.database.sqlite);
    await writer.write([record('old', [1, 2])]);
    runToEnd(writer.ids);
    await writer.write([record('new', [1])]);
    expect(await writer.write([record('old', [1]), record('new', [2]), record('other', [1])])).toMatchObject([
      { id: 'old', matched: 2, duplicate: true },
      { id: 'new', matched: 1, duplicate: true },
      { id: 'other', matched: 1, duplicate: false },
    ]);
  });

  it('keeps Ids recorded during a run for the next one', async () => {
    const writer = new EventWriter(store.database.sqlite);
    await writer.write(ids(10));
    const run = writer.ids.startRun();
    await writer.write(ids(5, 10));
    expect(run?.step(1024)).toBe(true);
    expect(writer.ids.unindexed).toBe(5);
    expect(through()).toBe(10);
    expect(writer.ids.seqOf('id-12')).toBe(13);
  });

  it('reads the unindexed events back at start, after a run cut short too', async () => {
    const writer = new EventWriter(store.database.sqlite);
    await writer.write(ids(1500));
    runToEnd(writer.ids);
    await writer.write(ids(1500, 1500));
    // A crash after the first step of the next run: its Ids are in event_ids, but not marked.
    expect(writer.ids.startRun()?.step(1024)).toBe(false);
    store.database.close();
    store.database = openDatabase(store.file);
    onTestFinished(() => store.database.close());

    const again = new EventWriter(store.database.sqlite);
    expect(again.ids.unindexed).toBe(1500);
    expect(await again.write([record('id-10', [1]), record('id-2999', [1])])).toMatchObject([
      { duplicate: true },
      { duplicate: true },
    ]);
    expect(runToEnd(again.ids)).toBe(2);
    expect(indexed()).toBe(3000);
    expect(through()).toBe(3000);
  });
});
