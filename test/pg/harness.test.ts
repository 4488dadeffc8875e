import { existsSync } from 'node:fs';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { postgresAvailable, startPostgres } from '../support/postgres.js';

describe.skipIf(!postgresAvailable())('throwaway PostgreSQL', () => {
  it('starts a cluster, gives each caller a database of its own, and removes it all on stop', async () => {
    const server = await startPostgres();
    const [a, b] = [await server.createDatabase(), await server.createDatabase()];
    expect(a).not.toBe(b);
    const client = new pg.Client({ connectionString: a });
    await client.connect();
    await client.query('CREATE TABLE t (x int)');
    expect((await client.query('SELECT current_database() AS name')).rows[0].name).toBe(
      new URL(a).pathname.slice(1),
    );
    await client.end();
    await server.stop();
    const gone = new pg.Client({ connectionString: server.url, connectionTimeoutMillis: 2000 });
    await expect(gone.connect()).rejects.toThrow();
    if (server.dir !== null) expect(existsSync(server.dir)).toBe(false);
  });

  it("reads the server's CPU from its processes, growing while it works", async () => {
    const server = await startPostgres();
    try {
      const before = server.cpuMicros();
      if (server.dir === null) {
        expect(before).toBeNull();
        return;
      }
      const client = new pg.Client({ connectionString: await server.createDatabase() });
      await client.connect();
      // About a second of the backend's CPU, whatever the machine's speed.
      await client.query(
        `SELECT count(*) FROM generate_series(1, 3000000) AS g(i) WHERE md5(i::text) LIKE 'a%'`,
      );
      await client.end();
      const after = server.cpuMicros() as number;
      expect(before).toBeGreaterThan(0);
      expect(after - (before as number)).toBeGreaterThan(200_000);
    } finally {
      await server.stop();
    }
  });
});
