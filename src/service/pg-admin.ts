import type { AdminTokenDocument, GatewaySection } from '../config/index.js';
import type { AdminDeps } from '../http/admin/app.js';
import type { ConfigurationAdmin } from '../http/admin/config-port.js';
import type { SupportOperations } from '../http/admin/ops/index.js';
import type { AdminTokensPort, AdminTokenView } from '../http/admin/tokens/port.js';
import { ApiError } from '../http/errors.js';

/** The refusal of an admin operation built on SQLite-only code: the store is named, nothing changes. */
export function notOnPostgres(what: string): ApiError {
  return new ApiError(
    'NOT_IMPLEMENTED',
    `${what} is not available yet when Gateway.Database is a PostgreSQL server: ` +
      'change the configuration with gateway import (or the file and SIGHUP), and look an event up with gateway trace',
  );
}

const CONFIGURATION_API = 'The configuration API (/v1/admin/organizations and below)';

const refuse = (what: string) => () => {
  throw notOnPostgres(what);
};

/**
 * The admin API of a gateway on PostgreSQL: the bearer check (the file's Gateway.AdminTokens, reloaded
 * with it), GET /v1/admin/token and /tokens (the file's tokens) and GET /v1/admin/gateway work; the
 * configuration resources, the audit log, tokens created over the API and support's queries and repairs
 * read and write SQLite tables, so their routes answer 501 NOT_IMPLEMENTED in the API's error shape.
 */
export function pgAdminDeps(o: {
  adminTokens: () => readonly AdminTokenDocument[];
  gateway: () => GatewaySection;
}): AdminDeps {
  const configuration: ConfigurationAdmin = {
    organizations: refuse(CONFIGURATION_API),
    organization: refuse(CONFIGURATION_API),
    organizationWithWebhook: refuse(CONFIGURATION_API),
    members: refuse(CONFIGURATION_API),
    organizationGroups: refuse(CONFIGURATION_API),
    edit: refuse(CONFIGURATION_API),
    exportDocument: refuse('GET /v1/admin/config'),
    applyDocument: refuse('PUT /v1/admin/config'),
    audit: refuse('The audit log (/v1/admin/audit)'),
  };
  const tokens: AdminTokensPort = {
    list: async () =>
      o.adminTokens().map(
        (t): AdminTokenView => ({
          Name: t.Name,
          Role: t.Role,
          Organizations: t.Organizations?.map((id) => id.toLowerCase()) ?? null,
          Source: 'file',
        }),
      ),
    create: refuse('Creating admin tokens over the API'),
    remove: refuse('Deleting admin tokens over the API'),
  };
  // Every support operation (events and deliveries queries, health, redeliver, recovery jobs, test sends,
  // explain) reads support's SQLite queries; the routes are kept so each answers the same clear refusal.
  const support = new Proxy({} as SupportOperations, {
    get: (_target, name) => refuse(`Support's ${String(name)} (/v1/admin/events, deliveries, jobs, ...)`),
  });
  return { adminTokens: o.adminTokens, configuration, tokens, gateway: o.gateway, support };
}
