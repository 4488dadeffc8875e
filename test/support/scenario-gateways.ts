import { parseConfigDocument } from '../../src/config/index.js';
import { startServing } from '../../src/service/gateway.js';
import type { RunningPgGateway } from '../../src/service/pg-gateway.js';
import type { ScenarioGateway } from './admin.js';
import { startTestGateway, type TestConfig, testDocument } from './gateway.js';
import { startPostgres } from './postgres.js';

/** A shared scenario's gateway on SQLite (a temp file). */
export async function sqliteScenarioGateway(config: TestConfig): Promise<ScenarioGateway> {
  const gateway = await startTestGateway(config);
  return {
    url: gateway.url as string,
    rows: async (sql) => gateway.rows(sql),
    stop: () => gateway.cleanup(),
  };
}

/** A shared scenario's gateway on PostgreSQL (a throwaway cluster of its own). */
export async function postgresScenarioGateway(config: TestConfig): Promise<ScenarioGateway> {
  const server = await startPostgres();
  const gateway = (await startServing({
    config: parseConfigDocument(testDocument(await server.createDatabase(), config)),
  })) as RunningPgGateway;
  return {
    url: gateway.url as string,
    rows: async (sql) => (await gateway.database.pool.query(sql)).rows,
    async stop() {
      await gateway.stop();
      await server.stop();
    },
  };
}
