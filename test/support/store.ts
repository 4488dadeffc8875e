import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type GatewayDatabase, openDatabase } from '../../src/store/database.js';
import type { EventRecord } from '../../src/store/event-writer.js';

/** For the store's tests: a migrated database file with organization 'o' and its webhooks 1 and 2. */
export interface TestStore {
  file: string;
  database: GatewayDatabase;
  remove(): void;
}

export function openTestStore(prefix: string): TestStore {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const file = join(dir, 'g.db');
  const database = openDatabase(file);
  database.sqlite.exec(`INSERT INTO organizations (id, created_at) VALUES ('o', 0);
    INSERT INTO webhooks (id, webhook_id, organization_id, endpoint, created_at, updated_at)
    VALUES (1, 'w-1', 'o', 'https://a/', 0, 0), (2, 'w-2', 'o', 'https://b/', 0, 0)`);
  return {
    file,
    database,
    remove() {
      database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An event of organization 'o' matched to the given webhooks; its payload names its Id. */
export function eventRecord(id: string, webhookIds: number[], expiresAt: number | null = null): EventRecord {
  return {
    id,
    organizationId: 'o',
    eventType: 'UserStatus',
    entityId: 'e',
    occurredAt: '2020-01-01T00:00:00Z',
    expiresAt,
    payload: `{"Id":"${id}"}`,
    webhookIds,
  };
}
