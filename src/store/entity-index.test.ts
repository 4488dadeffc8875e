import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore } from '../../test/support/store.js';
import { EntityIndex, EntityIndexRunner } from './entity-index.js';
import { Pruner } from './pruner.js';
import { decodeCursor } from './support/cursor.js';
import { listEvents } from './support/events.js';

let store: TestStore;
beforeEach(() => {
  store = openTestStore('entity-index-');
});
afterEach(() => store.remove());

const db = () => store.database.sqlite;

/** Events from..to of organization 'o', entity e<seq % 3>, type alternating, accepted at seq * 1000. */
function seed(from: number, to: number): void {
  const insert = db().prepare(
    `INSERT INTO events (seq, id, organization_id, event_type, entity_id, occurred_at, payload, accepted_at, match_count)
     VALUES (?, ?, 'o', ?, ?, '2020-01-01T00:00:00Z', '{}', ?, 0)`,
  );
  for (let i = from; i <= to; i++)
    insert.run(i, `ev-${i}`, i % 2 === 0 ? 'UserStatus' : 'QueueStatus', `e${i % 3}`, i * 1000);
}

const indexed = () => db().prepare('SELECT seq FROM event_entities ORDER BY seq').pluck().all() as number[];

/** Every page of an entity's events, following NextCursor. */
function allPages(entityId: string, limit: number, eventType?: string): number[] {
  const seqs: number[] = [];
  let after = null;
  for (;;) {
    const page = listEvents(db(), { organizationId: 'O', entityId, eventType, after, limit });
    seqs.push(...page.items.map((e) => e.seq));
    if (page.nextCursor === null) return seqs;
    after = decodeCursor(page.nextCursor);
  }
}

describe('EntityIndex', () => {
  it('indexes every event up to the mark, once, and a round cut short is done again without repeats', () => {
    seed(1, 5000);
    const index = new EntityIndex(db());
    expect(index.tail()).toBe(5000);
    // A round cut short: its keys read and one step written, then the index is dropped (a crash).
    for (let i = 0; i < 4; i++) index.step();
    expect(index.mark()).toBe(0);
    expect(indexed().length).toBeGreaterThan(0);
    const again = new EntityIndex(db());
    again.catchUp();
    expect(again.mark()).toBe(5000);
    expect(again.tail()).toBe(0);
    expect(indexed()).toEqual(Array.from({ length: 5000 }, (_, i) => i + 1));
  });

  it('answers an entity from the index and the tail after its mark alike, across pages', () => {
    seed(1, 60);
    const expected = (entity: number, type?: string) =>
      Array.from({ length: 60 }, (_, i) => 60 - i).filter(
        (s) => s % 3 === entity && (type === undefined || (type === 'UserStatus') === (s % 2 === 0)),
      );
    // All in the tail, then half indexed, then all indexed: the same pages each time.
    for (const indexUpTo of [0, 30, 60]) {
      if (indexUpTo > 0) {
        db().exec(`DELETE FROM event_entities; DELETE FROM store_marks WHERE name = 'entity_index_seq'`);
        db().exec(`DELETE FROM events WHERE seq > ${indexUpTo}`);
        new EntityIndex(db()).catchUp();
        seed(indexUpTo + 1, 60);
      }
      expect(allPages('E1', 3)).toEqual(expected(1));
      expect(allPages('e2', 7, 'UserStatus')).toEqual(expected(2, 'UserStatus'));
    }
    expect(indexed().length).toBe(60);
  });

  it('reads the index, not the events, up to the mark', () => {
    seed(1, 30);
    new EntityIndex(db()).catchUp();
    // A row only the index has is found; one only the events have (below the mark) is not.
    db().exec(`UPDATE events SET entity_id = 'moved' WHERE seq = 30`);
    expect(
      listEvents(db(), { organizationId: 'o', entityId: 'e0', limit: 1 }).items.map((e) => e.seq),
    ).toEqual([30]);
    expect(listEvents(db(), { organizationId: 'o', entityId: 'moved', limit: 5 }).items).toEqual([]);
  });

  it('loses the entity row of an event the pruner removes', () => {
    seed(1, 20);
    new EntityIndex(db()).catchUp();
    const pruner = new Pruner(db(), {
      deliveredDays: 0,
      failedDays: 0,
      attemptsPerDelivery: 20,
      auditDays: 365,
    });
    while (!pruner.step().done) {}
    expect(db().prepare('SELECT count(*) FROM events').pluck().get()).toBe(0);
    expect(indexed()).toEqual([]);
  });

  it('runs rounds behind the commits: a few events are indexed within about a second', async () => {
    const index = new EntityIndex(db());
    const runner = new EntityIndexRunner(index, (step) => step());
    try {
      seed(1, 10);
      runner.poke();
      expect(index.mark()).toBe(0);
      await expect.poll(() => index.mark(), { timeout: 3000 }).toBe(10);
      expect(indexed().length).toBe(10);
    } finally {
      runner.stop();
    }
  });
});
