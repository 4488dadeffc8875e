import { randomUUID } from 'node:crypto';
import { jsonPath, problemsFromIssues } from '../problems.js';
import { applyPlanned, type Planned } from '../store/config/apply-changes.js';
import type { Change, StoredOrgState, WebhookState } from '../store/config/state.js';
import type { GatewayDatabase } from '../store/database.js';
import { refuseForeignWebhookIds } from './apply.js';
import { auditEntries } from './audit.js';
import { ConfigError } from './config-error.js';
import { organizationDocument } from './export.js';
import { desiredState } from './parse.js';
import { planChanges } from './plan.js';
import { configDocumentSchema, type DeliverySection, type OrganizationDocument } from './schema.js';
import { type ResolvedOrgState, resolveWebhookIds } from './webhook-identity.js';

/**
 * What an edit makes of one organization: its next document (null deletes the organization), and the
 * path of the part the request was about, so the document's problems there are named as the request's
 * own ($.Organizations[0].Webhooks[2].Webhook.Endpoint becomes $.Endpoint).
 */
export interface EditResult {
  document: OrganizationDocument | null;
  focus?: readonly PropertyKey[];
}

/**
 * Receives the organization as stored, in document form (undefined when it does not exist), inside the
 * change's transaction: it may refuse (throw) on what it finds, which is how an ETag is checked against
 * the state the change is made to.
 */
export type OrganizationEdit = (current: OrganizationDocument | undefined) => EditResult;

export interface EditOptions {
  actor: string;
  /** The running Delivery flags, which decide the endpoint policy, as in a document. */
  delivery: Pick<DeliverySection, 'AllowHttp' | 'AllowAnyPort' | 'AllowPrivateNetworks'>;
  dryRun?: boolean;
}

/**
 * One organization changed the way a document would change it: the edited document is validated by the
 * document's own schema (every message the same), planned against the stored state and written in one
 * transaction with its audit entries. Throws ConfigError, or what `edit` throws, having changed nothing.
 */
export function applyEdit(
  g: GatewayDatabase,
  organizationId: string,
  edit: OrganizationEdit,
  options: EditOptions,
): Change[] {
  return applyPlanned(
    g,
    [organizationId.toLowerCase()],
    EDIT_READS,
    (current) => {
      const planned = planEdit(current, organizationId, edit, options);
      refuseForeignWebhookIds(g, planned.newWebhooks);
      return planned;
    },
    options.dryRun === true,
  );
}

/** An edit reads its organization with the members the configuration owns. */
export const EDIT_READS = { membersOf: (_org: string, _group: string, owned: boolean) => owned };

/**
 * What an edit makes of the stored organization (pure, on either store): the changes, the desired state
 * and their audit entries; `newWebhooks` holds the webhooks new to the organization, whose WebhookIds
 * the caller checks against the other organizations' before writing; `deleted` when the edit deletes it.
 */
export function planEdit(
  current: readonly StoredOrgState[],
  organizationId: string,
  edit: OrganizationEdit,
  options: EditOptions,
): Planned & { newWebhooks: ResolvedOrgState[]; deleted: boolean } {
  const id = organizationId.toLowerCase();
  const stored = current[0];
  const { document, focus } = edit(stored === undefined ? undefined : organizationDocument(stored));
  if (document === null) {
    const change: Change = { op: 'delete', kind: 'organization', organizationId: id, key: id };
    return {
      changes: [change],
      desired: [],
      audit: auditEntries(options.actor, current, [], [id]),
      newWebhooks: [],
      deleted: true,
    };
  }
  const parsed = validateOrganization(document, options.delivery, focus);
  const desired = resolveWebhookIds(current, parsed, randomUUID);
  // The organization's own webhooks are its own: only WebhookIds new to it can belong to another.
  const own = new Set(stored?.webhooks.map((w) => w.webhookId ?? '') ?? []);
  const changes = planChanges(current, desired);
  // Only webhooks the plan changes can have audit entries: the others are left out on both sides
  // rather than converted and compared (an edit of one webhook among thousands).
  const changed = new Set(changes.flatMap((c) => (c.webhookId === undefined ? [] : [c.webhookId])));
  const touched = (webhookId: string) => changed.has(webhookId);
  return {
    changes,
    desired,
    audit:
      options.dryRun === true
        ? []
        : auditEntries(options.actor, onlyWebhooks(current, touched), onlyWebhooks(desired, touched)),
    newWebhooks: onlyWebhooks(desired, (webhookId) => !own.has(webhookId)),
    deleted: false,
  };
}

/** The organizations with only the webhooks `keep` names (by WebhookId; all are resolved here). */
function onlyWebhooks<T extends { webhooks: WebhookState[] }>(
  orgs: readonly T[],
  keep: (webhookId: string) => boolean,
): T[] {
  return orgs.map((org) => ({ ...org, webhooks: org.webhooks.filter((w) => keep(w.webhookId ?? '')) }));
}

function validateOrganization(
  document: OrganizationDocument,
  delivery: EditOptions['delivery'],
  focus: readonly PropertyKey[] = [],
) {
  const result = configDocumentSchema.safeParse({
    Gateway: { Delivery: delivery },
    Organizations: [document],
  });
  if (!result.success) {
    const under = jsonPath(['Organizations', 0, ...focus]);
    const organization = jsonPath(['Organizations', 0]);
    const problems = problemsFromIssues(result.error.issues).map((p) => {
      const root = [under, organization].find(
        (prefix) => p.path === prefix || p.path.startsWith(`${prefix}.`) || p.path.startsWith(`${prefix}[`),
      );
      return root === undefined ? p : { ...p, path: `$${p.path.slice(root.length)}` };
    });
    throw new ConfigError(problems);
  }
  return desiredState(result.data);
}
