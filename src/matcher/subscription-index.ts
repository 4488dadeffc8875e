import type { RoutingSubscription } from './types.js';

/**
 * Subscriptions of one (organization, event type), split by target kind so a match reads only the
 * lists that can hold its entity: the cost of a match follows the matching subscriptions, not the total.
 */
export interface Bucket {
  all: number[];
  byEntity: Map<string, number[]>;
  byGroup: Map<string, number[]>;
}

export type SubscriptionIndex = ReadonlyMap<string, Bucket>;

export function bucketKey(organizationId: string, eventType: string): string {
  return `${organizationId}|${eventType}`;
}

function push(map: Map<string, number[]>, key: string, webhookId: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [webhookId]);
  else if (!list.includes(webhookId)) list.push(webhookId);
}

/** Pure: only enabled webhooks' enabled subscriptions should be passed in. */
export function buildSubscriptionIndex(subscriptions: Iterable<RoutingSubscription>): SubscriptionIndex {
  const index = new Map<string, Bucket>();
  for (const s of subscriptions) {
    const key = bucketKey(s.organizationId, s.eventType);
    let bucket = index.get(key);
    if (bucket === undefined) {
      bucket = { all: [], byEntity: new Map(), byGroup: new Map() };
      index.set(key, bucket);
    }
    if (s.allEntities) {
      if (!bucket.all.includes(s.webhookId)) bucket.all.push(s.webhookId);
    } else if (s.entityId !== null) push(bucket.byEntity, s.entityId, s.webhookId);
    else if (s.securityGroupId !== null) push(bucket.byGroup, s.securityGroupId, s.webhookId);
  }
  return index;
}
