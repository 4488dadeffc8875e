import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore } from '../../../test/support/store.js';
import { DeliveryStore } from '../delivery-store.js';
import { decodeCursor } from './cursor.js';
import { findWebhook, getDelivery, listDeliveries } from './deliveries.js';
import { listEvents } from './events.js';
import { HEALTH_SAMPLE, webhookHealth, windowStats } from './health.js';
import { createJob, getJob, runJobBatch } from './jobs.js';
import { busyUpTo, countRecoverable, requeueDelivery } from './requeue.js';
import { recentTestAttempts, recordTestAttempt, TEST_ATTEMPTS_KEPT } from './test-attempts.js';

let store: TestStore;
beforeEach(() => {
  store = openTestStore('support-queries-');
});
afterEach(() => store.remove());

const sql = (text: string, ...params: unknown[]) => store.database.sqlite.prepare(text).run(...params);
const deliveryRow = (id: number) =>
  store.database.sqlite
    .prepare(
      'SELECT state, next_attempt_at AS due, requeued_from AS requeuedFrom FROM deliveries WHERE id = ?',
    )
    .get(id) as { state: string; due: number; requeuedFrom: string | null };

/** Events 1..n of organization 'o' (type alternating, entity e1/e2), accepted at t = seq * 1000. */
function seed(n: number, state = 'delivered', webhookId = 1): void {
  for (let i = 1; i <= n; i++) {
    sql(
      `INSERT INTO events (seq, id, organization_id, event_type, entity_id, occurred_at, payload, accepted_at, match_count)
       VALUES (?, ?, 'o', ?, ?, '2020-01-01T00:00:00Z', '{}', ?, 1)`,
      i,
      `ev-${i}`,
      i % 2 === 0 ? 'UserStatus' : 'QueueStatus',
      i % 3 === 0 ? 'e1' : 'e2',
      i * 1000,
    );
    sql(
      `INSERT INTO deliveries (id, event_seq, webhook_id, state, attempt_count, next_attempt_at, created_at, last_attempt_at, last_status)
       VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?)`,
      i,
      i,
      webhookId,
      state,
      i * 1000,
      i * 1000,
      i * 1000,
      state === 'delivered' ? 200 : 500,
    );
  }
}

describe('listEvents', () => {
  it('pages newest first by cursor, narrowed by type, entity and time', () => {
    seed(10);
    const db = store.database.sqlite;
    const first = listEvents(db, { organizationId: 'O', limit: 4 });
    expect(first.items.map((e) => e.seq)).toEqual([10, 9, 8, 7]);
    expect(first.items[0]?.deliveryStates).toEqual({ delivered: 1 });
    const second = listEvents(db, {
      organizationId: 'o',
      limit: 4,
      after: decodeCursor(first.nextCursor as string),
    });
    expect(second.items.map((e) => e.seq)).toEqual([6, 5, 4, 3]);
    const last = listEvents(db, {
      organizationId: 'o',
      limit: 4,
      after: decodeCursor(second.nextCursor as string),
    });
    expect(last.items.map((e) => e.seq)).toEqual([2, 1]);
    expect(last.nextCursor).toBeNull();
    expect(
      listEvents(db, { organizationId: 'o', eventType: 'UserStatus', limit: 10 }).items.map((e) => e.seq),
    ).toEqual([10, 8, 6, 4, 2]);
    expect(
      listEvents(db, { organizationId: 'o', eventType: 'UserStatus', entityId: 'E1', limit: 10 }).items.map(
        (e) => e.seq,
      ),
    ).toEqual([6]);
    expect(
      listEvents(db, { organizationId: 'o', from: 3000, to: 6000, limit: 10 }).items.map((e) => e.seq),
    ).toEqual([5, 4, 3]);
    expect(listEvents(db, { organizationId: 'other', limit: 10 }).items).toEqual([]);
  });
});

