import type { MembershipIndex } from './membership-index.js';
import { bucketOf, type SubscriptionIndex } from './subscription-index.js';
import type { MatchKey } from './types.js';

const NOBODY: readonly number[] = [];

/** Appends ids not already present; lists here are a handful of webhooks, so a scan beats a Set. */
function addAll(into: number[], ids: readonly number[]): void {
  for (const id of ids) if (!into.includes(id)) into.push(id);
}

/**
 * The receivers of an event: webhooks of the event's organization with a subscription to its type that
 * targets all entities, its entity, or a security group holding its entity. Each webhook at most once.
 * Pure given the two indexes; keys must be lower-cased like the store's.
 */
export function matchWebhooks(
  subscriptions: SubscriptionIndex,
  memberships: MembershipIndex,
  key: MatchKey,
): readonly number[] {
  const bucket = bucketOf(subscriptions, key.organizationId, key.eventType);
  if (bucket === undefined) return NOBODY;
  const byEntity = bucket.byEntity.size > 0 ? bucket.byEntity.get(key.entityId) : undefined;
  let result: number[] | undefined;
  if (bucket.byGroup.size > 0) {
    for (const group of memberships.groupsOf(key.organizationId, key.entityId)) {
      const ids = bucket.byGroup.get(group);
      if (ids === undefined) continue;
      if (result === undefined) result = [...bucket.all];
      addAll(result, ids);
    }
  }
  // The common cases, one kind of target matching, need no de-duplication and no copy.
  if (result === undefined) {
    if (byEntity === undefined) return bucket.all;
    if (bucket.all.length === 0) return byEntity;
    result = [...bucket.all];
  }
  if (byEntity !== undefined) addAll(result, byEntity);
  return result;
}
