import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER, openDatabase } from '../../src/store/database.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A database as the first release (migrations 0000 and 0001 only) left it, with the given rows. */
function firstReleaseDatabase(file: string, rows: string): void {
  const folder = join(dirname(file), 'drizzle-first-release');
  cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
  const journalFile = join(folder, 'meta/_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] };
  journal.entries = journal.entries.filter((e) => e.tag === '0000_initial' || e.tag === '0001_event_ids');
  writeFileSync(journalFile, JSON.stringify(journal));
  const sqlite = new BetterSqlite3(file);
  migrate(drizzle(sqlite), { migrationsFolder: folder, migrationsTable: '__drizzle_migrations' });
  sqlite.exec(rows);
  sqlite.close();
}

describe('upgrading a database of the first release', () => {
  it('gives every webhook a WebhookId, pauses what waits for a disabled one, keeps the rest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gateway-upgrade-'));
    dirs.push(dir);
    const file = join(dir, 'gateway.db');
    firstReleaseDatabase(
      file,
      `INSERT INTO organizations (id, created_at) VALUES ('o', 1);
       INSERT INTO webhooks (id, organization_id, endpoint, enabled, created_at, updated_at)
         VALUES (1, 'o', 'https://a.example/', 1, 1, 1), (2, 'o', 'https://b.example/', 0, 1, 1);
       INSERT INTO events (seq, id, organization_id, event_type, entity_id, occurred_at, payload, accepted_at, match_count)
         VALUES (1, 'e-1', 'o', 'UserStatus', 'x', '2026-01-01T00:00:00Z', '{}', 1, 2);
       INSERT INTO deliveries (id, event_seq, webhook_id, state, attempt_count, next_attempt_at, created_at) VALUES
         (1, 1, 1, 'pending', 0, 1, 1), (2, 1, 2, 'retrying', 2, 1, 1), (3, 1, 2, 'delivered', 1, 1, 1);`,
    );
    const g = openDatabase(file);
    try {
      const webhooks = g.sqlite
        .prepare('SELECT id, webhook_id AS webhookId FROM webhooks ORDER BY id')
        .all() as {
        webhookId: string;
      }[];
      for (const w of webhooks)
        expect(w.webhookId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(new Set(webhooks.map((w) => w.webhookId)).size).toBe(2);
      expect(g.sqlite.prepare('SELECT id, state FROM deliveries ORDER BY id').all()).toEqual([
        { id: 1, state: 'pending' },
        { id: 2, state: 'paused' },
        { id: 3, state: 'delivered' },
      ]);
      expect(g.sqlite.prepare("SELECT id FROM events WHERE id = 'e-1'").pluck().get()).toBe('e-1');
    } finally {
      g.close();
    }
  });
});
