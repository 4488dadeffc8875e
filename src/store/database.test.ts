import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isMigrated, MIGRATIONS_FOLDER, openDatabase } from './database.js';
import { EventWriter } from './event-writer.js';
import { organizations, webhooks } from './schema/index.js';

const TABLES = [
  'attempts',
  'deliveries',
  'events',
  'organizations',
  'pruned_events',
  'security_group_members',
  'security_groups',
  'store_marks',
  'subscriptions',
  'webhooks',
];

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gateway-db-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function tableNames(g: ReturnType<typeof openDatabase>): string[] {
  return (
    g.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
      name: string;
    }[]
  ).map((row) => row.name);
}

describe('openDatabase', () => {
  it('creates the missing folders and the file, with WAL, foreign keys and every table', () => {
    const file = join(dir, 'nested', 'deeper', 'gateway.db');
    const g = openDatabase(file);
    try {
      expect(existsSync(file)).toBe(true);
      expect(g.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(g.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(g.sqlite.pragma('synchronous', { simple: true })).toBe(2);
      expect(g.sqlite.pragma('busy_timeout', { simple: true })).toBe(5000);
      expect(g.sqlite.pragma('temp_store', { simple: true })).toBe(2);
      expect(g.sqlite.pragma('auto_vacuum', { simple: true })).toBe(2);
      expect(tableNames(g)).toEqual(expect.arrayContaining(TABLES));
      expect(isMigrated(g)).toBe(true);
    } finally {
      g.close();
    }
  });

  it('opens an existing file again without re-applying migrations or losing rows', () => {
    const file = join(dir, 'gateway.db');
    const first = openDatabase(file);
    first.db.insert(organizations).values({ id: 'org', createdAt: 1 }).run();
    first.close();
    const second = openDatabase(file);
    try {
      expect(second.db.select().from(organizations).all()).toEqual([
        { id: 'org', createdAt: 1, revision: 0 },
      ]);
      const applied = second.sqlite.prepare('SELECT COUNT(*) AS n FROM __drizzle_migrations').get() as {
        n: number;
      };
      const shipped = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8'));
      expect(applied.n).toBe(shipped.entries.length);
      expect(isMigrated(second)).toBe(true);
    } finally {
      second.close();
    }
  });

  it('migrates a database of the sorted-run Id index to the unique index, and still knows its Ids', async () => {
    const file = join(dir, 'gateway.db');
    // The database as 0001_event_ids left it, with events in it.
    const folder = join(dir, 'migrations');
    cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
    const journal = JSON.parse(readFileSync(join(folder, 'meta', '_journal.json'), 'utf8'));
    journal.entries = journal.entries.slice(0, 2);
    writeFileSync(join(folder, 'meta', '_journal.json'), JSON.stringify(journal));
    const old = new BetterSqlite3(file);
    migrate(drizzle(old), { migrationsFolder: folder, migrationsTable: '__drizzle_migrations' });
    old.exec(`INSERT INTO events (seq, id, organization_id, event_type, entity_id, occurred_at, payload, accepted_at, match_count)
      VALUES (1, 'b', 'o', 'UserStatus', 'e', 't', '{}', 0, 3), (2, 'a', 'o', 'UserStatus', 'e', 't', '{}', 0, 0)`);
    old.close();

    const g = openDatabase(file);
    try {
      expect(tableNames(g)).not.toContain('event_ids');
      // The file was made without auto_vacuum; opening it rebuilt it with INCREMENTAL.
      expect(g.sqlite.pragma('auto_vacuum', { simple: true })).toBe(2);
      const writer = new EventWriter(g.sqlite);
      const [stored] = await writer.write([
        {
          id: 'b',
          organizationId: 'o',
          eventType: 'UserStatus',
          entityId: 'e',
          occurredAt: 't',
          expiresAt: null,
          payload: '{}',
          webhookIds: [],
        },
      ]);
      expect(stored).toMatchObject({ duplicate: true, matched: 3 });
    } finally {
      g.close();
    }
  });

  it('refuses a second event with the same Id from any connection, not only through the writer', () => {
    const file = join(dir, 'gateway.db');
    const g = openDatabase(file);
    const other = new BetterSqlite3(file);
    try {
      const insert = `INSERT INTO events (id, organization_id, event_type, entity_id, occurred_at, payload, accepted_at, match_count)
        VALUES ('same', 'o', 'UserStatus', 'e', 't', '{}', 0, 0)`;
      g.sqlite.exec(insert);
      expect(() => other.exec(insert)).toThrow(/UNIQUE constraint failed: events.id/);
      expect(g.sqlite.prepare("SELECT count(*) FROM events WHERE id = 'same'").pluck().get()).toBe(1);
    } finally {
      other.close();
      g.close();
    }
  });

  it('enforces foreign keys and cascades deletes', () => {
    const g = openDatabase(':memory:');
    try {
      const insertOrphan = () =>
        g.db
          .insert(webhooks)
          .values({
            organizationId: 'missing',
            webhookId: 'w-1',
            endpoint: 'https://x/',
            createdAt: 1,
            updatedAt: 1,
          })
          .run();
      expect(insertOrphan).toThrow(/FOREIGN KEY/);
      g.db.insert(organizations).values({ id: 'org', createdAt: 1 }).run();
      g.db
        .insert(webhooks)
        .values({
          organizationId: 'org',
          webhookId: 'w-1',
          endpoint: 'https://x/',
          createdAt: 1,
          updatedAt: 1,
        })
        .run();
      g.sqlite.prepare('DELETE FROM organizations').run();
      expect(g.db.select().from(webhooks).all()).toEqual([]);
    } finally {
      g.close();
    }
  });

  it('works in memory and reports a fresh unmigrated database as not ready', () => {
    const g = openDatabase(':memory:');
    try {
      expect(tableNames(g)).toEqual(expect.arrayContaining(TABLES));
      g.sqlite.exec('DROP TABLE __drizzle_migrations');
      expect(isMigrated(g)).toBe(false);
    } finally {
      g.close();
    }
  });

  it('opens read-only an existing file, refusing writes', () => {
    const file = join(dir, 'gateway.db');
    openDatabase(file).close();
    const g = openDatabase(file, { readonly: true });
    try {
      expect(isMigrated(g)).toBe(true);
      expect(() => g.db.insert(organizations).values({ id: 'org', createdAt: 1 }).run()).toThrow(/readonly/);
    } finally {
      g.close();
    }
  });
});
