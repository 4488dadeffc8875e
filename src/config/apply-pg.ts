import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { applyPlannedPg, webhookOrganizationsPg } from '../store/pg/config/apply.js';
import type { ApplyOptions } from './apply.js';
import { auditEntries, DOCUMENT_ACTOR } from './audit.js';
import { ConfigError } from './config-error.js';
import type { ParsedConfig } from './parse.js';
import { type Change, planChanges } from './plan.js';
import { resolveWebhookIds } from './webhook-identity.js';

/**
 * applyConfig (apply.ts) for the PostgreSQL store: the same plan, written in one transaction that every
 * instance's configuration changes wait for in turn. Throws ConfigError, having changed nothing.
 */
export function applyConfigPg(
  pool: pg.Pool,
  parsed: ParsedConfig,
  options: ApplyOptions = {},
): Promise<Change[]> {
  const listed = new Set(
    parsed.organizations.flatMap((o) =>
      o.securityGroups
        .filter((group) => group.members !== null)
        .map((group) => `${o.organizationId} ${group.id}`),
    ),
  );
  return applyPlannedPg(
    pool,
    parsed.organizations.map((o) => o.organizationId),
    { membersOf: (org, group, owned) => owned || listed.has(`${org} ${group}`) },
    async (current, client) => {
      const desired = resolveWebhookIds(current, parsed.organizations, randomUUID);
      const wanted = new Map<string, string>();
      for (const org of desired) for (const w of org.webhooks) wanted.set(w.webhookId, org.organizationId);
      // A WebhookId names one webhook of one organization, deleted ones included: it cannot move.
      const problems = (await webhookOrganizationsPg(client, [...wanted.keys()]))
        .filter((row) => wanted.get(row.webhookId) !== row.organizationId)
        .map((row) => ({
          path: '$.Organizations',
          message: `WebhookId ${row.webhookId} is a webhook of organization ${row.organizationId}, not of ${wanted.get(row.webhookId)}: leave it out or give a new one`,
        }));
      if (problems.length > 0) throw new ConfigError(problems);
      // The audit entries go into the same transaction as the changes they describe.
      const audit =
        options.dryRun === true ? [] : auditEntries(options.actor ?? DOCUMENT_ACTOR, current, desired);
      return { changes: planChanges(current, desired), desired, audit };
    },
    options.dryRun === true,
  );
}
