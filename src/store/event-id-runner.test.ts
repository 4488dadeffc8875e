import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openTestStore, eventRecord as record, type TestStore } from '../../test/support/store.js';
import { EventIdRunner, MIN_STEP, RUN_AFTER_MS, RUN_AT } from './event-id-runner.js';
import { EventWriter } from './event-writer.js';

let store: TestStore;
let writer: EventWriter;
let runner: EventIdRunner;
let steps: number;
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate'] });
  store = openTestStore('id-runner-');
  steps = 0;
  writer = new EventWriter(store.database.sqlite, { afterCommit: () => runner.recorded() });
  runner = new EventIdRunner(writer.ids, (step) => {
    steps++;
    return step();
  });
});
afterEach(() => {
  runner.stop();
  vi.useRealTimers();
  store.remove();
});

const ids = (n: number, from = 0) => Array.from({ length: n }, (_, i) => record(`id-${from + i}`, []));

async function write(n: number, from = 0): Promise<void> {
  const written = writer.write(ids(n, from));
  writer.flush();
  await written;
}

describe('EventIdRunner', () => {
  it('indexes a quiet store once its first waiting Id is RUN_AFTER_MS old', async () => {
    await write(3);
    await write(2, 3);
    vi.advanceTimersByTime(RUN_AFTER_MS - 1);
    expect(writer.ids.unindexed).toBe(5);
    vi.advanceTimersByTime(1);
    vi.runAllTimers();
    expect(writer.ids.unindexed).toBe(0);
    expect(steps).toBe(1);
  });

  it('starts a run as soon as RUN_AT Ids wait, one step per turn', async () => {
    await write(RUN_AT);
    expect(steps).toBe(0);
    vi.advanceTimersToNextTimer();
    expect(steps).toBe(1);
    expect(writer.ids.unindexed).toBe(RUN_AT);
    vi.runAllTimers();
    expect(writer.ids.unindexed).toBe(0);
    expect(steps).toBe(RUN_AT / MIN_STEP);
  });

  it('writes twice the Ids recorded since its last step, so a run outpaces the producers', async () => {
    const indexed = () => store.database.sqlite.prepare('SELECT count(*) FROM event_ids').pluck().get();
    await write(RUN_AT);
    vi.advanceTimersToNextTimer();
    expect(indexed()).toBe(MIN_STEP);
    await write(3000, RUN_AT);
    vi.runOnlyPendingTimers();
    expect(indexed()).toBe(MIN_STEP + 6000);
    vi.runAllTimers();
    expect(indexed()).toBe(RUN_AT + 3000);
    expect(writer.ids.unindexed).toBe(0);
  });

  it('takes no further step once stopped', async () => {
    await write(RUN_AT);
    vi.advanceTimersToNextTimer();
    runner.stop();
    vi.runAllTimers();
    expect(steps).toBe(1);
    expect(writer.ids.unindexed).toBe(RUN_AT);
  });

  it('tries a failed run again later, the Ids waiting meanwhile', async () => {
    runner = new EventIdRunner(writer.ids, () => {
      steps++;
      if (steps === 1) throw new Error('disk I/O error');
      return true;
    });
    await write(3);
    vi.advanceTimersByTime(RUN_AFTER_MS);
    vi.advanceTimersToNextTimer();
    expect(steps).toBe(1);
    expect(writer.ids.seqOf('id-1')).toBe(2);
    vi.advanceTimersByTime(RUN_AFTER_MS - 1);
    expect(steps).toBe(1);
    vi.advanceTimersByTime(1);
    vi.advanceTimersToNextTimer();
    expect(steps).toBe(2);
  });
});
