import { statSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestStore, eventRecord as record, type TestStore } from '../../test/support/store.js';
import { writeAudit } from './config/audit.js';
import { EventWriter } from './event-writer.js';
import { type PruneCounts, Pruner, pruneNow, type RetentionPolicy, STEP_BUDGET_MS } from './pruner.js';

const DAY = 24 * 60 * 60 * 1000;
const POLICY: RetentionPolicy = { deliveredDays: 7, failedDays: 30, attemptsPerDelivery: 3, auditDays: 365 };

let store: TestStore;
let now: number;
beforeEach(() => {
  store = openTestStore('pruner-');
  now = 100 * DAY;
});
afterEach(() => store.remove());

const sql = () => store.database.sqlite;
const count = (table: string) => sql().prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;

/** Records events accepted at `at`, each to webhooks 1 and 2. */
async function accept(ids: string[], at: number, webhookIds = [1, 2]): Promise<void> {
  await new EventWriter(sql(), { now: () => at }).write(ids.map((id) => record(id, webhookIds)));
}

/** Sets the deliveries of an event to a state, finished at `at`, with `attempts` attempt rows. */
function finish(id: string, state: string, at: number | null, attempts = 1): void {
  const rows = sql()
    .prepare('SELECT d.id FROM deliveries d JOIN events e ON e.seq = d.event_seq WHERE e.id = ?')
    .pluck()
    .all(id) as number[];
  for (const delivery of rows) {
    sql()
      .prepare('UPDATE deliveries SET state = ?, finished_at = ?, attempt_count = ? WHERE id = ?')
      .run(state, at, attempts, delivery);
    for (let n = 1; n <= attempts; n++)
      sql()
        .prepare(
          'INSERT INTO attempts (delivery_id, attempt_no, started_at, duration_ms) VALUES (?, ?, ?, 1)',
        )
        .run(delivery, n, at ?? 0);
  }
}

function prune(policy = POLICY, dry = false): PruneCounts {
  return pruneNow(sql(), policy, { dry, now: () => now }).removed;
}

const eventIds = () => sql().prepare('SELECT id FROM events ORDER BY seq').pluck().all();

