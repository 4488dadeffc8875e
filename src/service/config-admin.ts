import {
  type AuditQuery,
  type AuditRecord,
  type Change,
  ConfigError,
  type GatewaySection,
  gatewaySchema,
  type OrganizationEdit,
  organizationDocument,
  type ParsedConfig,
  parseConfigDocument,
  readState,
} from '../config/index.js';
import type { ConfigurationAdmin } from '../http/admin/config-port.js';
import { ApiError } from '../http/errors.js';
import { organizationHoldings, readAudit } from '../store/config/audit.js';
import type { ReadStateOptions } from '../store/config/read-state.js';
import { groupMembersPage } from '../store/config/security-groups.js';
import type { StoredOrgState } from '../store/config/state.js';
import type { GatewayDatabase } from '../store/database.js';
import type { Configuration } from './configuration.js';

/** What an organization still holds: webhook rows (deleted ones keep their deliveries' history) and groups. */
export interface Holdings {
  webhookRows: number;
  groups: number;
}

/** The configuration side of a store (SQLite or PostgreSQL), as the admin API's view of it needs. */
export interface ConfigurationStore {
  /** The Gateway section in force (the file's, as started or last reloaded). */
  running(): GatewaySection;
  /** The stored organizations (all when undefined), in normalised form. */
  readState(
    organizationIds: readonly string[] | undefined,
    options: ReadStateOptions,
  ): Promise<StoredOrgState[]>;
  /**
   * The single change path's edit of one organization; when the edit deletes it, `refuseDelete` is given
   * what it still holds, inside the change's transaction, and may throw.
   */
  edit(
    actor: string,
    organizationId: string,
    edit: OrganizationEdit,
    refuseDelete: (holdings: Holdings) => void,
    dryRun: boolean,
  ): Promise<Change[]>;
  applyDocument(actor: string, config: ParsedConfig, dryRun: boolean): Promise<Change[]>;
  audit(query: AuditQuery): Promise<{ records: AuditRecord[]; more: boolean }>;
  members: ConfigurationAdmin['members'];
}

const ownedMembers = { membersOf: (_org: string, _group: string, owned: boolean) => owned };

/** The admin API's view of the configuration, over a store's single change path. */
export function configurationAdminOver(store: ConfigurationStore): ConfigurationAdmin {
  const one = async (organizationId: string, options: ReadStateOptions) => {
    const [org] = await store.readState([organizationId], options);
    return org === undefined ? undefined : organizationDocument(org);
  };
  return {
    organizations: async () => (await store.readState(undefined, ownedMembers)).map(organizationDocument),
    organization: (organizationId) => one(organizationId, ownedMembers),
    organizationWithWebhook: (organizationId, webhookId) =>
      one(organizationId, { membersOf: () => false, webhookId: webhookId.toLowerCase() }),
    // A WebhookId no webhook has (the empty one) narrows the read to the groups.
    organizationGroups: (organizationId) => one(organizationId, { membersOf: () => false, webhookId: '' }),
    edit: (actor, organizationId, edit, dryRun = false) =>
      store.edit(actor, organizationId, edit, (holdings) => refuseNonEmpty(organizationId, holdings), dryRun),
    // The Gateway section stays out: it holds every admin token, the MetricsToken and the producer tokens,
    // and PUT takes a document without it as the section in force.
    exportDocument: async () => ({
      Organizations: (await store.readState(undefined, {})).map(organizationDocument),
    }),
    async applyDocument(actor, json, dryRun) {
      const running = store.running();
      const sent = isObject(json) ? json.Gateway : undefined;
      // A sent Gateway must be the one in force (it is read from the file); the Organizations are then
      // checked against the running Delivery policy and defaults, whether Gateway was sent or left out.
      if (sent !== undefined && !sameAsRunning(sent, running))
        throw new ConfigError([
          {
            path: '$.Gateway',
            message:
              'differs from the Gateway section in force: it is read from the configuration file; change it there and reload (SIGHUP), or leave Gateway out',
          },
        ]);
      const config = parseConfigDocument(isObject(json) ? { ...json, Gateway: running } : json);
      return store.applyDocument(actor, config, dryRun);
    },
    audit: (query) => store.audit(query),
    members: (organizationId, securityGroupId, after, limit) =>
      store.members(organizationId, securityGroupId, after, limit),
  };
}

/** The admin API's view of the configuration of a gateway on SQLite. */
export function configurationAdmin(
  configuration: Configuration,
  database: GatewayDatabase,
): ConfigurationAdmin {
  return configurationAdminOver({
    running: () => configuration.running,
    readState: async (organizationIds, options) => readState(database, organizationIds, options),
    async edit(actor, organizationId, edit, refuseDelete, dryRun) {
      return configuration.editOrganization(
        actor,
        organizationId,
        (current) => {
          const result = edit(current);
          if (result.document === null)
            refuseDelete(organizationHoldings(database, organizationId.toLowerCase()));
          return result;
        },
        dryRun,
      );
    },
    applyDocument: async (actor, config, dryRun) => configuration.applyDocument(actor, config, dryRun),
    audit: async (query) => readAudit(database, query),
    members: async (organizationId, securityGroupId, after, limit) =>
      groupMembersPage(database, organizationId, securityGroupId, after, limit),
  });
}

function sameAsRunning(sent: unknown, running: GatewaySection): boolean {
  const parsed = gatewaySchema.safeParse(sent);
  return parsed.success && JSON.stringify(parsed.data) === JSON.stringify(running);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An organization goes only when nothing is left of it: no groups of producers, no webhooks' history. */
function refuseNonEmpty(organizationId: string, { webhookRows, groups }: Holdings): void {
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
