import type { MembershipIndex } from './membership-index.js';
import { bucketKey, type SubscriptionIndex } from './subscription-index.js';
import type { MatchKey } from './types.js';

const NOBODY: readonly number[] = [];

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
  const bucket = subscriptions.get(bucketKey(key.organizationId, key.eventType));
  if (bucket === undefined) return NOBODY;
  const byEntity = bucket.byEntity.get(key.entityId);
  let groupHits: number[] | undefined;
  if (bucket.byGroup.size > 0) {
    for (const group of memberships.groupsOf(key.organizationId, key.entityId)) {
      const ids = bucket.byGroup.get(group);
      if (ids === undefined) continue;
      if (groupHits === undefined) groupHits = [...ids];
      else groupHits.push(...ids);
    }
  }
  // The common case, one kind of target matching, needs no de-duplication and no copy.
  if (byEntity === undefined && groupHits === undefined) return bucket.all;
  if (bucket.all.length === 0 && groupHits === undefined && byEntity !== undefined) return byEntity;
  return [...new Set([...bucket.all, ...(byEntity ?? NOBODY), ...(groupHits ?? NOBODY)])];
}