describe('listDeliveries and getDelivery', () => {
  it('merges the states newest first and pages them', () => {
    seed(6);
    sql(`UPDATE deliveries SET state = 'discarded' WHERE id IN (2, 5)`);
    const db = store.database.sqlite;
    const all = listDeliveries(db, { webhookRowId: 1, limit: 4 });
    expect(all.items.map((d) => [d.deliveryId, d.state])).toEqual([
      [6, 'delivered'],
      [5, 'discarded'],
      [4, 'delivered'],
      [3, 'delivered'],
    ]);
    const rest = listDeliveries(db, {
      webhookRowId: 1,
      limit: 4,
      after: decodeCursor(all.nextCursor as string),
    });
    expect(rest.items.map((d) => d.deliveryId)).toEqual([2, 1]);
    expect(rest.nextCursor).toBeNull();
    expect(
      listDeliveries(db, { webhookRowId: 1, states: ['discarded'], limit: 9 }).items.map((d) => d.deliveryId),
    ).toEqual([5, 2]);
    expect(
      listDeliveries(db, { webhookRowId: 1, from: 2000, to: 4000, limit: 9 }).items.map((d) => d.deliveryId),
    ).toEqual([3, 2]);
    expect(listDeliveries(db, { webhookRowId: 2, limit: 9 }).items).toEqual([]);
    sql(
      `INSERT INTO attempts (delivery_id, attempt_no, started_at, duration_ms, status_code, response_snippet) VALUES (5, 1, 5000, 12, 500, 'boom')`,
    );
    const detail = getDelivery(db, 5);
    expect(detail).toMatchObject({
      deliveryId: 5,
      eventId: 'ev-5',
      webhookId: 'w-1',
      organizationId: 'o',
      state: 'discarded',
    });
    expect(detail?.attempts).toEqual([
      {
        attemptNo: 1,
        startedAt: 5000,
        durationMs: 12,
        statusCode: 500,
        errorClass: null,
        errorMessage: null,
        responseSnippet: 'boom',
      },
    ]);
    expect(getDelivery(db, 99)).toBeNull();
    expect(findWebhook(db, 'O', 'W-1')?.rowId).toBe(1);
    expect(findWebhook(db, 'other', 'w-1')).toBeNull();
  });
});

describe('webhookHealth', () => {
  it("reads at most HEALTH_SAMPLE of a busy webhook's most recently attempted deliveries, and says so", () => {
    const now = 10_000_000;
    const n = HEALTH_SAMPLE + 50;
    seed(n, 'delivered');
    const db = store.database.sqlite;
    db.transaction(() => {
      for (let id = 1; id <= n; id++) {
        // The oldest 50 are the slow ones: the sample leaves them out.
        sql('UPDATE deliveries SET last_attempt_at = ? WHERE id = ?', now - 1_000_000 + id, id);
        sql(
          `INSERT INTO attempts (delivery_id, attempt_no, started_at, duration_ms, status_code) VALUES (?, 1, ?, ?, 200)`,
          id,
          now - 1_000_000 + id,
          id <= 50 ? 5_000 : 10,
        );
      }
    })();
    const h = webhookHealth(db, 1, now);
    expect(h.sampled).toBe(true);
    expect(h.lastHour).toEqual({ attempts: HEALTH_SAMPLE, successRate: 1, p50Ms: 10, p99Ms: 10 });
    sql('DELETE FROM attempts WHERE delivery_id > ?', HEALTH_SAMPLE);
    sql('UPDATE deliveries SET last_attempt_at = NULL WHERE id > ?', HEALTH_SAMPLE);
    expect(webhookHealth(db, 1, now).sampled).toBe(false);
  });

  it('counts what waits and summarises the attempts of the last 5 minutes and hour', () => {
    const now = 10_000_000;
    seed(3, 'retrying');
    sql(
      `UPDATE deliveries SET created_at = ?, last_attempt_at = ?, last_error_class = 'http-status' WHERE id = 1`,
      now - 7_200_000,
      now - 120_000,
    );
    sql(
      `UPDATE deliveries SET state = 'delivered', last_attempt_at = ?, last_status = 200 WHERE id = 2`,
      now - 600_000,
    );
    sql(`UPDATE deliveries SET state = 'paused', created_at = ? WHERE id = 3`, now - 100);
    for (const [id, at, ms, status] of [
      [1, now - 120_000, 30, 500],
      [2, now - 3_000_000, 10, 500],
      [2, now - 600_000, 20, 200],
      [1, now - 5_000_000, 99, 500],
    ] as const) {
      sql(
        `INSERT INTO attempts (delivery_id, attempt_no, started_at, duration_ms, status_code, error_class)
         VALUES (?, 1, ?, ?, ?, ?)`,
        id,
        at,
        ms,
        status,
        status === 200 ? null : 'http-status',
      );
    }
    const h = webhookHealth(store.database.sqlite, 1, now);
    expect(h.waiting).toBe(2);
    expect(h.oldestWaitingCreatedAt).toBe(now - 7_200_000);
    expect(h.last5Minutes).toEqual({ attempts: 1, successRate: 0, p50Ms: 30, p99Ms: 30 });
    expect(h.lastHour).toMatchObject({ attempts: 3, p50Ms: 20, p99Ms: 30 });
    expect(h.lastHour.successRate).toBeCloseTo(1 / 3);
    expect(h.lastSuccessAt).toBe(now - 600_000);
    expect(h.lastFailure).toEqual({ at: now - 120_000, statusCode: 500, errorClass: 'http-status' });
    expect(windowStats([])).toEqual({ attempts: 0, successRate: null, p50Ms: null, p99Ms: null });
    // Nothing attempted in the last hour: the most recently attempted deliveries tell.
    const later = webhookHealth(store.database.sqlite, 1, now + 10 * 3_600_000);
    expect(later.lastHour.attempts).toBe(0);
    expect(later.lastSuccessAt).toBe(now - 600_000);
    expect(later.lastFailure).toEqual({ at: now - 120_000, statusCode: 500, errorClass: 'http-status' });
  });
});

