import type { SubscriptionFacts } from '../store/trace.js';

export interface SubscriptionVerdict {
  /** It routes an event of its type for this entity to its webhook now. */
  matches: boolean;
  /** Why it does not match (empty when it does). */
  reasons: string[];
  /** What happens to what it matches, when that is not an attempt now (a paused webhook holds it). */
  note: string | null;
}

/**
 * Pure: whether one subscription applies to the entity, and if not every reason why. The matcher's
 * rules, stated for support staff: enabled, and AllEntities, this EntityId, or a group the entity is a
 * member of. A paused webhook still matches (its deliveries are recorded and held).
 */
export function subscriptionVerdict(s: SubscriptionFacts): SubscriptionVerdict {
  const reasons = [
    ...(s.enabled ? [] : ['subscription disabled']),
    ...(s.isEntity === false ? ['targets another entity'] : []),
    ...(s.entityInGroup === false ? ['entity is not a member of the group'] : []),
  ];
  const note =
    reasons.length === 0 && !s.webhookEnabled
      ? 'the webhook is paused: the delivery is recorded and held until it is enabled'
      : null;
  return { matches: reasons.length === 0, reasons, note };
}
