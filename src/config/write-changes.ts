import { and, eq, isNull, type SQL } from 'drizzle-orm';
import type { GatewayDatabase } from '../store/database.js';
import {
  organizations,
  securityGroupMembers,
  securityGroups,
  subscriptions,
  webhooks,
} from '../store/schema/index.js';
import type { OrgState, SecurityGroupState, SubscriptionState, WebhookState } from './org-state.js';
import { type Change, subscriptionChangeKey } from './plan.js';

/** Every object of a set of states, by `<organizationId> <kind> <change key>`. */
export interface StateIndex {
  groups: Map<string, SecurityGroupState>;
  webhooks: Map<string, WebhookState>;
  subscriptions: Map<string, { endpoint: string; subscription: SubscriptionState }>;
}

const at = (organizationId: string, key: string) => `${organizationId} ${key}`;

export function indexStates(states: readonly OrgState[]): StateIndex {
  const index: StateIndex = { groups: new Map(), webhooks: new Map(), subscriptions: new Map() };
  for (const org of states) {
    for (const group of org.securityGroups) index.groups.set(at(org.organizationId, group.id), group);
    for (const webhook of org.webhooks) {
      index.webhooks.set(at(org.organizationId, webhook.endpoint), webhook);
      for (const subscription of webhook.subscriptions) {
        const key = subscriptionChangeKey(webhook.endpoint, subscription);
        index.subscriptions.set(at(org.organizationId, key), { endpoint: webhook.endpoint, subscription });
      }
    }
  }
  return index;
}

function found<T>(map: Map<string, T>, change: Change): T {
  const value = map.get(at(change.organizationId, change.key));
  if (value === undefined)
    throw new Error(`internal: no state for ${change.op} ${change.kind} ${change.key}`);
  return value;
}

/**
 * Executes a plan from planChanges inside the caller's transaction. Each change names its object by key;
 * the object itself comes from the desired state (creates, updates) or the current one (deletes).
 */
export function writeChanges(
  g: GatewayDatabase,
  changes: readonly Change[],
  current: StateIndex,
  desired: StateIndex,
  now: number,
): void {
  const { db } = g;
  const webhookRow = (organizationId: string, endpoint: string) =>
    and(eq(webhooks.organizationId, organizationId), eq(webhooks.endpoint, endpoint));
  const groupRow = (organizationId: string, id: string) =>
    and(eq(securityGroups.organizationId, organizationId), eq(securityGroups.id, id));
  const setMembers = (organizationId: string, securityGroupId: string, members: readonly string[]) => {
    db.delete(securityGroupMembers)
      .where(
        and(
          eq(securityGroupMembers.organizationId, organizationId),
          eq(securityGroupMembers.securityGroupId, securityGroupId),
        ),
      )
      .run();
    if (members.length === 0) return;
    db.insert(securityGroupMembers)
      .values(members.map((entityId) => ({ organizationId, securityGroupId, entityId })))
      .run();
  };

  for (const change of changes) {
    const org = change.organizationId;
    switch (`${change.op} ${change.kind}`) {
      case 'create organization':
        db.insert(organizations).values({ id: org, createdAt: now }).run();
        break;
      case 'create security-group': {
        const group = found(desired.groups, change);
        db.insert(securityGroups)
          .values({ organizationId: org, id: group.id, source: 'config', updatedAt: now })
          .run();
        if (group.members !== null) setMembers(org, group.id, group.members);
        break;
      }
      case 'update security-group':
        db.update(securityGroups)
          .set({ source: 'config', updatedAt: now })
          .where(groupRow(org, change.key))
          .run();
        break;
      case 'update security-group-members':
        setMembers(org, change.key, found(desired.groups, change).members ?? []);
        db.update(securityGroups).set({ updatedAt: now }).where(groupRow(org, change.key)).run();
        break;
      case 'delete security-group':
        db.delete(securityGroups).where(groupRow(org, change.key)).run();
        break;
      case 'create webhook':
        db.insert(webhooks)
          .values({
            organizationId: org,
            ...webhookColumns(found(desired.webhooks, change)),
            createdAt: now,
            updatedAt: now,
          })
          .run();
        break;
      case 'update webhook':
        db.update(webhooks)
          .set({ ...webhookColumns(found(desired.webhooks, change)), updatedAt: now })
          .where(webhookRow(org, change.key))
          .run();
        break;
      case 'delete webhook':
        // Cascades to its subscriptions and deliveries.
        db.delete(webhooks).where(webhookRow(org, change.key)).run();
        break;
      case 'create subscription': {
        const { endpoint, subscription } = found(desired.subscriptions, change);
        const webhook = db.select({ id: webhooks.id }).from(webhooks).where(webhookRow(org, endpoint)).get();
        if (webhook === undefined) throw new Error(`internal: webhook ${endpoint} missing`);
        db.insert(subscriptions)
          .values({ webhookId: webhook.id, ...subscription })
          .run();
        break;
      }
      case 'delete subscription': {
        const { endpoint, subscription } = found(current.subscriptions, change);
        const webhook = db.select({ id: webhooks.id }).from(webhooks).where(webhookRow(org, endpoint)).get();
        if (webhook === undefined) throw new Error(`internal: webhook ${endpoint} missing`);
        // Identity is the content: every row with this content goes, duplicates included.
        db.delete(subscriptions)
          .where(and(eq(subscriptions.webhookId, webhook.id), sameSubscription(subscription)))
          .run();
        break;
      }
      default:
        throw new Error(`internal: cannot apply ${change.op} ${change.kind}`);
    }
  }
}

function webhookColumns(w: WebhookState) {
  return {
    endpoint: w.endpoint,
    description: w.description,
    secret: w.secret,
    insecureSsl: w.insecureSsl,
    timeoutSeconds: w.timeoutSeconds,
    enabled: w.enabled,
    retryScheduleSeconds: w.retryScheduleSeconds === null ? null : JSON.stringify(w.retryScheduleSeconds),
  };
}

function sameSubscription(s: SubscriptionState): SQL | undefined {
  return and(
    eq(subscriptions.eventType, s.eventType),
    s.entityId === null ? isNull(subscriptions.entityId) : eq(subscriptions.entityId, s.entityId),
    s.securityGroupId === null
      ? isNull(subscriptions.securityGroupId)
      : eq(subscriptions.securityGroupId, s.securityGroupId),
    eq(subscriptions.allEntities, s.allEntities),
    eq(subscriptions.enabled, s.enabled),
  );
}