describe('test attempts', () => {
  it('keeps the newest per webhook and reads them newest first', () => {
    const db = store.database.sqlite;
    seed(1);
    for (let i = 1; i <= TEST_ATTEMPTS_KEPT + 5; i++) {
      recordTestAttempt(db, {
        webhookRowId: 1,
        eventId: `t-${i}`,
        eventType: 'UserStatus',
        startedAt: i,
        durationMs: 1,
        statusCode: 200,
        errorClass: null,
        errorMessage: null,
        responseSnippet: null,
        sentBy: 'eddie',
      });
    }
    const kept = recentTestAttempts(db, 1);
    expect(kept).toHaveLength(TEST_ATTEMPTS_KEPT);
    expect(kept[0]?.eventId).toBe(`t-${TEST_ATTEMPTS_KEPT + 5}`);
    expect(kept.at(-1)?.eventId).toBe('t-6');
    expect(db.prepare('SELECT count(*) FROM test_attempts').pluck().get()).toBe(TEST_ATTEMPTS_KEPT);
  });
});

describe('re-queuing', () => {
  it('gives a finished delivery one more attempt: due at once, and a failure ends it discarded', () => {
    seed(1, 'discarded');
    expect(requeueDelivery(store.database.sqlite, 1)).toBe(true);
    expect(deliveryRow(1)).toEqual({ state: 'retrying', due: 0, requeuedFrom: 'discarded' });
    const claimed = new DeliveryStore(store.database.sqlite).claim(1, Date.now(), 10).deliveries;
    expect(claimed.map((d) => d.id)).toEqual([1]);
    new DeliveryStore(store.database.sqlite).record([
      {
        deliveryId: 1,
        state: 'retrying',
        attemptCount: 2,
        nextAttemptAt: Date.now() + 1000,
        finishedAt: null,
        attempt: null,
      },
    ]);
    expect(deliveryRow(1)).toMatchObject({ state: 'discarded', requeuedFrom: null });
  });

  it('attempts an expired delivery past its TTL, and never one in flight', () => {
    seed(2, 'expired');
    sql(`UPDATE events SET expires_at = 1`);
    sql(`UPDATE deliveries SET state = 'in_flight' WHERE id = 2`);
    expect(requeueDelivery(store.database.sqlite, 2)).toBe(false);
    expect(requeueDelivery(store.database.sqlite, 1)).toBe(true);
    const claimed = new DeliveryStore(store.database.sqlite).claim(1, Date.now(), 10).deliveries;
    expect(claimed).toMatchObject([{ id: 1, expiresAt: null }]);
  });

  it('holds what it re-queues for a paused webhook', () => {
    seed(1, 'discarded');
    sql('UPDATE webhooks SET enabled = 0 WHERE id = 1');
    requeueDelivery(store.database.sqlite, 1);
    expect(deliveryRow(1).state).toBe('paused');
    // What a paused webhook holds counts as ahead of a recovery: its next batch waits for the resume.
    expect(busyUpTo(store.database.sqlite, 1, 10)).toBe(1);
  });

  it("never re-queues a deleted webhook's delivery: it stays finished, with its finish time", () => {
    seed(1, 'discarded');
    sql('UPDATE deliveries SET finished_at = 1000');
    sql('UPDATE webhooks SET deleted_at = 5 WHERE id = 1');
    expect(requeueDelivery(store.database.sqlite, 1)).toBe(false);
    expect(deliveryRow(1)).toMatchObject({ state: 'discarded', requeuedFrom: null });
    const unfinished = store.database.sqlite.prepare(
      'SELECT count(*) FROM deliveries WHERE finished_at IS NULL',
    );
    expect(unfinished.pluck().get()).toBe(0);
  });

  it('fails a job whose webhook was deleted in the batch itself, re-queuing nothing', () => {
    seed(3, 'delivered');
    const db = store.database.sqlite;
    const selection = { webhookRowId: 1, states: ['delivered' as const], since: 0, until: 10_000 };
    createJob(db, { id: 'j', selection, total: 3, createdBy: 'alice', now: 1 });
    sql('UPDATE webhooks SET deleted_at = 5 WHERE id = 1');
    expect(runJobBatch(db, 'j', 2, 7)).toBeNull();
    expect(getJob(db, 'j')).toMatchObject({ state: 'failed', error: 'the webhook was deleted', done: 0 });
    expect([1, 2, 3].map((id) => deliveryRow(id).state)).toEqual(['delivered', 'delivered', 'delivered']);
  });

  it('makes a recovery batch due at its own time, behind what was already due', () => {
    seed(1, 'delivered');
    const db = store.database.sqlite;
    const selection = { webhookRowId: 1, states: ['delivered' as const], since: 0, until: 10_000 };
    createJob(db, { id: 'j', selection, total: 1, createdBy: 'alice', now: 1 });
    expect(runJobBatch(db, 'j', 2, 4242)).toBe(1);
    expect(deliveryRow(1)).toMatchObject({ state: 'retrying', due: 4242, requeuedFrom: 'delivered' });
  });

  it('runs a recovery job in batches past a cursor, counting what it re-queued', () => {
    seed(5, 'discarded');
    sql(`UPDATE deliveries SET state = 'delivered' WHERE id = 3`);
    const db = store.database.sqlite;
    const selection = {
      webhookRowId: 1,
      states: ['discarded', 'expired'] as const,
      since: 2000,
      until: 6000,
    };
    const total = countRecoverable(db, { ...selection, states: [...selection.states] });
    expect(total).toBe(3);
    createJob(db, {
      id: 'j',
      selection: { ...selection, states: [...selection.states] },
      total,
      createdBy: 'alice',
      now: 1,
    });
    expect(runJobBatch(db, 'j', 2, 2)).toBe(2);
    expect(getJob(db, 'j')).toMatchObject({ done: 2, cursor: { at: 4000, id: 4 }, state: 'running' });
    // What the first batch re-queued fails again: the cursor keeps the job from taking it twice.
    sql(`UPDATE deliveries SET state = 'discarded' WHERE id IN (2, 4)`);
    expect(runJobBatch(db, 'j', 2, 3)).toBe(1);
    expect(runJobBatch(db, 'j', 2, 4)).toBe(0);
    expect(getJob(db, 'j')).toMatchObject({ done: 3, total: 3 });
    expect(deliveryRow(1).state).toBe('discarded');
    expect(deliveryRow(5).state).toBe('retrying');
    sql(`UPDATE support_jobs SET state = 'cancelled'`);
    expect(runJobBatch(db, 'j', 2, 5)).toBeNull();
  });
});
