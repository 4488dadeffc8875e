import { inArray } from 'drizzle-orm';
import type { GatewayDatabase } from '../database.js';
import { webhooks } from '../schema/index.js';
import { type AuditEntry, writeAudit } from './audit.js';
import { type ReadStateOptions, readState } from './read-state.js';
import { nextRevision } from './revision.js';
import type { Change, OrgState, StoredOrgState } from './state.js';
import { indexStates, writeChanges } from './write-changes.js';

/** What a plan made of the stored state: the changes, and the desired state they lead to. */
export interface Planned {
  changes: Change[];
  desired: readonly OrgState[];
  /** What the changes do to each resource, written in the same transaction. */
  audit?: readonly AuditEntry[];
}

/**
 * Reads the stored configuration of these organizations, lets `plan` work out the changes (it may also
 * read, through this store, within the same transaction) and writes them under the next configuration
 * revision, with their audit entries. One transaction: all or nothing, and with IMMEDIATE the plan cannot go stale before it is
 * written. A dry run only plans.
 */
export function applyPlanned(
  g: GatewayDatabase,
  organizationIds: readonly string[],
  read: ReadStateOptions,
  plan: (current: StoredOrgState[]) => Planned,
  dryRun: boolean,
): Change[] {
  const run = g.sqlite.transaction(() => {
    const current = readState(g, organizationIds, read);
    const { changes, desired, audit = [] } = plan(current);
    if (!dryRun && changes.length > 0) {
      const now = Date.now();
      const revision = nextRevision(g);
      writeChanges(g, changes, indexStates(current), indexStates(desired), now, revision);
      writeAudit(g, audit, now);
    }
    return changes;
  });
  return dryRun ? run() : run.immediate();
}

/** The organization each of these WebhookIds belongs to (deleted webhooks included), for those that exist. */
export function webhookOrganizations(
  g: GatewayDatabase,
  webhookIds: readonly string[],
): { webhookId: string; organizationId: string }[] {
  const found: { webhookId: string; organizationId: string }[] = [];
  // Chunks keep the statement under SQLite's bound-variable limit.
  for (let i = 0; i < webhookIds.length; i += 500) {
    found.push(
      ...g.db
        .select({ webhookId: webhooks.webhookId, organizationId: webhooks.organizationId })
        .from(webhooks)
        .where(inArray(webhooks.webhookId, webhookIds.slice(i, i + 500)))
        .all(),
    );
  }
  return found;
}
