import {
  ConfigError,
  exportConfig,
  type GatewaySection,
  gatewaySchema,
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
    // The Gateway section stays out: it holds every admin token, the MetricsToken and the producer tokens,
    // and PUT takes a document without it as the section in force.
    exportDocument: () => ({ Organizations: exportConfig(database, configuration.running).Organizations }),
    applyDocument(actor, json, dryRun) {
      const sent = isObject(json) ? json.Gateway : undefined;
      // A sent Gateway must be the one in force (it is read from the file); the Organizations are then
      // checked against the running Delivery policy and defaults, whether Gateway was sent or left out.
      if (sent !== undefined && !sameAsRunning(sent, configuration.running))
        throw new ConfigError([
          {
            path: '$.Gateway',
            message:
              'differs from the Gateway section in force: it is read from the configuration file; change it there and reload (SIGHUP), or leave Gateway out',
          },
        ]);
      const config = parseConfigDocument(isObject(json) ? { ...json, Gateway: configuration.running } : json);
      return configuration.applyDocument(actor, config, dryRun);
    },
    audit: (query) => readAudit(database, query),
    members: (organizationId, securityGroupId, after, limit) =>
      groupMembersPage(database, organizationId, securityGroupId, after, limit),
  };
}

function sameAsRunning(sent: unknown, running: GatewaySection): boolean {
  const parsed = gatewaySchema.safeParse(sent);
  return parsed.success && JSON.stringify(parsed.data) === JSON.stringify(running);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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
