import { afterAll, beforeAll, describe } from 'vitest';
import { PgStore } from '../../src/store/pg/pg-store.js';
import { traceEventPg } from '../../src/store/pg/trace.js';
import { openTestPgDatabase } from '../support/pg-store.js';
import { postgresAvailable, startPostgres, type TestPostgres } from '../support/postgres.js';
import { describeStoreContract } from './contract.js';

describe.skipIf(!postgresAvailable())('PostgreSQL store', () => {
  let server: TestPostgres;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(() => server?.stop());

  describeStoreContract('PostgreSQL', async () => {
    const database = await openTestPgDatabase(server);
    const store = new PgStore(database, { prune: false });
    return {
      store,
      trace: (id) => traceEventPg(database.pool, id),
      prune: (policy, now) => store.prune(policy, { now: () => now }),
      rows: async () =>
        (
          await database.pool.query<{ deliveries: number; attempts: number }>(
            `SELECT (SELECT count(*) FROM deliveries)::int AS deliveries, (SELECT count(*) FROM attempts)::int AS attempts`,
          )
        ).rows[0] as { deliveries: number; attempts: number },
      close: () => store.close(),
    };
  });
});
