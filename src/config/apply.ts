import { randomUUID } from 'node:crypto';
import { applyPlanned, type Planned, webhookOrganizations } from '../store/config/apply-changes.js';
import type { ReadStateOptions } from '../store/config/read-state.js';
import type { Change, StoredOrgState } from '../store/config/state.js';
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

/** The stored organizations a document's plan reads: its own, with the members it owns or is about to. */
export function documentReads(parsed: ParsedConfig): { organizationIds: string[]; read: ReadStateOptions } {
  const listed = new Set(
    parsed.organizations.flatMap((o) =>
      o.securityGroups
        .filter((group) => group.members !== null)
        .map((group) => `${o.organizationId} ${group.id}`),
    ),
  );
  return {
    organizationIds: parsed.organizations.map((o) => o.organizationId),
    read: { membersOf: (org, group, owned) => owned || listed.has(`${org} ${group}`) },
  };
}

/**
 * What a document makes of the stored state (pure, on either store): the changes, the desired state,
 * its audit entries, and the resolved desired state whose WebhookIds must be checked against other
 * organizations (`foreignWebhookProblems`) before anything is written.
 */
export function planDocument(
  current: readonly StoredOrgState[],
  parsed: ParsedConfig,
  options: ApplyOptions,
): Planned & { desired: ResolvedOrgState[] } {
  const desired = resolveWebhookIds(current, parsed.organizations, randomUUID);
  const audit =
    options.dryRun === true ? [] : auditEntries(options.actor ?? DOCUMENT_ACTOR, current, desired);
  return { changes: planChanges(current, desired), desired, audit };
}

/**
 * Makes the stored configuration of the document's organizations equal to the document, in one
 * transaction (all or nothing) with its audit entries, and returns what changed. Applying the same document again changes nothing.
 * Throws ConfigError when the document names a WebhookId that belongs to another organization.
 */
export function applyConfig(g: GatewayDatabase, parsed: ParsedConfig, options: ApplyOptions = {}): Change[] {
  const { organizationIds, read } = documentReads(parsed);
  return applyPlanned(
    g,
    organizationIds,
    read,
    (current) => {
      const planned = planDocument(current, parsed, options);
      refuseForeignWebhookIds(g, planned.desired);
      return planned;
    },
    options.dryRun === true,
  );
}

/** The WebhookIds of `desired`, with the organization each must belong to. */
export function wantedWebhooks(desired: readonly ResolvedOrgState[]): Map<string, string> {
  const wanted = new Map<string, string>();
  for (const org of desired) for (const w of org.webhooks) wanted.set(w.webhookId, org.organizationId);
  return wanted;
}

/**
 * A WebhookId names one webhook of one organization, deleted ones included: it cannot move. Throws
 * ConfigError naming each of `stored` (the owners the store has for `wanted`'s ids) that is another's.
 */
export function refuseMovedWebhooks(
  wanted: ReadonlyMap<string, string>,
  stored: readonly { webhookId: string; organizationId: string }[],
): void {
  const problems = stored
    .filter((row) => wanted.get(row.webhookId) !== row.organizationId)
    .map((row) => ({
      path: '$.Organizations',
      message: `WebhookId ${row.webhookId} is a webhook of organization ${row.organizationId}, not of ${wanted.get(row.webhookId)}: leave it out or give a new one`,
    }));
  if (problems.length > 0) throw new ConfigError(problems);
}

/** A WebhookId names one webhook of one organization, deleted ones included: it cannot move. */
export function refuseForeignWebhookIds(g: GatewayDatabase, desired: readonly ResolvedOrgState[]): void {
  const wanted = wantedWebhooks(desired);
  refuseMovedWebhooks(wanted, webhookOrganizations(g, [...wanted.keys()]));
}
