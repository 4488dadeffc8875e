import { randomUUID } from 'node:crypto';
import { applyPlanned, webhookOrganizations } from '../store/config/apply-changes.js';
import type { Change } from '../store/config/state.js';
import type { GatewayDatabase } from '../store/database.js';
import { auditEntries, DOCUMENT_ACTOR } from './audit.js';
import { ConfigError } from './config-error.js';
import type { ParsedConfig } from './parse.js';
import { planChanges } from './plan.js';
import { type ResolvedOrgState, resolveWebhookIds } from './webhook-identity.js';

export interface ApplyOptions {
  /** Compute and return the changes without writing anything. */
  dryRun?: boolean;
  /** Who the audit log names (default `document`: a reload, an import, a start). */
  actor?: string;
}

/**
 * Makes the stored configuration of the document's organizations equal to the document, in one
 * transaction (all or nothing) with its audit entries, and returns what changed. Applying the same document again changes nothing.
 * Throws ConfigError when the document names a WebhookId that belongs to another organization.
 */
export function applyConfig(g: GatewayDatabase, parsed: ParsedConfig, options: ApplyOptions = {}): Change[] {
  // Members are compared only where the document owns them, or is about to.
  const listed = new Set(
    parsed.organizations.flatMap((o) =>
      o.securityGroups
        .filter((group) => group.members !== null)
        .map((group) => `${o.organizationId} ${group.id}`),
    ),
  );
  return applyPlanned(
    g,
    parsed.organizations.map((o) => o.organizationId),
    { membersOf: (org, group, owned) => owned || listed.has(`${org} ${group}`) },
    (current) => {
      const desired = resolveWebhookIds(current, parsed.organizations, randomUUID);
      refuseForeignWebhookIds(g, desired);
      const audit =
        options.dryRun === true ? [] : auditEntries(options.actor ?? DOCUMENT_ACTOR, current, desired);
      return { changes: planChanges(current, desired), desired, audit };
    },
    options.dryRun === true,
  );
}

/** A WebhookId names one webhook of one organization, deleted ones included: it cannot move. */
export function refuseForeignWebhookIds(g: GatewayDatabase, desired: readonly ResolvedOrgState[]): void {
  const wanted = new Map<string, string>();
  for (const org of desired) for (const w of org.webhooks) wanted.set(w.webhookId, org.organizationId);
  const problems = webhookOrganizations(g, [...wanted.keys()])
    .filter((row) => wanted.get(row.webhookId) !== row.organizationId)
    .map((row) => ({
      path: '$.Organizations',
      message: `WebhookId ${row.webhookId} is a webhook of organization ${row.organizationId}, not of ${wanted.get(row.webhookId)}: leave it out or give a new one`,
    }));
  if (problems.length > 0) throw new ConfigError(problems);
}
