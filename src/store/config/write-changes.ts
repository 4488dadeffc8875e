import { and, eq, isNull, type SQL, sql } from 'drizzle-orm';
import type { GatewayDatabase } from '../database.js';
import { deliveries, organizations, securityGroups, subscriptions, webhooks } from '../schema/index.js';
import {
  type Change,
  type OrgState,
  type SecurityGroupState,
  type SubscriptionState,
  subscriptionChangeKey,
  type WebhookState,
} from './state.js';

/** Every object of a set of states: groups by `<organizationId> <id>`, webhooks by WebhookId. */
export interface StateIndex {
  groups: Map<string, SecurityGroupState>;
  webhooks: Map<string, WebhookState>;
  subscriptions: Map<string, SubscriptionState>;
}

const at = (organizationId: string, key: string) => `${organizationId} ${key}`;

export function indexStates(states: readonly OrgState[]): StateIndex {
  const index: StateIndex = { groups: new Map(), webhooks: new Map(), subscriptions: new Map() };
  for (const org of states) {
    for (const group of org.securityGroups) index.groups.set(at(org.organizationId, group.id), group);
    for (const webhook of org.webhooks) {
      if (webhook.webhookId === null) continue;
      index.webhooks.set(webhook.webhookId, webhook);
      for (const subscription of webhook.subscriptions) {
        const key = subscriptionChangeKey(webhook.endpoint, subscription);
        index.subscriptions.set(at(webhook.webhookId, key), subscription);
      }
    }
  }
  return index;
}

function found<T>(value: T | undefined, change: Change): T {
  if (value === undefined)
    throw new Error(`internal: no state for ${change.op} ${change.kind} ${change.key}`);
  return value;
}

/** What writeMembers changed: the members stored before, and how many it added and removed. */
export interface MemberChanges {
  before: number;
  added: number;
  removed: number;
}

/**
 * Sets a group's stored members, in the caller's transaction: only the members that left are deleted and
 * only those that joined are inserted, so replacing 100,000 members by the same list writes nothing. The
 * list goes to SQLite once, as a JSON array, and each of the two statements works through it there:
 * 100,000 members are not 100,000 calls from JavaScript, nor two sets of them built here.
 */
export function writeMembers(
  g: GatewayDatabase,
  organizationId: string,
  securityGroupId: string,
  members: readonly string[],
): MemberChanges {
  const { sqlite } = g;
  const list = JSON.stringify(members);
  const before = sqlite
    .prepare(
      'SELECT count(*) FROM security_group_members WHERE organization_id = ? AND security_group_id = ?',
    )
    .pluck()
    .get(organizationId, securityGroupId) as number;
  const removed =
    before === 0
      ? 0
      : sqlite
          .prepare(
            `DELETE FROM security_group_members WHERE organization_id = ? AND security_group_id = ?
              AND entity_id NOT IN (SELECT value FROM json_each(?))`,
          )
          .run(organizationId, securityGroupId, list).changes;
  // A member already stored (or listed twice) is left as it is: only those that join are counted.
  const added = sqlite
    .prepare(
      `INSERT OR IGNORE INTO security_group_members (organization_id, security_group_id, entity_id)
        SELECT ?, ?, value FROM json_each(?)`,
    )
    .run(organizationId, securityGroupId, list).changes;
  return { before, added, removed };
}

/**
 * Executes a plan from planChanges inside the caller's transaction, stamping every organization it
 * touches (and every group whose members it sets) with `revision`. Each change names its object by key
 * and WebhookId; the object itself comes from the desired state (creates, updates) or the current one.
 */
