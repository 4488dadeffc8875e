import { describeAdminResources } from '../../support/admin-resources.js';
import { sqliteScenarioGateway } from '../../support/scenario-gateways.js';

describeAdminResources(
  'admin API: organizations, subscriptions, security groups, config, audit',
  sqliteScenarioGateway,
);
