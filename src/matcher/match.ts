import { NEXT, ORGANIZATION, webhookIdsAt } from './route-pool.js';
import type { RoutingIndex } from './routing-index.js';
import type { MatchKey } from './types.js';

const NOBODY: readonly number[] = [];

/**
 * The receivers of an event: webhooks of the event's organization with a subscription to its type that
 * targets all entities, its entity, or a security group holding its entity. Each webhook at most once.
 * Pure given the index; keys must be lower-cased like the store's. The result is read-only: either a
 * list shared with the index or a new array.
 */
export function matchWebhooks(routes: RoutingIndex, key: MatchKey): readonly number[] {
  const organization = routes.organizations[key.organizationId];
  if (organization === undefined) return NOBODY;
  const byType = routes.types.get(key.eventType);
  if (byType === undefined) return NOBODY;
  const ints = routes.rows.ints;
  // Rows of other organizations share the chain only when they subscribe to the same entity id.
  for (let at = byType.heads[key.entityId] ?? -1; at >= 0; at = ints[at + NEXT] as number) {
    if (ints[at + ORGANIZATION] === organization) return webhookIdsAt(ints, at);
  }
  return byType.everyone[organization] ?? NOBODY;
}