export function writeChanges(
  g: GatewayDatabase,
  changes: readonly Change[],
  current: StateIndex,
  desired: StateIndex,
  now: number,
  revision: number,
): void {
  const { db } = g;
  const groupRow = (organizationId: string, id: string) =>
    and(eq(securityGroups.organizationId, organizationId), eq(securityGroups.id, id));
  const webhookRowId = (change: Change): number => {
    const row = db
      .select({ id: webhooks.id })
      .from(webhooks)
      .where(and(eq(webhooks.webhookId, webhookIdOf(change)), isNull(webhooks.deletedAt)))
      .get();
    if (row === undefined) throw new Error(`internal: webhook ${change.webhookId} missing`);
    return row.id;
  };
  const touched = new Set<string>();

  for (const change of changes) {
    const org = change.organizationId;
    touched.add(org);
    switch (`${change.op} ${change.kind}`) {
      case 'create organization':
        db.insert(organizations).values({ id: org, createdAt: now, revision }).run();
        break;
      case 'delete organization':
        // Only an organization with nothing left (no groups, no webhooks, no history) is deleted.
        db.delete(organizations).where(eq(organizations.id, org)).run();
        break;
      case 'create security-group': {
        const group = found(desired.groups.get(at(org, change.key)), change);
        const owned = group.members !== null;
        db.insert(securityGroups)
          .values({
            organizationId: org,
            id: group.id,
            source: 'config',
            membersFromDocument: owned,
            updatedAt: now,
            revision,
          })
          .run();
        if (owned) writeMembers(g, org, group.id, group.members ?? []);
        break;
      }
      case 'update security-group': {
        const group = found(desired.groups.get(at(org, change.key)), change);
        db.update(securityGroups)
          .set({ source: 'config', membersFromDocument: group.members !== null, updatedAt: now })
          .where(groupRow(org, change.key))
          .run();
        break;
      }
      case 'update security-group-members':
        writeMembers(
          g,
          org,
          change.key,
          found(desired.groups.get(at(org, change.key)), change).members ?? [],
        );
        db.update(securityGroups).set({ updatedAt: now, revision }).where(groupRow(org, change.key)).run();
        break;
      case 'delete security-group':
        db.delete(securityGroups).where(groupRow(org, change.key)).run();
        break;
      case 'create webhook': {
        const webhookId = webhookIdOf(change);
        const columns = webhookColumns(found(desired.webhooks.get(webhookId), change));
        // A WebhookId the document names again after deleting it brings that webhook back, history and all.
        db.insert(webhooks)
          .values({ organizationId: org, webhookId, ...columns, createdAt: now, updatedAt: now })
          .onConflictDoUpdate({
            target: webhooks.webhookId,
            set: { ...columns, updatedAt: now, deletedAt: null },
          })
          .run();
        break;
      }
      case 'update webhook': {
        const webhookId = webhookIdOf(change);
        const before = found(current.webhooks.get(webhookId), change);
        const after = found(desired.webhooks.get(webhookId), change);
        const id = webhookRowId(change);
        db.update(webhooks)
          .set({ ...webhookColumns(after), updatedAt: now })
          .where(eq(webhooks.id, id))
          .run();
        if (before.enabled && !after.enabled) holdWaiting(g, id);
        if (!before.enabled && after.enabled) releaseHeld(g, id);
        break;
      }
      case 'delete webhook': {
        const id = webhookRowId(change);
        // Kept for trace: its subscriptions go, its unfinished deliveries end as cancelled. An attempt in
        // flight records its outcome, and a retry it asks for is cancelled too (see the delivery store).
        db.update(webhooks).set({ deletedAt: now, updatedAt: now }).where(eq(webhooks.id, id)).run();
        db.delete(subscriptions).where(eq(subscriptions.webhookId, id)).run();
        db.update(deliveries)
          .set({ state: 'cancelled', finishedAt: now, requeuedFrom: null })
          .where(
            and(eq(deliveries.webhookId, id), sql`${deliveries.state} IN ('pending', 'retrying', 'paused')`),
          )
          .run();
        break;
      }
      case 'create subscription': {
        const subscription = found(desired.subscriptions.get(at(webhookIdOf(change), change.key)), change);
        db.insert(subscriptions)
          .values({ webhookId: webhookRowId(change), ...subscription })
          .run();
        break;
      }
      case 'delete subscription': {
        const subscription = found(current.subscriptions.get(at(webhookIdOf(change), change.key)), change);
        // Identity is the content: every row with this content goes, duplicates included.
        db.delete(subscriptions)
          .where(and(eq(subscriptions.webhookId, webhookRowId(change)), sameSubscription(subscription)))
          .run();
        break;
      }
      default:
        throw new Error(`internal: cannot apply ${change.op} ${change.kind}`);
    }
  }
  for (const org of touched)
    db.update(organizations).set({ revision }).where(eq(organizations.id, org)).run();
}

/** A webhook disabled: what waits for it is held, not attempted and not charged, until it is enabled. */
export function holdWaiting(g: GatewayDatabase, webhookRowId: number): void {
  g.db
    .update(deliveries)
    .set({ state: 'paused' })
    .where(and(eq(deliveries.webhookId, webhookRowId), sql`${deliveries.state} IN ('pending', 'retrying')`))
    .run();
}

/** A webhook enabled again: what it held is due in its old order (next_attempt_at is kept). */
export function releaseHeld(g: GatewayDatabase, webhookRowId: number): void {
  g.db
    .update(deliveries)
    .set({ state: sql`CASE WHEN ${deliveries.attemptCount} = 0 THEN 'pending' ELSE 'retrying' END` })
    .where(and(eq(deliveries.webhookId, webhookRowId), eq(deliveries.state, 'paused')))
    .run();
}

function webhookIdOf(change: Change): string {
  if (change.webhookId === undefined)
    throw new Error(`internal: ${change.op} ${change.kind} without WebhookId`);
  return change.webhookId;
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
