import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PgDatabase } from '../../src/store/pg/database.js';
import { connectPrepared, execute, forgetPrepared, NOT_PREPARED } from '../../src/store/pg/prepared.js';
import { openTestPgDatabase } from '../support/pg-store.js';
import { postgresAvailable, startPostgres, type TestPostgres } from '../support/postgres.js';

/** The delivery queue's prepared statements, on a real server. */
describe.skipIf(!postgresAvailable())('PostgreSQL prepared statements', () => {
  let server: TestPostgres;
  let database: PgDatabase;
  beforeAll(async () => {
    server = await startPostgres();
    database = await openTestPgDatabase(server);
  });
  afterAll(async () => {
    await database?.close();
    await server?.stop();
  });

  const state = (instance: string) => execute('gw_claim_state', [1, Date.now(), instance]);

  it('prepares once per connection, and again after the session lost them', async () => {
    const client = await connectPrepared(database.relaxed);
    expect((await client.query(state('me'))).rows[0]).toMatchObject({ places: 0, held: 0, at: null });
    // Something reset the session (a pooler, DISCARD ALL): the statements are gone.
    await client.query('DEALLOCATE ALL');
    client.release();
    const again = await connectPrepared(database.relaxed);
    expect(again).toBe(client);
    const failure = await again.query(state('me')).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: NOT_PREPARED });
    forgetPrepared(again, failure);
    again.release();
    const third = await connectPrepared(database.relaxed);
    expect(third).toBe(client);
    expect((await third.query(state('me'))).rows[0]).toMatchObject({ places: 0 });
    third.release();
  });

  it('inlines strings as literals that no quote or backslash can end', async () => {
    const client = await connectPrepared(database.relaxed);
    try {
      await client.query(
        `INSERT INTO webhook_places (webhook_id, instance, places, until) VALUES (1, $1, 3, $2)`,
        ["it's \\' a ''test", Date.now() + 60_000],
      );
      const row = (await client.query(state("it's \\' a ''test"))).rows[0];
      expect(row).toMatchObject({ places: 3 });
    } finally {
      client.release();
    }
  });

  it('refuses to inline a number that is not an integer', () => {
    expect(() => execute('gw_claim_state', [1.5, 0, 'x'])).toThrow(/not an integer/);
    expect(() => execute('gw_trim', [[1]])).toThrow(/takes 2 arguments, not 1/);
  });
});
