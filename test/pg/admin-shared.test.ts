import { describeAdminResources } from '../support/admin-resources.js';
import { describeScopedToken } from '../support/admin-scope.js';
import { postgresAvailable } from '../support/postgres.js';
import { postgresScenarioGateway } from '../support/scenario-gateways.js';

// The SQLite gateway's scenarios of the configuration resources and of scoped tokens
// (test/http/admin/resources.test.ts, scope.test.ts), unchanged, on PostgreSQL.
const skip = !postgresAvailable();
describeAdminResources(
  'admin API on PostgreSQL: organizations, subscriptions, security groups, config, audit',
  postgresScenarioGateway,
  { skip },
);
describeScopedToken('on PostgreSQL, a token scoped to organization A', postgresScenarioGateway, { skip });
