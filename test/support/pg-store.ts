import { openPgDatabase, type PgDatabase } from '../../src/store/pg/database.js';
import type { TestPostgres } from './postgres.js';

/** For the PostgreSQL store's tests: a fresh, migrated database with organization 'o' and webhooks 1 and 2. */
export async function openTestPgDatabase(server: TestPostgres, poolSize = 4): Promise<PgDatabase> {
  const database = await openPgDatabase(await server.createDatabase(), { poolSize });
  await database.pool.query(`INSERT INTO organizations (id, created_at) VALUES ('o', 0);
    INSERT INTO webhooks (id, webhook_id, organization_id, endpoint, created_at, updated_at)
    VALUES (1, 'w-1', 'o', 'https://a/', 0, 0), (2, 'w-2', 'o', 'https://b/', 0, 0)`);
  return database;
}
