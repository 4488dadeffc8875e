import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestStore, eventRecord as record, type TestStore } from '../../test/support/store.js';
import { EventWriter } from './event-writer.js';
import { traceEvent } from './trace.js';

let store: TestStore;
beforeEach(() => {
  store = openTestStore('trace-');
});
afterEach(() => store.remove());

const traced = (id: string) => traceEvent(store.database.sqlite, id).event?.id ?? null;

describe('traceEvent', () => {
  it('finds an event by its Id in any letter case, and nothing for an Id never accepted', async () => {
    const writer = new EventWriter(store.database.sqlite);
    await writer.write([record('a1', [1]), record('b2', [2])]);
    expect([traced('A1'), traced('b2'), traced('d4')]).toEqual(['a1', 'b2', null]);
  });
});
