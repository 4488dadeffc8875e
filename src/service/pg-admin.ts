import type pg from 'pg';
import type { AdminDeps } from '../http/admin/app.js';
import type { SupportOperations } from '../http/admin/ops/index.js';
import {
  deleteAdminTokenPg,
  insertAdminTokenPg,
  readStoredAdminTokensPg,
} from '../store/pg/config/admin-tokens.js';
import { readAuditPg } from '../store/pg/config/audit.js';
import { readStateSnapshotPg } from '../store/pg/config/read-state.js';
import { groupMembersPagePg } from '../store/pg/config/security-groups.js';
import { inTransaction, SNAPSHOT } from '../store/pg/sql.js';
import type { AdminTokenRegistry, StoredAdminTokens } from './admin-tokens.js';
import { configurationAdminOver } from './config-admin.js';
import type { PgConfiguration } from './pg-gateway.js';

/** The tokens created over the admin API, in the shared database (every instance reads them). */
export const pgAdminTokens = (pool: pg.Pool): StoredAdminTokens => ({
  read: () => readStoredAdminTokensPg(pool),
  insert: (token) => insertAdminTokenPg(pool, token),
  delete: (name, actor, at) => deleteAdminTokenPg(pool, name, actor, at),
});

/**
 * The admin API of a gateway on PostgreSQL: the bearer check (the file's Gateway.AdminTokens and those
 * created over the API, which every instance reloads when the configuration revision moves), the
 * configuration resources, GET/PUT /v1/admin/config and the audit log over the single change path
 * (PgConfiguration), tokens over the API, GET /v1/admin/gateway, and support's queries and repairs.
 */
export function pgAdminDeps(o: {
  tokens: AdminTokenRegistry;
  configuration: PgConfiguration;
  pool: pg.Pool;
  /** Support's operations on the shared database (src/service/support/pg-support.ts). */
  support: SupportOperations;
}): AdminDeps {
  const configuration = configurationAdminOver({
    running: () => o.configuration.running,
    readState: (organizationIds, options) => readStateSnapshotPg(o.pool, organizationIds, options),
    edit: (actor, organizationId, edit, refuseDelete, dryRun) =>
      o.configuration.editOrganization(actor, organizationId, edit, refuseDelete, dryRun),
    applyDocument: (actor, config, dryRun) => o.configuration.applyDocument(actor, config, dryRun),
    audit: (query) => readAuditPg(o.pool, query),
    // The count and the page from one snapshot.
    members: (organizationId, securityGroupId, after, limit) =>
      inTransaction(
        o.pool,
        (client) => groupMembersPagePg(client, organizationId, securityGroupId, after, limit),
        SNAPSHOT,
      ),
  });
  return {
    adminTokens: o.tokens.inForce,
    configuration,
    tokens: o.tokens,
    gateway: () => o.configuration.running,
    support: o.support,
  };
}