describe('Pruner', () => {
  it('removes audit entries older than auditDays, in steps, and keeps the younger ones', () => {
    const entry = (resourceId: string) => ({
      actor: 'ada',
      organizationId: null,
      resource: 'webhook',
      resourceId,
      action: 'update' as const,
      before: null,
      after: null,
    });
    // More old entries than a first step's batch, so the phase takes several steps.
    const old = Array.from({ length: 300 }, (_, i) => entry(`old-${i}`));
    writeAudit(store.database, old, now - 366 * DAY);
    writeAudit(store.database, [entry('young')], now - 364 * DAY);
    const resources = () => sql().prepare('SELECT resource_id FROM audit_log').pluck().all();
    expect(prune(POLICY, true).audit).toBe(300);
    expect(count('audit_log')).toBe(301);
    expect(prune().audit).toBe(300);
    expect(resources()).toEqual(['young']);
    expect(prune({ ...POLICY, auditDays: 30 }).audit).toBe(1);
    expect(count('audit_log')).toBe(0);
  });

  it('removes events whose deliveries all finished past their period, with deliveries and attempts', async () => {
    await accept(['old-delivered', 'young-delivered', 'old-failed', 'very-old-failed', 'waiting'], 0);
    finish('old-delivered', 'delivered', now - 8 * DAY, 2);
    finish('young-delivered', 'delivered', now - 6 * DAY);
    finish('old-failed', 'discarded', now - 8 * DAY);
    finish('very-old-failed', 'expired', now - 31 * DAY, 0);
    finish('waiting', 'retrying', null, 1);
    expect(prune()).toEqual({ events: 2, deliveries: 4, attempts: 4, tombstones: 0, audit: 0 });
    expect(eventIds()).toEqual(['young-delivered', 'old-failed', 'waiting']);
    expect(count('deliveries')).toBe(6);
    expect(count('attempts')).toBe(2 + 2 + 2);
  });

  it('keeps an event while any of its deliveries is kept', async () => {
    await accept(['mixed'], 0);
    const [first] = sql().prepare('SELECT id FROM deliveries ORDER BY id').pluck().all() as number[];
    sql().exec(`UPDATE deliveries SET state = 'delivered', finished_at = ${now - 8 * DAY}`);
    sql().prepare("UPDATE deliveries SET state = 'in_flight', finished_at = NULL WHERE id = ?").run(first);
    expect(prune().events).toBe(0);
    expect(eventIds()).toEqual(['mixed']);
  });

  it('removes an event that matched nothing once DeliveredDays passed since it was accepted', async () => {
    await accept(['unmatched-old'], now - 8 * DAY, []);
    await accept(['unmatched-young'], now - 6 * DAY, []);
    expect(prune().events).toBe(1);
    expect(eventIds()).toEqual(['unmatched-young']);
  });

  it('leaves a tombstone naming the period that applied, and prunes it once that period passed again', async () => {
    await accept(['d', 'f'], 0);
    finish('d', 'delivered', now - 8 * DAY);
    finish('f', 'discarded', now - 31 * DAY);
    prune();
    const tombstones = () =>
      sql().prepare('SELECT id, retention_days AS days FROM pruned_events ORDER BY id').all();
    expect(tombstones()).toEqual([
      { id: 'd', days: 7 },
      { id: 'f', days: 30 },
    ]);
    now += 6 * DAY;
    expect(prune().tombstones).toBe(0);
    now += 2 * DAY;
    expect(prune().tombstones).toBe(1);
    expect(tombstones()).toEqual([{ id: 'f', days: 30 }]);
    now += 23 * DAY;
    expect(prune().tombstones).toBe(1);
    expect(tombstones()).toEqual([]);
  });

  it('counts without removing when dry', async () => {
    await accept(['a', 'b'], 0);
    finish('a', 'delivered', now - 8 * DAY);
    finish('b', 'delivered', now - 8 * DAY);
    expect(prune(POLICY, true)).toEqual({ events: 2, deliveries: 4, attempts: 4, tombstones: 0, audit: 0 });
    expect(eventIds()).toEqual(['a', 'b']);
    expect(count('pruned_events')).toBe(0);
  });

  it('takes fractions of days', async () => {
    await accept(['a'], 0);
    finish('a', 'delivered', now - 2000);
    expect(prune({ ...POLICY, deliveredDays: 1 / 86_400 }).events).toBe(1);
  });

  it('keeps the newest AttemptsPerDelivery attempts of a delivery', async () => {
    await accept(['a'], 0, [1]);
    finish('a', 'retrying', null, 5);
    const pruner = new Pruner(sql(), POLICY, () => now);
    const [delivery] = sql().prepare('SELECT id FROM deliveries').pluck().all() as number[];
    pruner.trim([{ deliveryId: delivery as number, attemptNo: 5 }]);
    expect(sql().prepare('SELECT attempt_no FROM attempts ORDER BY attempt_no').pluck().all()).toEqual([
      3, 4, 5,
    ]);
  });

  it('returns the pages it freed to the file system', async () => {
    const ids = Array.from({ length: 4000 }, (_, i) => `e${i}`);
    for (let i = 0; i < ids.length; i += 500) await accept(ids.slice(i, i + 500), 0);
    sql().exec(`UPDATE deliveries SET state = 'delivered', finished_at = ${now - 8 * DAY}`);
    sql().pragma('wal_checkpoint(TRUNCATE)');
    const before = statSync(store.file).size;
    prune();
    const pruner = new Pruner(sql(), POLICY, () => now);
    while (!pruner.vacuumStep()) {}
    sql().pragma('wal_checkpoint(TRUNCATE)');
    expect(sql().pragma('freelist_count', { simple: true })).toBe(0);
    expect(statSync(store.file).size).toBeLessThan(before / 2);
  });

  it('works in steps that stay within the budget however much there is to remove', async () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => `e${i}`);
    for (let i = 0; i < ids.length; i += 1000) await accept(ids.slice(i, i + 1000), 0);
    sql().exec(`UPDATE deliveries SET state = 'delivered', finished_at = ${now - 8 * DAY}`);
    const pruner = new Pruner(sql(), POLICY, () => now);
    const took: number[] = [];
    for (;;) {
      const started = performance.now();
      const { done } = pruner.step();
      took.push(performance.now() - started);
      if (done) break;
    }
    expect(count('events')).toBe(0);
    took.sort((a, b) => a - b);
    // The median, not the maximum: this machine is shared, and a step can be descheduled.
    expect(took[Math.floor(took.length / 2)]).toBeLessThan(STEP_BUDGET_MS);
    expect(took.length).toBeGreaterThan(5);
  });
});
