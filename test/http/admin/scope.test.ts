import { describeScopedToken } from '../../support/admin-scope.js';
import { sqliteScenarioGateway } from '../../support/scenario-gateways.js';

describeScopedToken('a token scoped to organization A', sqliteScenarioGateway);
