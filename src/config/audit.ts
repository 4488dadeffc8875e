import type { AuditEntry } from '../store/config/audit.js';
import type { OrgState, StoredOrgState } from '../store/config/state.js';
import { organizationDocument } from './export.js';
import { securityGroupView, subscriptionId, subscriptionView, webhookView } from './resources.js';
import type { OrganizationDocument, SecurityGroupDocument } from './schema.js';

export type { AuditEntry } from '../store/config/audit.js';

export { DOCUMENT_ACTOR } from './actors.js';

/** A desired state seen as the document it came from (its groups are all the document's). */
export function desiredDocument(org: OrgState): OrganizationDocument {
  return organizationDocument({
    ...org,
    securityGroups: org.securityGroups.map((group) => ({
      ...group,
      source: 'config',
      membersFromDocument: group.members !== null,
    })),
  });
}

/** A group as the audit log shows it: who owns its members and how many, not the (possibly 100,000) ids. */
function groupAudit(group: SecurityGroupDocument) {
  const view = securityGroupView(group);
  return view.EntityIds === null
    ? { SecurityGroupId: view.SecurityGroupId, MembersFrom: 'producers' }
    : {
        SecurityGroupId: view.SecurityGroupId,
        MembersFrom: 'configuration',
        MemberCount: view.EntityIds.length,
      };
}

interface Keyed {
  resource: string;
  id: string;
  view: unknown;
  /** Compared, never shown: a changed secret is an update whose views are equal. */
  secret?: string | null;
  /** A group's members when the document lists them: compared, shown only as how many came and went. */
  members?: readonly string[] | null;
}

/** How many members came and went between two lists (null when either side's members are not known). */
function memberChanges(
  before: readonly string[] | null | undefined,
  after: readonly string[] | null | undefined,
): { Added: number; Removed: number } | null {
  if (before == null || after == null) return null;
  const old = new Set(before);
  const now = new Set(after);
  let added = 0;
  for (const id of now) if (!old.has(id)) added++;
  let removed = 0;
  for (const id of old) if (!now.has(id)) removed++;
  return added + removed === 0 ? null : { Added: added, Removed: removed };
}

/**
 * The resources of an organization, keyed by kind and id. Webhooks whose whole entry (subscriptions and
 * secret included) is the same on the other side are left out with their subscriptions: a document of
 * 100,000 subscriptions that changed one webhook hashes the SubscriptionIds of that webhook only.
 */
function resources(
  org: OrganizationDocument | undefined,
  unchanged: ReadonlySet<string>,
): Map<string, Keyed> {
  const out = new Map<string, Keyed>();
  if (org === undefined) return out;
  const add = (k: Keyed) => out.set(`${k.resource} ${k.id}`, k);
  add({ resource: 'organization', id: org.OrganizationId, view: { OrganizationId: org.OrganizationId } });
  for (const group of org.SecurityGroups)
    add({
      resource: 'security-group',
      id: group.SecurityGroupId,
      view: groupAudit(group),
      members: group.EntityIds ?? null,
    });
  for (const entry of org.Webhooks) {
    const webhookId = entry.Webhook.WebhookId ?? '';
    if (unchanged.has(webhookId)) continue;
    add({
      resource: 'webhook',
      id: webhookId,
      view: webhookView(entry.Webhook),
      secret: entry.Webhook.Secret ?? null,
    });
    for (const s of entry.Subscriptions)
      add({
        resource: 'subscription',
        id: subscriptionId(webhookId, s),
        view: { WebhookId: webhookId, ...subscriptionView(webhookId, s) },
      });
  }
  return out;
}

/** The WebhookIds whose entries are the same, byte for byte, in both documents. */
function unchangedWebhooks(
  a: OrganizationDocument | undefined,
  b: OrganizationDocument | undefined,
): Set<string> {
  const before = new Map((a?.Webhooks ?? []).map((e) => [e.Webhook.WebhookId ?? '', JSON.stringify(e)]));
  const same = new Set<string>();
  for (const e of b?.Webhooks ?? []) {
    const id = e.Webhook.WebhookId ?? '';
    if (before.get(id) === JSON.stringify(e)) same.add(id);
  }
  return same;
}

/**
 * The audit entries of a change from `current` to `desired` (the organizations it touches): one per
 * resource created, updated or deleted, with its views before and after. Secrets are never in a view;
 * a webhook whose secret alone changed is an update marked SecretChanged.
 */
export function auditEntries(
  actor: string,
  current: readonly StoredOrgState[],
  desired: readonly OrgState[],
  deleted: readonly string[] = [],
): AuditEntry[] {
  const currentById = new Map(current.map((o) => [o.organizationId, o]));
  const entries: AuditEntry[] = [];
  const orgs = [
    ...desired.map((d) => [d.organizationId, desiredDocument(d)] as const),
    ...deleted.map((id) => [id, undefined] as const),
  ];
  for (const [organizationId, after] of orgs) {
    const stored = currentById.get(organizationId);
    const previous = stored === undefined ? undefined : organizationDocument(stored);
    const unchanged = unchangedWebhooks(previous, after);
    const before = resources(previous, unchanged);
    const next = resources(after, unchanged);
    const entry = (action: AuditEntry['action'], k: Keyed, b: unknown, a: unknown) =>
      entries.push({
        actor,
        organizationId,
        resource: k.resource,
        resourceId: k.id,
        action,
        before: b,
        after: a,
      });
    for (const [key, old] of before) {
      const now = next.get(key);
      if (now === undefined) entry('delete', old, old.view, null);
      else {
        // A group whose members were swapped (their count the same) is an update too, by its counts.
        const members = memberChanges(old.members, now.members);
        if (JSON.stringify(old.view) !== JSON.stringify(now.view) || old.secret !== now.secret || members) {
          const after = {
            ...(now.view as object),
            ...(old.secret !== now.secret ? { SecretChanged: true } : {}),
            ...(members ?? {}),
          };
          entry('update', now, old.view, after);
        }
      }
    }
    for (const [key, now] of next) if (!before.has(key)) entry('create', now, null, now.view);
  }
  return entries;
}
