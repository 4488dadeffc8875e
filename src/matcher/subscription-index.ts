import type { RoutingSubscription } from './types.js';

/**
 * Subscriptions of one (organization, event type), split by target kind: the routing index derives an
 * entity's receivers from these lists and recomputes them when group membership changes.
 */
export interface Bucket {
  all: number[];
  byEntity: Map<string, number[]>;
  byGroup: Map<string, number[]>;
}

/** organization -> event type -> bucket. */
export type SubscriptionIndex = ReadonlyMap<string, ReadonlyMap<string, Bucket>>;

function push(map: Map<string, number[]>, key: string, webhookId: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [webhookId]);
  else if (!list.includes(webhookId)) list.push(webhookId);
}

/** Pure: only enabled webhooks' enabled subscriptions should be passed in. */
export function buildSubscriptionIndex(subscriptions: Iterable<RoutingSubscription>): SubscriptionIndex {
  const index = new Map<string, Map<string, Bucket>>();
  for (const s of subscriptions) {
    let types = index.get(s.organizationId);
    if (types === undefined) {
      types = new Map();
      index.set(s.organizationId, types);
    }
    let bucket = types.get(s.eventType);
    if (bucket === undefined) {
      bucket = { all: [], byEntity: new Map(), byGroup: new Map() };
      types.set(s.eventType, bucket);
    }
    if (s.allEntities) {
      if (!bucket.all.includes(s.webhookId)) bucket.all.push(s.webhookId);
    } else if (s.entityId !== null) push(bucket.byEntity, s.entityId, s.webhookId);
    else if (s.securityGroupId !== null) push(bucket.byGroup, s.securityGroupId, s.webhookId);
  }
  return index;
}
