import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestStore, eventRecord as record, type TestStore } from '../../test/support/store.js';
import { EventWriter } from '../store/event-writer.js';
import { traceEvent } from './trace.js';

let store: TestStore;
beforeEach(() => {
  store = openTestStore('trace-');
});
afterEach(() => store.remove());

const traced = (id: string) => traceEvent(store.database.sqlite, id).event?.id ?? null;

describe('traceEvent', () => {
  it('finds an event whose Id is not indexed yet, and again once it is, in any letter case', async () => {
    const writer = new EventWriter(store.database.sqlite);
    await writer.write([record('a1', [1]), record('b2', [2])]);
    expect(traced('A1')).toBe('a1');
    const run = writer.ids.startRun();
    expect(run?.step(1024)).toBe(true);
    await writer.write([record('c3', [1])]);
    expect([traced('a1'), traced('B2'), traced('c3'), traced('d4')]).toEqual(['a1', 'b2', 'c3', null]);
  });
});
