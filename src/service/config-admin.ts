import {
  type ConfigDocument,
  ConfigError,
  exportConfig,
  organizationDocument,
  parseConfigDocument,
  readState,
} from '../config/index.js';
import type { ConfigurationAdmin } from '../http/admin/config-port.js';
import { ApiError } from '../http/errors.js';
import { organizationHoldings, readAudit } from '../store/config/audit.js';
import { groupMembersPage } from '../store/config/security-groups.js';
import type { GatewayDatabase } from '../store/database.js';
import type { Configuration } from './configuration.js';

const ownedMembers = { membersOf: (_org: string, _group: string, owned: boolean) => owned };

/** The admin API's view of the configuration, over the Configuration's single change path. */
export function configurationAdmin(
  configuration: Configuration,
  database: GatewayDatabase,
): ConfigurationAdmin {
  return {
    organizations: () => readState(database, undefined, ownedMembers).map(organizationDocument),
    organization(organizationId) {
      const [org] = readState(database, [organizationId], ownedMembers);
      return org === undefined ? undefined : organizationDocument(org);
    },
    organizationWithWebhook(organizationId, webhookId) {
      const [org] = readState(database, [organizationId], {
        membersOf: () => false,
        webhookId: webhookId.toLowerCase(),
      });
      return org === undefined ? undefined : organizationDocument(org);
    },
    edit(actor, organizationId, edit, dryRun = false) {
      return configuration.editOrganization(
        actor,
        organizationId,
        (current) => {
          const result = edit(current);
          if (result.document === null) refuseNonEmpty(database, organizationId);
          return result;
        },
        dryRun,
      );
    },
    exportDocument: (): ConfigDocument => exportConfig(database, configuration.running),
    applyDocument(actor, json, dryRun) {
      const config = parseConfigDocument(json);
      const sent = (json as { Gateway?: unknown }).Gateway;
      if (sent !== undefined && JSON.stringify(config.gateway) !== JSON.stringify(configuration.running))
        throw new ConfigError([
          {
            path: '$.Gateway',
            message:
              'differs from the Gateway section in force: it is read from the configuration file; change it there and reload (SIGHUP), or leave Gateway out',
          },
        ]);
      return configuration.applyDocument(actor, { ...config, gateway: configuration.running }, dryRun);
    },
    audit: (query) => readAudit(database, query),
    members: (organizationId, securityGroupId, after, limit) =>
      groupMembersPage(database, organizationId, securityGroupId, after, limit),
  };
}

/** An organization goes only when nothing is left of it: no groups of producers, no webhooks' history. */
function refuseNonEmpty(database: GatewayDatabase, organizationId: string): void {
  const { webhookRows, groups } = organizationHoldings(database, organizationId.toLowerCase());
  if (groups > 0)
    throw new ApiError(
      'CONFLICT',
      `Organization ${organizationId} still has ${groups} security group(s) (producers' groups included): delete them first`,
    );
  if (webhookRows > 0)
    throw new ApiError(
      'CONFLICT',
      `Organization ${organizationId} keeps the delivery history of ${webhookRows} webhook(s) it had; it stays, empty`,
    );
}
