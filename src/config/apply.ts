import { randomUUID } from 'node:crypto';
import { inArray } from 'drizzle-orm';
import type { GatewayDatabase } from '../store/database.js';
import { webhooks } from '../store/schema/index.js';
import { ConfigError } from './config-error.js';
import type { OrgState } from './org-state.js';
import type { ParsedConfig } from './parse.js';
import { type Change, planChanges } from './plan.js';
import { readState } from './read-state.js';
import { nextRevision } from './revision.js';
import { type ResolvedOrgState, resolveWebhookIds } from './webhook-identity.js';
import { indexStates, writeChanges } from './write-changes.js';

export interface ApplyOptions {
  /** Compute and return the changes without writing anything. */
  dryRun?: boolean;
}

/**
 * Makes the stored configuration of the document's organizations equal to the document, in one
 * transaction (all or nothing), and returns what changed. Applying the same document again changes nothing.
 * Throws ConfigError when the document names a WebhookId that belongs to another organization.
 */
export function applyConfig(g: GatewayDatabase, parsed: ParsedConfig, options: ApplyOptions = {}): Change[] {
  const run = g.sqlite.transaction(() => {
    // Members are compared only where the document owns them, or is about to.
    const listed = new Set(
      parsed.organizations.flatMap((o) =>
        o.securityGroups
          .filter((group) => group.members !== null)
          .map((group) => `${o.organizationId} ${group.id}`),
      ),
    );
    const current = readState(
      g,
      parsed.organizations.map((o) => o.organizationId),
      { membersOf: (org, group, owned) => owned || listed.has(`${org} ${group}`) },
    );
    const desired = resolveWebhookIds(current, parsed.organizations, randomUUID);
    refuseForeignWebhookIds(g, desired);
    const changes = planChanges(current, desired);
    if (options.dryRun !== true && changes.length > 0) {
      const revision = nextRevision(g);
      writeChanges(g, changes, indexStates(current), indexStates(desired), Date.now(), revision);
    }
    return changes;
  });
  // IMMEDIATE takes the write lock before reading, so the plan cannot go stale before it is written.
  return options.dryRun === true ? run() : run.immediate();
}

/** A WebhookId names one webhook of one organization, deleted ones included: it cannot move. */
function refuseForeignWebhookIds(g: GatewayDatabase, desired: readonly ResolvedOrgState[]): void {
  const wanted = new Map<string, OrgState['organizationId']>();
  for (const org of desired) for (const w of org.webhooks) wanted.set(w.webhookId, org.organizationId);
  const problems = [];
  const ids = [...wanted.keys()];
  // Chunks keep the statement under SQLite's bound-variable limit.
  for (let i = 0; i < ids.length; i += 500) {
    const rows = g.db
      .select({ webhookId: webhooks.webhookId, organizationId: webhooks.organizationId })
      .from(webhooks)
      .where(inArray(webhooks.webhookId, ids.slice(i, i + 500)))
      .all();
    for (const row of rows) {
      const organizationId = wanted.get(row.webhookId);
      if (organizationId !== row.organizationId)
        problems.push({
          path: '$.Organizations',
          message: `WebhookId ${row.webhookId} is a webhook of organization ${row.organizationId}, not of ${organizationId}: leave it out or give a new one`,
        });
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
}
