import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClaimedDelivery } from '../delivery/engine/delivery-store.js';
import { type GatewayDatabase, openDatabase } from './database.js';
import { type DeliveryIntake, type EventRecord, EventWriter } from './event-writer.js';

/** An intake that takes deliveries for the webhooks it is told to, and records what it was given. */
class RecordingIntake implements DeliveryIntake {
  admitted: ClaimedDelivery[] = [];
  woken: number[] = [];
  released: number[] = [];
  reserved = 0;
  constructor(private readonly takes: ReadonlySet<number>) {}
  reserve(webhookId: number): boolean {
    if (!this.takes.has(webhookId)) return false;
    this.reserved++;
    return true;
  }
  admit(deliveries: readonly ClaimedDelivery[], woken: ReadonlySet<number>): void {
    this.admitted.push(...deliveries);
    this.woken.push(...woken);
  }
  release(webhookIds: readonly number[]): void {
    this.released.push(...webhookIds);
  }
}

let dir: string;
let g: GatewayDatabase;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'writer-'));
  g = openDatabase(join(dir, 'g.db'));
  g.sqlite.exec(`INSERT INTO organizations (id, created_at) VALUES ('o', 0);
    INSERT INTO webhooks (id, organization_id, endpoint, created_at, updated_at) VALUES (1, 'o', 'https://a/', 0, 0), (2, 'o', 'https://b/', 0, 0)`);
});
afterEach(() => {
  g.close();
  rmSync(dir, { recursive: true, force: true });
});

const record = (id: string, webhookIds: number[]): EventRecord => ({
  id,
  organizationId: 'o',
  eventType: 'UserStatus',
  entityId: 'e',
  occurredAt: '2020-01-01T00:00:00Z',
  expiresAt: null,
  payload: `{"Id":"${id}"}`,
  webhookIds,
});

const states = () =>
  g.sqlite.prepare('SELECT webhook_id AS w, state FROM deliveries ORDER BY webhook_id').all() as {
    w: number;
    state: string;
  }[];

describe('EventWriter', () => {
  it('records deliveries the intake takes as in flight and hands them over, the rest pending with their lanes woken', async () => {
    const intake = new RecordingIntake(new Set([1]));
    const writer = new EventWriter(g.sqlite, { intake });
    expect(await writer.write([record('a', [1, 2])])).toEqual([{ id: 'a', matched: 2, duplicate: false }]);
    expect(states()).toEqual([
      { w: 1, state: 'in_flight' },
      { w: 2, state: 'pending' },
    ]);
    expect(intake.admitted).toMatchObject([
      { webhookId: 1, payload: '{"Id":"a"}', attemptCount: 0, eventType: 'UserStatus' },
    ]);
    expect(intake.woken).toEqual([2]);
  });

  it('acknowledges a repeated Id as a duplicate with its first match count, creating nothing', async () => {
    const intake = new RecordingIntake(new Set());
    const writer = new EventWriter(g.sqlite, { intake });
    await writer.write([record('a', [1, 2])]);
    expect(await writer.write([record('a', [1])])).toEqual([{ id: 'a', matched: 2, duplicate: true }]);
    expect(states()).toHaveLength(2);
  });

  it('rolls back a failing batch alone, returns its reservations, and commits the others of its group', async () => {
    const intake = new RecordingIntake(new Set([1, 99]));
    const writer = new EventWriter(g.sqlite, { intake });
    // Webhook 99 does not exist: its delivery breaks a foreign key after webhook 1's was inserted.
    const failing = writer.write([record('x', [1]), record('y', [99])]);
    const passing = writer.write([record('z', [1])]);
    await expect(failing).rejects.toThrow(/FOREIGN KEY/);
    expect(await passing).toEqual([{ id: 'z', matched: 1, duplicate: false }]);
    expect(intake.released.sort()).toEqual([1, 99]);
    expect(g.sqlite.prepare('SELECT id FROM events ORDER BY id').pluck().all()).toEqual(['z']);
    expect(intake.admitted.map((d) => d.payload)).toEqual(['{"Id":"z"}']);
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
