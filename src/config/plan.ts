import {
  type Change,
  type ChangeKind,
  type ChangeOp,
  type SecurityGroupState,
  type StoredOrgState,
  subscriptionChangeKey,
  subscriptionKey,
  type WebhookState,
} from '../store/config/state.js';

export type { Change, ChangeKind, ChangeOp } from '../store/config/state.js';

import type { ResolvedOrgState } from './webhook-identity.js';

/**
 * `update webhook 1b4e... https://x/ (Endpoint https://old/ -> https://x/)`: webhooks are named by
 * WebhookId and Endpoint, so an Endpoint change reads as the update it is.
 */
export function formatChange(change: Change): string {
  const detail = change.detail === undefined ? '' : ` (${change.detail})`;
  const webhook = change.kind === 'webhook' && change.webhookId !== undefined ? `${change.webhookId} ` : '';
  return `${change.op} ${change.kind} ${webhook}${change.key}${detail}`;
}

/**
 * The changes that turn `current` into `desired`, organization by organization. Organizations absent from
 * `desired` are not touched; within a desired organization, webhooks and 'config' security groups it does
 * not list are deleted, while 'producer' groups are left alone. Changes are ordered so that applying them
 * in sequence respects the foreign keys.
 */
export function planChanges(
  current: readonly StoredOrgState[],
  desired: readonly ResolvedOrgState[],
): Change[] {
  const currentById = new Map(current.map((o) => [o.organizationId, o]));
  return desired.flatMap((d) => planOrganization(currentById.get(d.organizationId), d));
}

function planOrganization(current: StoredOrgState | undefined, desired: ResolvedOrgState): Change[] {
  const organizationId = desired.organizationId;
  const changes: Change[] = [];
  const add = (op: ChangeOp, kind: ChangeKind, key: string, detail?: string, webhookId?: string) => {
    const change: Change = { op, kind, organizationId, key };
    if (webhookId !== undefined) change.webhookId = webhookId;
    if (detail !== undefined) change.detail = detail;
    changes.push(change);
  };
  if (current === undefined) add('create', 'organization', organizationId);

  const currentGroups = new Map((current?.securityGroups ?? []).map((g) => [g.id, g]));
  for (const group of desired.securityGroups) {
    const existing = currentGroups.get(group.id);
    if (existing === undefined) {
      add('create', 'security-group', group.id, count(group));
      continue;
    }
    const owned = group.members !== null;
    if (existing.source !== 'config')
      add('update', 'security-group', group.id, `source ${existing.source} -> config`);
    else if (existing.membersFromDocument !== owned)
      add(
        'update',
        'security-group',
        group.id,
        owned ? 'members from the document' : 'members from producers',
      );
    const membership = group.members === null ? null : membershipDelta(existing.members ?? [], group.members);
    if (membership !== null) add('update', 'security-group-members', group.id, membership);
  }

  const desiredIds = new Set(desired.webhooks.map((w) => w.webhookId));
  for (const webhook of current?.webhooks ?? []) {
    if (!desiredIds.has(webhook.webhookId as string)) {
      const detail = plural(webhook.subscriptions.length, 'subscription');
      add('delete', 'webhook', webhook.endpoint, detail, webhook.webhookId as string);
    }
  }
  const currentWebhooks = new Map((current?.webhooks ?? []).map((w) => [w.webhookId as string, w]));
  for (const webhook of desired.webhooks) {
    const id = webhook.webhookId;
    const existing = currentWebhooks.get(id);
    if (existing === undefined) add('create', 'webhook', webhook.endpoint, undefined, id);
    else {
      const differences = webhookDifferences(existing, webhook);
      if (differences.length > 0) add('update', 'webhook', webhook.endpoint, differences.join(', '), id);
    }
    const before = new Set((existing?.subscriptions ?? []).map(subscriptionKey));
    const after = new Set(webhook.subscriptions.map(subscriptionKey));
    for (const s of existing?.subscriptions ?? []) {
      if (!after.has(subscriptionKey(s)))
        add('delete', 'subscription', subscriptionChangeKey(webhook.endpoint, s), undefined, id);
    }
    for (const s of webhook.subscriptions) {
      if (!before.has(subscriptionKey(s)))
        add('create', 'subscription', subscriptionChangeKey(webhook.endpoint, s), undefined, id);
    }
  }

  const desiredGroups = new Set(desired.securityGroups.map((g) => g.id));
  for (const group of current?.securityGroups ?? []) {
    if (group.source === 'config' && !desiredGroups.has(group.id))
      add('delete', 'security-group', group.id, count(group));
  }
  return changes;
}

const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;
/** A group's members as a change shows them; null members are the producers' (not read, not compared). */
const count = (group: SecurityGroupState): string =>
  group.members === null ? 'members from producers' : plural(group.members.length, 'member');

function membershipDelta(before: readonly string[], after: readonly string[]): string | null {
  const old = new Set(before);
  const next = new Set(after);
  const added = after.filter((id) => !old.has(id)).length;
  const removed = before.filter((id) => !next.has(id)).length;
  return added === 0 && removed === 0 ? null : `${added} added, ${removed} removed`;
}

const show = (value: string | null): string => (value === null ? 'none' : JSON.stringify(value));
const schedule = (value: number[] | null): string => (value === null ? 'default' : `[${value.join(', ')}]`);

function webhookDifferences(a: WebhookState, b: WebhookState): string[] {
  const out: string[] = [];
  if (a.endpoint !== b.endpoint) out.push(`Endpoint ${a.endpoint} -> ${b.endpoint}`);
  // The secret's value is never shown, old or new: change lists are printed and logged.
  if (a.secret !== b.secret) out.push('Secret changed');
  if (a.description !== b.description)
    out.push(`Description ${show(a.description)} -> ${show(b.description)}`);
  if (a.insecureSsl !== b.insecureSsl) out.push(`InsecureSSL ${a.insecureSsl} -> ${b.insecureSsl}`);
  if (a.timeoutSeconds !== b.timeoutSeconds)
    out.push(`TimeoutSeconds ${a.timeoutSeconds} -> ${b.timeoutSeconds}`);
  if (a.enabled !== b.enabled) out.push(`Enabled ${a.enabled} -> ${b.enabled}`);
  const before = schedule(a.retryScheduleSeconds);
  const after = schedule(b.retryScheduleSeconds);
  if (before !== after) out.push(`RetryScheduleSeconds ${before} -> ${after}`);
  return out;
}
