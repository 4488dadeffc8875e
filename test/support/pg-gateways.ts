import { afterAll, afterEach, beforeAll } from 'vitest';
import { parseConfigDocument } from '../../src/config/index.js';
import { startServing } from '../../src/service/gateway.js';
import type { RunningPgGateway } from '../../src/service/pg-gateway.js';
import { startPostgres, type TestPostgres } from './postgres.js';

/**
 * For a describe block: a throwaway PostgreSQL for the file (started before its tests, stopped after),
 * and the gateways a test starts on it in process, stopped after each test.
 */
export function usePgGateways(): {
  server(): TestPostgres;
  start(document: Record<string, unknown>): Promise<RunningPgGateway>;
} {
  let server: TestPostgres | undefined;
  const running: RunningPgGateway[] = [];
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(() => server?.stop());
  afterEach(async () => {
    await Promise.all(running.splice(0).map((g) => g.stop()));
  });
  return {
    server() {
      if (server === undefined) throw new Error('usePgGateways: PostgreSQL is not started yet');
      return server;
    },
    async start(document) {
      const gateway = (await startServing({ config: parseConfigDocument(document) })) as RunningPgGateway;
      running.push(gateway);
      return gateway;
    },
  };
}
