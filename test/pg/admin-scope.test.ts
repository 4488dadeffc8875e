import { parseConfigDocument } from '../../src/config/index.js';
import { startServing } from '../../src/service/gateway.js';
import type { RunningPgGateway } from '../../src/service/pg-gateway.js';
import { describeScopedToken } from '../support/admin-scope.js';
import { testDocument } from '../support/gateway.js';
import { postgresAvailable, startPostgres } from '../support/postgres.js';

describeScopedToken(
  'on PostgreSQL, a token scoped to organization A',
  async (config) => {
    const server = await startPostgres();
    const gateway = (await startServing({
      config: parseConfigDocument(testDocument(await server.createDatabase(), config)),
    })) as RunningPgGateway;
    return {
      url: gateway.url as string,
      async stop() {
        await gateway.stop();
        await server.stop();
      },
    };
  },
  { skip: !postgresAvailable() },
);
